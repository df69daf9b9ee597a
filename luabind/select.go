package luabind

import (
	"fmt"
	"math"
	"strings"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The select module: Python's select.select over socket objects and any
// object with a fileno() method. It is not limited to descriptors below
// 1024 (select(2)'s FD_SETSIZE, which LuaSocket inherits): readiness is
// checked without waiting, then the backend waits without a thread
// blocked, the task's cancellation interrupting it (Linux: poll(2), then
// an epoll descriptor registered with Go's netpoller, select_linux.go;
// the portable backend: its sockets' own readiness, select_portable.go).

func (rt *Runtime) openSelect() {
	L := rt.L
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"select": rt.selectSelect,
	})
	// Lua's own select("#", ...) is a global of the same name: calling the
	// module still does what it did, so vararg code keeps working.
	lualib.SetCall(L, mod, L.NewFunction(luaSelect))
	lualib.SetModule(L, "select", mod)
}

// select(n, ...) -> the arguments after the n-th; select("#", ...) -> their count
// (Lua 5.1's builtin, which calling the module still is; its errors name
// 'select', as Lua's do, where gopher-lua's, called through the module's
// __call, named no function.)
func luaSelect(L *lua.LState) int {
	top := L.GetTop()
	if s, ok := L.Get(1).(lua.LString); ok && strings.HasPrefix(string(s), "#") {
		L.Push(lua.LNumber(top - 1))
		return 1
	}
	var v lua.LNumber
	switch x := L.Get(1).(type) {
	case lua.LNumber:
		v = x
	case lua.LString:
		// A numeral is a number here, as in Lua ("2"); LVAsNumber says 0
		// for what is not one.
		v = lua.LVAsNumber(x)
		if t := strings.TrimSpace(string(x)); v == 0 && t != "0" && !strings.HasPrefix(t, "0x") && !strings.HasPrefix(t, "0.") {
			lualib.ArgError(L, 1, "select", "number expected, got string")
		}
	default:
		lualib.ArgError(L, 1, "select", "number expected, got "+lualib.TypeName(x))
	}
	// In float arithmetic: 2^63, -2^63 and NaN have no int.
	n := math.Trunc(float64(v))
	switch {
	case n < 0:
		n += float64(top)
	case n > float64(top):
		n = float64(top)
	}
	if !(n >= 1) {
		lualib.ArgError(L, 1, "select", "index out of range")
	}
	return top - int(n)
}

// selectEntry is one object of the three lists and its descriptor.
type selectEntry struct {
	obj  lua.LValue
	sock *Socket // obj, if it is a socket: closing it wakes the select
	fd   int
	list int // 0 read, 1 write, 2 exceptional
}

// selectWait is a select waiting without the runtime lock: closing one of
// its sockets wakes it (Socket.close calls wakeSelects), as the kernel does
// not (a descriptor closed while in an epoll set just leaves it).
// Guarded by the runtime lock.
type selectWait struct {
	entries []selectEntry
	wake    func() // set while the select waits
	closed  bool   // a socket of the lists was closed meanwhile
}

var pollEvents = [3]int16{bsd.POLLIN, bsd.POLLOUT, bsd.POLLPRI}

