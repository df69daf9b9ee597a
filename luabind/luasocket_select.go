package luabind

import (
	"errors"
	"os"
	"slices"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// socket.select, LuaSocket's (its select.c): the lists hold any objects
// with a getfd method (LuaSocket objects, sockplay's sockets, LTN12
// sources and sinks over them), an object whose dirty() is true is
// readable at once, and the results are lists that are also sets
// (readable[i] = obj and readable[obj] = i). The waiting is the
// backend's, as for select.select (select.go).

// lsSelectEntry is one object of a list and its descriptor.
type lsSelectEntry struct {
	obj   lua.LValue
	fd    int
	sock  *Socket // the core socket behind obj, if it is one of ours
	dirty bool
}

// socket.select(recvt, sendt [, timeout]) -> readable, writable | readable, writable, "timeout"
// (nil lists are empty; timeout nil or negative: wait until one is ready)
func (rt *Runtime) lsSelect(L *lua.LState) int {
	const fname = "socket.select"
	timeout := lsOptNumber(L, 3, fname, "timeout", -1)
	if o := lsLoneReader(L); o != nil {
		return rt.lsSelectReadAhead(L, o, timeout)
	}
	recv := rt.lsSelectList(L, 1, fname)
	send := rt.lsSelectList(L, 2, fname)
	objs := map[int]lua.LValue{} // the last object of each descriptor, as LuaSocket maps them back
	events := map[int]int16{}
	var dirty []lua.LValue
	for _, e := range recv {
		objs[e.fd] = e.obj
		if rt.lsIsDirty(L, e) {
			dirty = append(dirty, e.obj)
			continue
		}
		events[e.fd] |= bsd.POLLIN
	}
	for _, e := range send {
		objs[e.fd] = e.obj
		events[e.fd] |= bsd.POLLOUT
	}
	fds := make([]pollFd, 0, len(events))
	for fd, ev := range events {
		fds = append(fds, pollFd{Fd: int32(fd), Events: ev})
	}
	// Results come in the order of the descriptors, as LuaSocket's do.
	slices.SortFunc(fds, func(a, b pollFd) int { return int(a.Fd - b.Fd) })
	if len(dirty) > 0 {
		timeout = 0
	}
	var wait time.Duration = -1
	if timeout >= 0 {
		wait = time.Duration(min(timeout, 1e9) * float64(time.Second))
	}
	n, err := rt.lsPoll(L, fds, recv, send, wait)
	if err != nil {
		raiseInterrupt(L, err)
		L.RaiseError("select failed: %s", lsErrorString(err))
	}
	kept := L.ResultsWanted()
	if kept == 0 {
		return 0 // a select made as a statement: nobody sees the tables
	}
	if n == 0 && len(dirty) == 0 {
		return lsSelectTimeout(L, kept)
	}
	readable, writable := L.CreateTable(len(dirty)+len(fds), 0), L.CreateTable(len(fds), 0)
	for _, obj := range dirty {
		readable.Append(obj)
	}
	for _, p := range fds {
		// Errors and hang-ups make a socket readable and writable, as
		// select(2) reports them: the next call returns the error.
		bad := p.Revents&(bsd.POLLERR|bsd.POLLHUP|bsd.POLLNVAL) != 0
		if p.Events&bsd.POLLIN != 0 && (p.Revents&bsd.POLLIN != 0 || bad) {
			readable.Append(objs[int(p.Fd)])
		}
		if p.Events&bsd.POLLOUT != 0 && (p.Revents&bsd.POLLOUT != 0 || bad) {
			writable.Append(objs[int(p.Fd)])
		}
	}
	lsMakeSet(readable)
	lsMakeSet(writable)
	L.Push(readable)
	L.Push(writable)
	return 2
}

// lsMakeSet adds t[v] = i for every t[i] = v.
func lsMakeSet(t *lua.LTable) {
	for i, n := 1, t.Len(); i <= n; i++ {
		t.RawSet(t.RawGetInt(i), lua.LNumber(i))
	}
}

// lsSelectList reads list n of socket.select: nil is empty; the objects
// are read as t[1], t[2], ... up to the first nil (metamethods apply, as
// in LuaSocket); those without a descriptor are left out.
func (rt *Runtime) lsSelectList(L *lua.LState, n int, fname string) []lsSelectEntry {
	v := L.Get(n)
	if v == lua.LNil {
		return nil
	}
	typedArg[*lua.LTable](L, n, fname, "table")
	var list []lsSelectEntry
	for i := 1; ; i++ {
		obj := L.GetTable(v, lua.LNumber(i))
		if obj == lua.LNil {
			break
		}
		e := rt.lsSelectEntry(L, obj)
		if e.fd < 0 {
			continue
		}
		if len(list) == lsSetSize {
			lualib.ArgError(L, n, fname, "too many sockets (more than socket._SETSIZE)")
		}
		list = append(list, e)
	}
	return list
}

// lsSelectEntry finds obj's descriptor: a LuaSocket object's, a sockplay
// socket's, or what obj:getfd() returns (-1: none).
func (rt *Runtime) lsSelectEntry(L *lua.LState, obj lua.LValue) lsSelectEntry {
	e := lsSelectEntry{obj: obj, fd: -1}
	if ud, ok := obj.(*lua.LUserData); ok {
		switch v := ud.Value.(type) {
		case *lsObject:
			if v.open() {
				e.fd, e.sock = v.s.fd, v.s
			}
			// Buffered data, or an end or error a read found and receive
			// has yet to report: readable now, whatever the kernel says.
			e.dirty = v.pending != "" || v.eof || v.readErr != nil
			return e
		case *Socket:
			if !v.closed() {
				e.fd, e.sock = v.fd, v
			}
			return e
		}
	}
	if fn := L.GetField(obj, "getfd"); fn != lua.LNil {
		L.Push(fn)
		L.Push(obj)
		L.Call(1, 1)
		if n, ok := L.Get(-1).(lua.LNumber); ok && n >= 0 {
			e.fd = int(n)
		}
		L.Pop(1)
	}
	return e
}

// lsIsDirty reports whether a readable-list entry has buffered data: a
// LuaSocket object's buffer, or what obj:dirty() says.
func (rt *Runtime) lsIsDirty(L *lua.LState, e lsSelectEntry) bool {
	if ud, ok := e.obj.(*lua.LUserData); ok {
		if _, ours := ud.Value.(*lsObject); ours {
			return e.dirty
		}
		if _, ours := ud.Value.(*Socket); ours {
			return false
		}
	}
	fn := L.GetField(e.obj, "dirty")
	if fn == lua.LNil {
		return false
	}
	L.Push(fn)
	L.Push(e.obj)
	L.Call(1, 1)
	d := lua.LVAsBool(L.Get(-1))
	L.Pop(1)
	return d
}

// lsPoll sets the revents of fds: ready now, or within wait (< 0: no
// limit; 0: do not wait). It returns how many are ready (0: the time
// passed). A lone socket waits on its own registration with Go's poller;
// several wait on an epoll descriptor (waitAny).
func (rt *Runtime) lsPoll(L *lua.LState, fds []pollFd, recv, send []lsSelectEntry, wait time.Duration) (int, error) {
	socks := make([]*Socket, len(fds))
	for i, p := range fds {
		socks[i] = lsSocketOf(recv, send, int(p.Fd))
	}
	n, err := rt.sys.pollNow(rt, fds, socks)
	if err != nil || n > 0 || wait == 0 {
		return n, err
	}
	t := rt.currentTask(L)
	if len(fds) == 0 {
		// Nothing to watch: wait for the time, or (none given) until the
		// task is interrupted, as select(2) with no descriptors does.
		if wait < 0 {
			return 0, rt.waitChan(t, nil)
		}
		return 0, rt.waitChanTimer(t, time.NewTimer(wait))
	}
	if len(fds) == 1 && (fds[0].Events == bsd.POLLIN || fds[0].Events == bsd.POLLOUT) {
		if socks[0] != nil {
			return rt.sys.waitOne(L, t, socks[0], &fds[0], wait)
		}
	}
	// Closing one of the sockets (another task's close) wakes the wait,
	// as it wakes select.select.
	sw := &selectWait{}
	for _, list := range [2][]lsSelectEntry{recv, send} {
		for _, e := range list {
			if e.sock != nil {
				sw.entries = append(sw.entries, selectEntry{obj: e.obj, sock: e.sock, fd: e.fd})
			}
		}
	}
	rt.watchCloses(sw)
	defer rt.unwatchCloses(sw)
	var deadline time.Time
	if wait > 0 {
		deadline = time.Now().Add(wait)
	}
	for {
		left := time.Duration(-1)
		if wait > 0 {
			if left = time.Until(deadline); left <= 0 {
				return 0, nil
			}
		}
		if err := rt.sys.waitAny(L, rt, fds, socks, left, sw); err != nil {
			return 0, err
		}
		// Woken by readiness, poll again: another task may have taken it.
		if n, err := rt.sys.pollNow(rt, fds, socks); err != nil || n > 0 || sw.closed {
			return n, err
		}
	}
}

func lsSocketOf(recv, send []lsSelectEntry, fd int) *Socket {
	for _, list := range [2][]lsSelectEntry{recv, send} {
		for _, e := range list {
			if e.fd == fd && e.sock != nil {
				return e.sock
			}
		}
	}
	return nil
}

// lsLoneReader is the object of socket.select({obj}, nil | {}) when obj
// is an open LuaSocket stream connection with nothing buffered: the
// commonest select of a task that serves one connection.
func lsLoneReader(L *lua.LState) *lsObject {
	recv, ok := L.Get(1).(*lua.LTable)
	if !ok || recv.Metatable != lua.LNil || recv.RawGetInt(2) != lua.LNil {
		return nil
	}
	switch send := L.Get(2).(type) {
	case *lua.LNilType:
	case *lua.LTable:
		if send.Metatable != lua.LNil || send.RawGetInt(1) != lua.LNil {
			return nil
		}
	default:
		return nil
	}
	ud, ok := recv.RawGetInt(1).(*lua.LUserData)
	if !ok {
		return nil
	}
	o, ok := ud.Value.(*lsObject)
	if !ok || lsStreamClients&(1<<o.class) == 0 || !o.open() || o.pending != "" || o.eof || o.readErr != nil {
		return nil
	}
	return o
}

// lsSelectReadAhead is socket.select for a lone reader (lsLoneReader):
// instead of asking the kernel whether the socket is readable and then,
// in the receive that follows, reading, it reads now into the object's
// buffer, which makes the object dirty(), that is readable; a read that
// finds the end of the stream or an error makes it readable too, and
// receive reports them. So a task's select-and-receive costs the system
// calls of one read. A read that came back short tells a non-blocking
// receive right after that there is nothing more to read (readAhead).
func (rt *Runtime) lsSelectReadAhead(L *lua.LState, o *lsObject, timeout float64) int {
	wait := time.Duration(-1)
	if timeout >= 0 {
		wait = time.Duration(min(timeout, 1e9) * float64(time.Second))
	}
	o.s.timeout = wait
	data, err := o.s.sys.recvString(L, lsChunk, 0)
	switch {
	case err == nil && len(data) > 0:
		o.pending = string(data)
		o.readAhead = len(data) < lsChunk
	case err == nil:
		o.eof = true
	case errors.Is(err, os.ErrDeadlineExceeded), err == syscall.EAGAIN:
		return lsSelectTimeout(L, L.ResultsWanted())
	default:
		raiseInterrupt(L, err)
		o.readErr = err
	}
	// The result tables are made only for a caller that keeps them: a
	// task serving one connection commonly calls select as a statement.
	kept := L.ResultsWanted()
	if kept == 0 {
		return 0
	}
	readable := L.CreateTable(1, 0)
	readable.RawSetInt(1, o.ud)
	readable.RawSet(o.ud, lua.LNumber(1))
	L.Push(readable)
	if kept == 1 {
		return 1
	}
	L.Push(L.CreateTable(0, 0))
	return 2
}

// lsSelectTimeout pushes select's results when nothing is ready: two
// empty tables and "timeout", or the first kept of them.
func lsSelectTimeout(L *lua.LState, kept int) int {
	if kept == 0 {
		return 0
	}
	L.Push(L.CreateTable(0, 0))
	if kept == 1 {
		return 1
	}
	L.Push(L.CreateTable(0, 0))
	L.Push(lua.LString("timeout"))
	return 3
}
