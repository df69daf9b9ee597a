package luabind

import (
	"errors"
	"syscall"

	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The socket methods, as Python's socket object has them. Each raises an
// error value (OSError and its subclasses) when the system call fails, and
// an argument error on misuse.

func (rt *Runtime) socketMethods() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"accept":      rt.sockAccept,
		"bind":        rt.sockBind,
		"listen":      rt.sockListen,
		"connect":     rt.sockConnect,
		"connect_ex":  rt.sockConnectEx,
		"recv":        rt.sockRecv,
		"recvfrom":    rt.sockRecvfrom,
		"send":        rt.sockSend,
		"sendall":     rt.sockSendall,
		"sendto":      rt.sockSendto,
		"getpeername": rt.sockGetpeername,
		"getsockname": rt.sockGetsockname,
		"getsockopt":  rt.sockGetsockopt,
		"setsockopt":  rt.sockSetsockopt,
		"settimeout":  rt.sockSettimeout,
		"gettimeout":  rt.sockGettimeout,
		"setblocking": rt.sockSetblocking,
		"getblocking": rt.sockGetblocking,
		"fileno":      rt.sockFileno,
		"makefile":    rt.sockMakefile,
		"shutdown":    rt.sockShutdown,
		"close":       rt.sockClose,
		"send_msg":    rt.sockSendMsg, // socket_framing.go
		"recv_msg":    rt.sockRecvMsg,
	}
}

// sock:accept() -> conn, address   (waits for a client; conn is a new socket)
func (rt *Runtime) sockAccept(L *lua.LState) int {
	s := checkSocket(L, "sock:accept")
	if err := rt.socketQuota(1); err != nil { // the sandbox's socket cap
		return raise(L, err)
	}
	tc := rt.traceBegin()
	c, from, err := s.sys.accept(L)
	if tc != nil {
		ev := &traceNote{event: "accept"}
		if err == nil {
			ev.newSock, ev.remote = c.id, sockaddrText(from)
			tc.tr.accepted(c, s, ev.remote) // its peer, for its events after the peer has gone
		}
		tc.emit(L, s, ev, err)
	}
	if err != nil {
		return raise(L, err)
	}
	rt.pushSocket(L, c)
	L.Push(newAddr(L, from))
	return 2
}

// sock:bind(address)   (address: {host, port}, host, port, or a path for AF_UNIX)
func (rt *Runtime) sockBind(L *lua.LState) int {
	s := checkSocket(L, "sock:bind")
	spec, _ := addrArg(L, 2, s.family, "sock:bind")
	sa, err := rt.resolve(L, spec, s.family)
	if err != nil {
		return raise(L, err)
	}
	rt.allowAddr(L, "bind", sa) // the sandbox: loopback only
	err = s.sys.bind(sa)
	rt.traceEvent(L, s, &traceNote{event: "bind"}, err)
	if err != nil {
		return raiseAddr(L, err, sa)
	}
	rt.noteBound(s)
	return 0
}

// sock:listen(backlog?)   (backlog: queued connections not yet accepted; default 128)
func (rt *Runtime) sockListen(L *lua.LState) int {
	s := checkSocket(L, "sock:listen")
	backlog := optIntArg(L, 2, "sock:listen", "backlog", min(bsd.SOMAXCONN, 128))
	if backlog < 0 {
		backlog = 0
	}
	if s.typ != bsd.SOCK_STREAM {
		return raiseErrno(L, syscall.EOPNOTSUPP)
	}
	err := s.sys.listen(backlog)
	rt.traceEvent(L, s, &traceNote{event: "listen", backlog: backlog}, err)
	if err != nil {
		return raise(L, err)
	}
	rt.noteListening(s)
	return 0
}

// noteListening records where s listens, after a listen() that
// succeeded (Socket.listenAt and boundAt).
func (rt *Runtime) noteListening(s *Socket) { rt.noteAddress(s, true) }

// noteBound records where s is bound, after a bind() that succeeded
// (Socket.boundAt).
func (rt *Runtime) noteBound(s *Socket) { rt.noteAddress(s, false) }

func (rt *Runtime) noteAddress(s *Socket, listening bool) {
	if sa, err := s.sys.sockname(); err == nil && sa.family != bsd.AF_UNIX {
		rt.mu.Lock()
		s.boundAt = sa.addrPort()
		if listening {
			s.listenAt = s.boundAt
		}
		rt.mu.Unlock()
	}
}