// select.select(rlist, wlist, xlist, timeout?) -> readable, writable, exceptional
// (timeout nil: wait until one is ready; 0: poll; a socket is readable when
// recv or accept would not block, including at end of stream; a socket
// that another task closes meanwhile is returned ready, and its next call
// raises EBADF, as in Python)
func (rt *Runtime) selectSelect(L *lua.LState) int {
	const fname = "select.select"
	sw := &selectWait{}
	for list := 0; list < 3; list++ {
		v := L.Get(list + 1)
		if v == lua.LNil && list == 2 {
			continue // xlist may be left out
		}
		for _, obj := range listArg(L, list+1, fname, "sockets") {
			e := selectEntry{obj: obj, list: list}
			e.fd, e.sock = rt.filenoOf(L, obj, list+1, fname)
			sw.entries = append(sw.entries, e)
		}
	}
	timeout := time.Duration(-1)
	if L.Get(4) != lua.LNil {
		f, ok := L.Get(4).(lua.LNumber)
		if !ok {
			lualib.ArgError(L, 4, fname, "timeout must be a number or nil, got "+argTypeName(L.Get(4)))
		}
		if f < 0 || math.IsNaN(float64(f)) {
			lualib.ArgError(L, 4, fname, "timeout must be non-negative")
		}
		timeout = secondsDuration(float64(f))
	}

	fds := make([]pollFd, len(sw.entries))
	socks := make([]*Socket, len(sw.entries))
	for i, e := range sw.entries {
		fds[i] = pollFd{Fd: int32(e.fd), Events: pollEvents[e.list]}
		socks[i] = e.sock
	}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	rt.watchCloses(sw)
	defer rt.unwatchCloses(sw)
	for {
		n, err := rt.sys.pollNow(rt, fds, socks)
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
		if err := rt.sys.waitAny(L, rt, fds, socks, wait, sw); err != nil {
			return raise(L, err)
		}
		if sw.closed {
			break
		}
	}

	out := [3]*lua.LTable{L.NewTable(), L.NewTable(), L.NewTable()}
	for i, e := range sw.entries {
		if e.sock != nil && e.sock.closed() {
			// Closed by another task: ready, and its next call says EBADF.
			// (Its descriptor number may be another socket's by now.)
			out[e.list].Append(e.obj)
			continue
		}
		re := fds[i].Revents
		if re&bsd.POLLNVAL != 0 {
			return raiseErrno(L, syscall.EBADF)
		}
		ready := re&pollEvents[e.list] != 0
		// Errors and hang-ups make a socket readable and writable, as
		// select(2) reports them: the next call returns the error or "".
		if e.list < 2 && re&(bsd.POLLERR|bsd.POLLHUP) != 0 {
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

// watchCloses registers sw, so that closing one of its sockets wakes it.
func (rt *Runtime) watchCloses(sw *selectWait) {
	for _, e := range sw.entries {
		if e.sock != nil {
			e.sock.selects++
		}
	}
	if rt.selects == nil {
		rt.selects = map[*selectWait]struct{}{}
	}
	rt.selects[sw] = struct{}{}
}

func (rt *Runtime) unwatchCloses(sw *selectWait) {
	for _, e := range sw.entries {
		if e.sock != nil {
			e.sock.selects--
		}
	}
	delete(rt.selects, sw)
}

// wakeSelects wakes the selects waiting on s, which is being closed.
// Called with the runtime lock held.
func (rt *Runtime) wakeSelects(s *Socket) {
	for sw := range rt.selects {
		for _, e := range sw.entries {
			if e.sock == s {
				sw.closed = true
				if sw.wake != nil {
					sw.wake()
				}
				break
			}
		}
	}
}

// listArg returns the elements of argument n, which must be a list (a
// table with keys 1..#t and no others): a table of something else is a
// mistake, not an empty list.
func listArg(L *lua.LState, n int, fname, what string) []lua.LValue {
	v := L.Get(n)
	t, ok := v.(*lua.LTable)
	if !ok {
		lualib.ArgError(L, n, fname, "list of "+what+" expected, got "+lualib.TypeName(v))
	}
	var items []lua.LValue
	count := 0
	t.ForEach(func(k, v lua.LValue) {
		count++
		i, isNum := k.(lua.LNumber)
		if !isNum || float64(i) != math.Trunc(float64(i)) || i < 1 || float64(i) > float64(math.MaxInt32) {
			lualib.ArgError(L, n, fname, fmt.Sprintf("list of %s expected, got a table with the key %s", what, lualib.ShowArg(k)))
		}
		if int(i) > len(items) {
			items = append(items, make([]lua.LValue, int(i)-len(items))...)
		}
		items[int(i)-1] = v
	})
	if count != len(items) {
		lualib.ArgError(L, n, fname, fmt.Sprintf("list of %s expected, got a table with holes (%d values, the last at [%d])", what, count, len(items)))
	}
	return items
}

// filenoOf returns the descriptor of a socket, a number, or an object with
// a fileno() method, and the socket if it is one.
func (rt *Runtime) filenoOf(L *lua.LState, obj lua.LValue, arg int, fname string) (int, *Socket) {
	var fd lua.LValue
	var sock *Socket
	switch v := obj.(type) {
	case *lua.LUserData:
		if s, ok := v.Value.(*Socket); ok {
			sock = s
			fd = lua.LNumber(s.fd)
			break
		}
		fd = callFileno(L, v, arg, fname)
	case lua.LNumber:
		fd = v
	case *lua.LTable:
		fd = callFileno(L, v, arg, fname)
	default:
		lualib.ArgError(L, arg, fname, "sockets or objects with fileno() expected, got "+lualib.TypeName(obj))
	}
	n, ok := fd.(lua.LNumber)
	switch {
	case !ok:
		lualib.ArgError(L, arg, fname, "fileno() must return an integer, got "+lualib.TypeName(fd))
	case sock != nil && n < 0:
		lualib.ArgError(L, arg, fname, "a closed socket (fileno() is -1) cannot be selected")
	case float64(n) != math.Trunc(float64(n)):
		lualib.ArgError(L, arg, fname, "a descriptor must be an integer, got "+n.String())
	case n < 0:
		lualib.ArgError(L, arg, fname, "a descriptor cannot be negative, got "+n.String())
	case n > math.MaxInt32:
		lualib.ArgError(L, arg, fname, "a descriptor must be at most 2147483647, got "+n.String())
	}
	return int(n), sock
}

func callFileno(L *lua.LState, obj lua.LValue, arg int, fname string) lua.LValue {
	method := L.GetField(obj, "fileno")
	if _, ok := method.(*lua.LFunction); !ok {
		lualib.ArgError(L, arg, fname, "object without a fileno() method in the list")
	}
	L.Push(method)
	L.Push(obj)
	L.Call(1, 1)
	v := L.Get(-1)
	L.Pop(1)
	return v
}
