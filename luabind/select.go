package luabind

import (
	"math"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
	"golang.org/x/sys/unix"
)

// The select module: Python's select.select over socket objects and any
// object with a fileno() method. It is not limited to descriptors below
// 1024 (select(2)'s FD_SETSIZE, which LuaSocket inherits): readiness is
// checked with poll(2) without waiting, and the wait itself happens on an
// epoll descriptor registered with Go's netpoller, so no thread blocks and
// the task's cancellation interrupts it.

func (rt *Runtime) openSelect() {
	L := rt.L
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"select": rt.selectSelect,
	})
	// Lua's own select("#", ...) is a global of the same name: calling the
	// module still does what it did, so vararg code keeps working.
	if builtin, ok := L.GetGlobal("select").(*lua.LFunction); ok {
		lualib.SetCall(L, mod, builtin) // select(n | "#", ...) -> ...
	}
	lualib.SetModule(L, "select", mod)
}

// selectEntry is one object of the three lists and its descriptor.
type selectEntry struct {
	obj  lua.LValue
	fd   int
	list int // 0 read, 1 write, 2 exceptional
}

var pollEvents = [3]int16{unix.POLLIN, unix.POLLOUT, unix.POLLPRI}

// select.select(rlist, wlist, xlist, timeout?) -> readable, writable, exceptional
// (timeout nil: wait until one is ready; 0: poll; a socket is readable when
// recv or accept would not block, including at end of stream)
func (rt *Runtime) selectSelect(L *lua.LState) int {
	const fname = "select.select"
	var entries []selectEntry
	for list := 0; list < 3; list++ {
		v := L.Get(list + 1)
		t, ok := v.(*lua.LTable)
		if !ok {
			if v == lua.LNil && list == 2 {
				continue // xlist may be left out
			}
			lualib.ArgError(L, list+1, fname, "table of sockets expected, got "+lualib.TypeName(v))
		}
		for i := 1; i <= t.Len(); i++ {
			obj := t.RawGetInt(i)
			entries = append(entries, selectEntry{obj: obj, fd: rt.filenoOf(L, obj, list+1, fname), list: list})
		}
	}
	timeout := time.Duration(-1)
	if L.Get(4) != lua.LNil {
		f, ok := L.Get(4).(lua.LNumber)
		if !ok {
			lualib.ArgError(L, 4, fname, "timeout must be a number or nil, got "+lualib.TypeName(L.Get(4)))
		}
		if f < 0 || math.IsNaN(float64(f)) {
			lualib.ArgError(L, 4, fname, "timeout must be non-negative")
		}
		timeout = time.Duration(float64(f) * float64(time.Second))
	}

	fds := make([]unix.PollFd, len(entries))
	for i, e := range entries {
		fds[i] = unix.PollFd{Fd: int32(e.fd), Events: pollEvents[e.list]}
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		n, err := pollNow(fds)
		if err != nil {
			return raise(L, err)
		}
		if n > 0 || timeout == 0 {
			break
		}
		wait := time.Duration(-1)
		if timeout > 0 {
			if wait = time.Until(deadline); wait <= 0 {
				break
			}
		}
		if len(fds) == 0 {
			// Nothing to watch: Python sleeps for the timeout.
			if wait < 0 {
				lualib.ArgError(L, 1, fname, "nothing to wait for: all lists are empty and there is no timeout")
			}
			if err := rt.waitChanTimer(rt.currentTask(L), time.NewTimer(wait)); err != nil {
				return raise(L, err)
			}
			break
		}
		// Woken by readiness, poll again: another task may have taken it.
		if err := rt.waitAny(L, fds, wait); err != nil {
			return raise(L, err)
		}
	}

	out := [3]*lua.LTable{L.NewTable(), L.NewTable(), L.NewTable()}
	for i, e := range entries {
		re := fds[i].Revents
		if re&unix.POLLNVAL != 0 {
			return raiseErrno(L, unix.EBADF)
		}
		ready := re&pollEvents[e.list] != 0
		// Errors and hang-ups make a socket readable and writable, as
		// select(2) reports them: the next call returns the error or "".
		if e.list < 2 && re&(unix.POLLERR|unix.POLLHUP) != 0 {
			ready = true
		}
		if ready {
			out[e.list].Append(e.obj)
		}
	}
	for _, t := range out {
		L.Push(t)
	}
	return 3
}

// filenoOf returns the descriptor of a socket, a number, or an object with
// a fileno() method.
func (rt *Runtime) filenoOf(L *lua.LState, obj lua.LValue, arg int, fname string) int {
	fd := -1
	switch v := obj.(type) {
	case *lua.LUserData:
		if s, ok := v.Value.(*Socket); ok {
			fd = s.fd
			break
		}
		fd = callFileno(L, v, arg, fname)
	case lua.LNumber:
		fd = int(v)
	case *lua.LTable:
		fd = callFileno(L, v, arg, fname)
	default:
		lualib.ArgError(L, arg, fname, "sockets or objects with fileno() expected, got "+lualib.TypeName(obj))
	}
	if fd < 0 {
		lualib.ArgError(L, arg, fname, "a closed socket (fileno() is -1) cannot be selected")
	}
	return fd
}

func callFileno(L *lua.LState, obj lua.LValue, arg int, fname string) int {
	method := L.GetField(obj, "fileno")
	if _, ok := method.(*lua.LFunction); !ok {
		lualib.ArgError(L, arg, fname, "object without a fileno() method in the list")
	}
	L.Push(method)
	L.Push(obj)
	L.Call(1, 1)
	n, ok := L.Get(-1).(lua.LNumber)
	L.Pop(1)
	if !ok {
		lualib.ArgError(L, arg, fname, "fileno() must return a number")
	}
	return int(n)
}