// connectArg connects s to the address of argument 2: the address, and
// the error.
func (rt *Runtime) connectArg(L *lua.LState, s *Socket, fname string) (sockAddr, error) {
	spec, _ := addrArg(L, 2, s.family, fname)
	tc := rt.traceSend()
	if tc != nil {
		defer tc.settle() // a raise before emit (the sandbox) must not hold back the trace
	}
	sa, err := rt.resolve(L, spec, s.family)
	if err == nil {
		rt.allowAddr(L, "connect", sa) // the sandbox: loopback only
		err = s.sys.connect(L, sa)
		if err == nil || errors.Is(err, syscall.EINPROGRESS) || errors.Is(err, syscall.EALREADY) || errors.Is(err, syscall.EISCONN) {
			s.unconnected = false
		}
	}
	if tc != nil {
		call := ""
		if fname != "sock:connect" {
			call = "connect_ex"
		}
		tc.emit(L, s, &traceNote{event: "connect", call: call, remote: targetText(spec, sa)}, err)
	}
	return sa, err
}

// sock:connect(address)   (waits until connected, as the timeout allows)
func (rt *Runtime) sockConnect(L *lua.LState) int {
	s := checkSocket(L, "sock:connect")
	if sa, err := rt.connectArg(L, s, "sock:connect"); err != nil {
		return raiseAddr(L, err, sa)
	}
	return 0
}

// sock:connect_ex(address) -> errno   (0 on success; errors become numbers, not raised)
func (rt *Runtime) sockConnectEx(L *lua.LState) int {
	s := checkSocket(L, "sock:connect_ex")
	_, err := rt.connectArg(L, s, "sock:connect_ex")
	if err == nil {
		L.Push(lua.LNumber(0))
		return 1
	}
	v := errorValue(L, err)
	n, ok := v.RawGetString("errno").(lua.LNumber)
	if !ok || lua.LVAsString(v.RawGetString("name")) == "gaierror" {
		// Python raises what has no errno (timeouts, name lookups).
		L.Error(v, 0)
	}
	L.Push(n)
	return 1
}

// sock:recv(bufsize, flags?) -> data   ("" when the peer closed)
func (rt *Runtime) sockRecv(L *lua.LState) int {
	s, n, flags := recvArgs(L, "sock:recv")
	tc := rt.traceBegin()
	data, err := s.sys.recvString(L, n, flags)
	if tc != nil {
		traceRecv(tc, L, s, data, n, err)
	}
	if err != nil {
		return raise(L, err)
	}
	if len(data) == 0 && n > 0 && s.typ == bsd.SOCK_STREAM {
		rt.noteEmptyRecv(L, s) // the end of the stream, once; a spin, again and again
	} else if s.empties != 0 {
		s.empties = 0
	}
	L.Push(data)
	return 1
}

// traceRecv reports a recv. It is a function of its own, kept out of line,
// because a server's idle tasks wait inside sockRecv: the event built here
// would otherwise make sockRecv's stack frame large enough that a task
// waiting in recv inside pcall needs an 8 KiB goroutine stack instead of 4
// (BenchmarkIdleConnectionMemory, docs/PERFORMANCE.md).
//
//go:noinline
func traceRecv(tc *traceCall, L *lua.LState, s *Socket, data lua.LString, bufsize int, err error) {
	tc.emit(L, s, &traceNote{event: "recv", data: tc.head(string(data)), bytes: len(data), bufsize: bufsize, isData: err == nil}, err)
}

// sock:recvfrom(bufsize, flags?) -> data, address
func (rt *Runtime) sockRecvfrom(L *lua.LState) int {
	s, n, flags := recvArgs(L, "sock:recvfrom")
	tc := rt.traceBegin()
	data, from, err := s.sys.recvFrom(L, n, flags)
	if tc != nil && !tc.counted(s, "recvfrom", len(data), err) {
		traceRecvfrom(tc, L, s, data, n, from, err)
	}
	if err != nil {
		return raise(L, err)
	}
	L.Push(data)
	if !from.ok() {
		L.Push(lua.LNil) // a connected stream socket has no per-message sender
	} else {
		L.Push(s.senderAddr(L, from))
	}
	return 2
}

// traceRecvfrom reports a recvfrom; out of line, as traceRecv, for the
// stack of the tasks that wait in sockRecvfrom (a UDP server's).
//
//go:noinline
func traceRecvfrom(tc *traceCall, L *lua.LState, s *Socket, data lua.LString, bufsize int, from sockAddr, err error) {
	tc.emit(L, s, &traceNote{event: "recvfrom", data: tc.head(string(data)), bytes: len(data), bufsize: bufsize,
		remote: sockaddrText(from), isData: err == nil}, err)
}

// sock:send(data, flags?) -> sent   (may send only part: use sendall to send everything)
func (rt *Runtime) sockSend(L *lua.LState) int {
	s := checkSocket(L, "sock:send")
	data := lualib.CheckString(L, 2, "sock:send", "data")
	flags := optIntArg(L, 3, "sock:send", "flags", 0)
	tc := rt.traceDataSend(s, "send")
	if tc != nil {
		defer tc.settle() // a raise before emit (the sandbox) must not hold back the trace
	}
	n, err := s.sendOnce(L, stringBytes(data), flags, sockAddr{})
	if tc != nil {
		tc.emit(L, s, &traceNote{event: "send", data: tc.head(data[:n]), bytes: n, isData: err == nil}, err)
	}
	return pushResult(L, s.sent.of(lua.LNumber(n)), err)
}

// sock:sendall(data, flags?)   (sends every byte, waiting as needed)
func (rt *Runtime) sockSendall(L *lua.LState) int {
	s := checkSocket(L, "sock:sendall")
	data := lualib.CheckString(L, 2, "sock:sendall", "data")
	flags := optIntArg(L, 3, "sock:sendall", "flags", 0)
	tc := rt.traceDataSend(s, "send")
	if tc != nil && tc.slot != nil {
		return sendallTraced(L, tc, s, data, flags)
	}
	// Without a place in the lines to give up on a raise (a live view
	// alone), the traced sendall is the untraced one, and no deeper:
	// an idle task must fit in 4 KiB (TestIdleTasksFit4KiBStacksWithLiveSink).
	err := s.sendAll(L, stringBytes(data), flags)
	if tc != nil {
		traceSendall(tc, L, s, data, err)
	}
	if err != nil {
		return raise(L, err)
	}
	return 0
}

// sendallTraced is sock:sendall with a trace. It is kept out of line for
// the same reason as traceRecv: sockSendall's frame is on the stack of
// every server task while it sends.
//
//go:noinline
func sendallTraced(L *lua.LState, tc *traceCall, s *Socket, data string, flags int) int {
	defer tc.settle() // a raise before emit (the sandbox) must not hold back the trace
	err := s.sendAll(L, stringBytes(data), flags)
	traceSendall(tc, L, s, data, err)
	if err != nil {
		return raise(L, err)
	}
	return 0
}

// traceSendall reports a sendall.
//
//go:noinline
func traceSendall(tc *traceCall, L *lua.LState, s *Socket, data string, err error) {
	tc.emit(L, s, &traceNote{event: "send", call: "sendall", data: tc.head(data), bytes: len(data), isData: err == nil}, err)
}

// sock:sendto(data, [flags,] address) -> sent
func (rt *Runtime) sockSendto(L *lua.LState) int {
	s := checkSocket(L, "sock:sendto")
	data := lualib.CheckString(L, 2, "sock:sendto", "data")
	flags, at := 0, 3
	if _, isNum := L.Get(3).(lua.LNumber); isNum && L.GetTop() >= 4 {
		flags, at = intArg(L, 3, "sock:sendto", "flags"), 4
	}
	var spec addrSpec
	sa := s.lastSenderAddr(L.Get(at)) // the echo pattern: see socket_replyaddr.go
	if !sa.ok() {
		if L.Get(at) == lua.LNil {
			lualib.ArgError(L, at, "sock:sendto", "destination address expected ({host, port}); a connected socket uses send()")
		}
		spec, _ = addrArg(L, at, s.family, "sock:sendto")
	}
	tc := rt.traceDataSend(s, "sendto")
	if tc != nil {
		defer tc.settle() // a raise before emit (the sandbox) must not hold back the trace
	}
	var err error
	if !sa.ok() {
		sa, err = rt.resolve(L, spec, s.family)
	}
	n := 0
	if err == nil {
		rt.allowAddr(L, "sendto", sa) // the sandbox: loopback only
		n, err = s.sendOnce(L, stringBytes(data), flags, sa)
		if err == nil && sa != s.sentTo {
			s.sentTo = sa
		}
	}
	if tc != nil && !tc.counted(s, "sendto", n, err) {
		tc.emit(L, s, &traceNote{event: "sendto", data: tc.head(data[:n]), bytes: n, remote: targetText(spec, sa), isData: err == nil}, err)
	}
	return pushResult(L, s.sent.of(lua.LNumber(n)), err)
}

// sock:getpeername() -> address   (the remote end of a connected socket)
func (rt *Runtime) sockGetpeername(L *lua.LState) int {
	s := checkSocket(L, "sock:getpeername")
	sa, err := s.sys.peername()
	return pushResult(L, newAddr(L, sa), err)
}

// sock:getsockname() -> address   (the local end: after bind to port 0, the chosen port)
func (rt *Runtime) sockGetsockname(L *lua.LState) int {
	s := checkSocket(L, "sock:getsockname")
	sa, err := s.sys.sockname()
	return pushResult(L, newAddr(L, sa), err)
}

// sock:getsockopt(level, option, buflen?) -> integer | string (with buflen: raw bytes)
func (rt *Runtime) sockGetsockopt(L *lua.LState) int {
	s := checkSocket(L, "sock:getsockopt")
	level := intArg(L, 2, "sock:getsockopt", "level")
	opt := intArg(L, 3, "sock:getsockopt", "option")
	checkOption(L, level, opt, "sock:getsockopt")
	if L.Get(4) != lua.LNil {
		buflen := intArg(L, 4, "sock:getsockopt", "buflen")
		if buflen <= 0 || buflen > 1024 {
			lualib.ArgError(L, 4, "sock:getsockopt", "buflen must be 1-1024")
		}
		v, err := s.sys.getsockoptBytes(level, opt, buflen)
		return pushResult(L, lua.LString(v), err)
	}
	v, err := s.sys.getsockoptInt(level, opt)
	return pushResult(L, lua.LNumber(v), err)
}

// sock:setsockopt(level, option, value)   (value: integer, boolean, or raw bytes)
func (rt *Runtime) sockSetsockopt(L *lua.LState) int {
	s := checkSocket(L, "sock:setsockopt")
	level := intArg(L, 2, "sock:setsockopt", "level")
	opt := intArg(L, 3, "sock:setsockopt", "option")
	checkOption(L, level, opt, "sock:setsockopt")
	var err error
	switch v := L.Get(4).(type) {
	case lua.LBool:
		n := 0
		if v {
			n = 1
		}
		err = s.sys.setsockoptInt(level, opt, n)
	case lua.LNumber:
		err = s.sys.setsockoptInt(level, opt, intArg(L, 4, "sock:setsockopt", "value"))
	case lua.LString:
		err = s.sys.setsockoptBytes(level, opt, string(v))
	default:
		lualib.ArgError(L, 4, "sock:setsockopt", "value must be an integer, boolean or string, got "+lualib.TypeName(v))
	}
	if err != nil {
		return raise(L, err)
	}
	return 0
}

// sock:settimeout(seconds | nil)   (nil: block; 0: non-blocking; > 0: TimeoutError after that long)
func (rt *Runtime) sockSettimeout(L *lua.LState) int {
	s := checkSocket(L, "sock:settimeout")
	if L.GetTop() < 2 {
		lualib.ArgError(L, 2, "sock:settimeout", "timeout expected (seconds, or nil to block)")
	}
	s.timeout = durationArg(L, 2, "sock:settimeout")
	return 0
}

// sock:gettimeout() -> seconds | nil
func (rt *Runtime) sockGettimeout(L *lua.LState) int {
	s := checkAnySocket(L, "sock:gettimeout")
	L.Push(durationValue(s.timeout))
	return 1
}

// sock:setblocking(flag)   (true: settimeout(nil); false: settimeout(0); a number as Python's int: 0 is false)
func (rt *Runtime) sockSetblocking(L *lua.LState) int {
	s := checkSocket(L, "sock:setblocking")
	var block bool
	switch v := L.Get(2).(type) {
	case lua.LBool:
		block = bool(v)
	case lua.LNumber:
		// Python's setblocking(0) is common in tutorials; 0 is true in Lua.
		block = v != 0
	default:
		lualib.ArgError(L, 2, "sock:setblocking", "flag expected (true: blocking, false: non-blocking), got "+lualib.TypeName(v))
	}
	if block {
		s.timeout = -1
	} else {
		s.timeout = 0
	}
	return 0
}

// sock:getblocking() -> boolean   (false when the timeout is 0)
func (rt *Runtime) sockGetblocking(L *lua.LState) int {
	s := checkAnySocket(L, "sock:getblocking")
	L.Push(lua.LBool(s.timeout != 0))
	return 1
}

// sock:fileno() -> fd   (-1 once closed)
func (rt *Runtime) sockFileno(L *lua.LState) int {
	s := checkAnySocket(L, "sock:fileno")
	L.Push(lua.LNumber(s.fd))
	return 1
}

// sock:shutdown(how)   (socket.SHUT_RD, SHUT_WR or SHUT_RDWR; SHUT_WR sends EOF, the peer's recv returns "")
func (rt *Runtime) sockShutdown(L *lua.LState) int {
	s := checkSocket(L, "sock:shutdown")
	how := intArg(L, 2, "sock:shutdown", "how")
	if how < bsd.SHUT_RD || how > bsd.SHUT_RDWR {
		lualib.ArgError(L, 2, "sock:shutdown", "how must be SHUT_RD, SHUT_WR or SHUT_RDWR")
	}
	err := s.sys.shutdown(how)
	rt.traceEvent(L, s, &traceNote{event: "shutdown", how: shutdownNames[how]}, err)
	if err != nil {
		return raise(L, err)
	}
	return 0
}

// sock:close()   (closing twice is harmless)
func (rt *Runtime) sockClose(L *lua.LState) int {
	s := checkAnySocket(L, "sock:close")
	if s.closed() {
		return 0
	}
	rt.traceEvent(L, s, &traceNote{event: "close"}, nil) // while its addresses can be asked
	if err := s.close(); err != nil {
		return raise(L, err)
	}
	return 0
}
