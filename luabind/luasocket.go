package luabind

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"syscall"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect: LuaSocket's objects (tcp, udp, unix stream and
// datagram sockets) as classes of their own, on the same socket core as
// the Python-style sockets (Socket, its descriptor layer and its waits),
// so they share the lock-releasing waits, cancellation, the trace, the
// sandbox and the closing of what a run leaves open. This file has the
// object, its classes, timeouts and error strings; the other
// luasocket_*.go files have the methods by concept (LuaSocket's own
// sources are cut the same way: tcp.c, udp.c, unix.c, buffer.c, ...).
//
// LuaSocket's conventions, which its users' code relies on: failures are
// results (nil and an error string such as "timeout", "closed",
// "connection refused"), not raised errors; only misuse (a wrong
// argument, a method of another class) raises. What LuaSocket cannot
// express — an interrupt (Ctrl-C) and the sandbox's refusals — still
// raises, as it does for the Python-style sockets.

// lsClass is a LuaSocket class: the kind of object and its state, which
// decides the methods it allows (a tcp{master} becomes a tcp{client} by
// connect, a tcp{server} by listen).
type lsClass uint8

const (
	lsTCPMaster lsClass = iota
	lsTCPClient
	lsTCPServer
	lsUDPUnconnected
	lsUDPConnected
	lsUnixStreamMaster
	lsUnixStreamClient
	lsUnixStreamServer
	lsUnixDgramUnconnected
	lsUnixDgramConnected
	lsClassCount
)

var lsClassNames = [lsClassCount]string{
	"tcp{master}", "tcp{client}", "tcp{server}",
	"udp{unconnected}", "udp{connected}",
	"unixstream{master}", "unixstream{client}", "unixstream{server}",
	"unixdgram{unconnected}", "unixdgram{connected}",
}

// lsClasses is a set of classes, for the methods' checks of self.
type lsClasses uint16

func lsOnly(cs ...lsClass) lsClasses {
	var set lsClasses
	for _, c := range cs {
		set |= 1 << c
	}
	return set
}

// LuaSocket's groups of classes ("tcp{any}") and the sets the methods
// accept.
var (
	lsTCPAny        = lsOnly(lsTCPMaster, lsTCPClient, lsTCPServer)
	lsUDPAny        = lsOnly(lsUDPUnconnected, lsUDPConnected)
	lsUnixStreamAny = lsOnly(lsUnixStreamMaster, lsUnixStreamClient, lsUnixStreamServer)
	lsUnixDgramAny  = lsOnly(lsUnixDgramUnconnected, lsUnixDgramConnected)
	lsStreamClients = lsOnly(lsTCPClient, lsUnixStreamClient)
	lsAnyClass      = lsTCPAny | lsUDPAny | lsUnixStreamAny | lsUnixDgramAny
)

// lsObject is a LuaSocket object. Its descriptor is a Socket of the core
// (nil while a tcp() or udp() of no family yet has none, after close,
// or after setfd(-1)), which the runtime tracks and closes at the end of
// the run like any other: gopher-lua collects no garbage for us.
type lsObject struct {
	s      *Socket
	class  lsClass
	family int // AF_UNSPEC until tcp()/udp() get a descriptor
	ud     *lua.LUserData

	// LuaSocket's two timeouts in seconds (< 0: none) and when the
	// current operation began: see lsObject.retry.
	block, total float64
	start        time.Time

	// pending is what was read and not yet returned by receive (the
	// buffer that makes the object dirty()).
	pending string
	// eof: a read returned the end of the stream, which stays so;
	// readErr: an error a read met that receive has not reported yet.
	eof     bool
	readErr error
	// readAhead: socket.select read pending for this object and the read
	// came back short, so the kernel had nothing more just then: a
	// non-blocking receive right after takes pending without another
	// read (luasocket_select.go).
	readAhead bool
	// noRead is set during a receive that must not read (see readAhead).
	noRead bool
	// received, sent and birthday are getstats's numbers.
	received, sent int64
	birthday       time.Time
	// lastIndex is the last number send (or a UDP send) returned.
	lastIndex lastCount
}

const lsObjectMetaName = "sockplay.luasocket"

// lsState is a runtime's LuaSocket dialect: the metatables of the classes.
type lsState struct {
	metas [lsClassCount]*lua.LTable
	debug bool // LUASOCKET_DEBUG=1: _DEBUG and the elapsed time as an extra result
	// excMeta marks the errors that newtry raises and protect catches.
	excMeta *lua.LTable
	mod     *lua.LTable // the socket module
}

// lsGroupMethods are the methods of each group of classes, as LuaSocket
// has them (luasocket_tcp.go, luasocket_udp.go, luasocket_unix.go): every
// class's, then those of its kind (stream or datagram) and of its family
// (inet or unix), then its own.
func (rt *Runtime) lsGroupMethods() map[lsClasses]map[string]lua.LGFunction {
	common := map[string]lua.LGFunction{
		"close":      rt.lsClose,
		"dirty":      rt.lsDirty,
		"getfd":      rt.lsGetfd,
		"setfd":      rt.lsSetfd,
		"settimeout": rt.lsSettimeout,
		"setoption":  rt.lsSetoption,
	}
	stream := map[string]lua.LGFunction{
		"accept":      rt.lsAccept,
		"getstats":    rt.lsGetstats,
		"setstats":    rt.lsSetstats,
		"listen":      rt.lsListen,
		"receive":     rt.lsReceive,
		"send":        rt.lsSend,
		"shutdown":    rt.lsShutdown,
		"getsockname": rt.lsGetsockname,
	}
	dgram := map[string]lua.LGFunction{
		"receive":     rt.lsDgramReceive,
		"receivefrom": rt.lsDgramReceivefrom,
		"send":        rt.lsDgramSend,
		"sendto":      rt.lsDgramSendto,
		"getsockname": rt.lsGetsockname,
		"gettimeout":  rt.lsGettimeout,
	}
	inet := map[string]lua.LGFunction{
		"getfamily":   rt.lsGetfamily,
		"getoption":   rt.lsGetoption,
		"getpeername": rt.lsGetpeername,
		"setsockname": rt.lsInetBind,
	}
	unix := map[string]lua.LGFunction{
		"bind":        rt.lsUnixBind,
		"connect":     rt.lsUnixConnect,
		"setpeername": rt.lsUnixConnect,
		"setsockname": rt.lsUnixBind,
	}
	merge := func(parts ...map[string]lua.LGFunction) map[string]lua.LGFunction {
		m := map[string]lua.LGFunction{}
		for _, part := range parts {
			maps.Copy(m, part)
		}
		return m
	}
	return map[lsClasses]map[string]lua.LGFunction{
		lsTCPAny: merge(common, stream, inet, map[string]lua.LGFunction{
			"bind":        rt.lsInetBind,
			"connect":     rt.lsInetConnect,
			"setpeername": rt.lsInetConnect,
			"gettimeout":  rt.lsGettimeout,
		}),
		lsUDPAny: merge(common, dgram, inet, map[string]lua.LGFunction{
			"setpeername": rt.lsUDPSetpeername,
		}),
		lsUnixStreamAny: merge(common, stream, unix),
		lsUnixDgramAny:  merge(common, dgram, unix),
	}
}

// openLuaSocket adds LuaSocket's API to the socket module (openSocket made
// it): one table for both dialects, also require("socket.core"), with
// socket.unix and socket.dns, and the lazily loaded socket.url,
// socket.http, socket.headers, ltn12 and mime.
func (rt *Runtime) openLuaSocket() {
	L := rt.L
	ls := &lsState{debug: os.Getenv("LUASOCKET_DEBUG") == "1"}
	rt.ls = ls
	toString := L.NewFunction(rt.lsToString)
	for group, methods := range rt.lsGroupMethods() {
		fns := map[string]*lua.LFunction{}
		for name, fn := range methods {
			fns[name] = L.NewFunction(fn)
		}
		for c := lsClass(0); c < lsClassCount; c++ {
			if group&(1<<c) == 0 {
				continue
			}
			idx := L.CreateTable(0, len(fns)+1)
			idx.RawSetString("class", lua.LString(lsClassNames[c]))
			for name, fn := range fns {
				idx.RawSetString(name, fn)
			}
			mt := L.CreateTable(0, 3)
			mt.RawSetString("__index", idx)
			mt.RawSetString("__tostring", toString)
			mt.RawSetString("__name", lua.LString(lsClassNames[c]))
			ls.metas[c] = mt
		}
	}
	ls.excMeta = L.CreateTable(0, 1)
	ls.excMeta.RawSetString("__metatable", lua.LFalse)

	mod, ok := L.GetGlobal("socket").(*lua.LTable)
	if !ok {
		return // a host removed the socket module before us: nothing to extend
	}
	ls.mod = mod
	for name, fn := range map[string]lua.LGFunction{
		// objects (luasocket_tcp.go, luasocket_udp.go)
		"tcp":      rt.lsTCP,
		"tcp4":     rt.lsTCP4,
		"tcp6":     rt.lsTCP6,
		"udp":      rt.lsUDP,
		"udp4":     rt.lsUDP4,
		"udp6":     rt.lsUDP6,
		"connect":  rt.lsConnect,
		"connect4": rt.lsConnect4,
		"connect6": rt.lsConnect6,
		"bind":     rt.lsBind,
		// waiting (luasocket_select.go, luasocket_except.go)
		"select":  rt.lsSelect,
		"sleep":   rt.lsSleep,
		"gettime": lsGettime,
		// errors as values (luasocket_except.go)
		"protect": rt.lsProtect,
		"newtry":  rt.lsNewtry,
		"skip":    lsSkip,
		"choose":  lsChoose,
	} {
		lsAdd(mod, name, L.NewFunction(fn))
	}
	lsAdd(mod, "try", rt.lsMakeTry(L, lua.LNil))
	lsAdd(mod, "dns", rt.lsDNSModule(L))
	lsAdd(mod, "_VERSION", lua.LString(LuaSocketVersion))
	lsAdd(mod, "_SETSIZE", lua.LNumber(lsSetSize))
	lsAdd(mod, "_DATAGRAMSIZE", lua.LNumber(lsDatagramSize))
	lsAdd(mod, "_SOCKETINVALID", lua.LNumber(-1))
	lsAdd(mod, "BLOCKSIZE", lua.LNumber(lsBlockSize))
	if ls.debug {
		lsAdd(mod, "_DEBUG", lua.LTrue)
	}
	rt.lsOpenSourcesSinks(L, mod) // luasocket_sources.go
	unixMod := rt.lsUnixModule(L)
	lsAdd(mod, "unix", unixMod)
	if loaded := lualib.Loaded(L); loaded != nil {
		loaded.RawSetString("socket.core", mod)
		loaded.RawSetString("socket.unix", unixMod)
	}
	rt.lsPreloadModules(L) // socket.url, socket.http, socket.headers, ltn12, mime
}

// lsAdd puts a LuaSocket name in the socket module, which must not have
// it yet: the two dialects share the table, and a name of one must never
// replace a name of the other (a change that made them clash fails every
// runtime's start, so every test).
func lsAdd(mod *lua.LTable, name string, v lua.LValue) {
	if mod.RawGetString(name) != lua.LNil {
		panic("luabind: LuaSocket's socket." + name + " would replace a name of the socket module")
	}
	mod.RawSetString(name, v)
}

// LuaSocketVersion is socket._VERSION: the LuaSocket whose API the
// dialect follows.
const LuaSocketVersion = "LuaSocket 3.1.0"

const (
	lsSetSize      = 1024 // _SETSIZE: the most sockets one socket.select list may hold
	lsDatagramSize = 8192 // _DATAGRAMSIZE: receive's default size for datagrams
	lsBlockSize    = 2048 // BLOCKSIZE: what socket sources read at a time
)

// lsNew makes a LuaSocket object of class c around s (nil: no descriptor
// yet).
func (rt *Runtime) lsNew(L *lua.LState, c lsClass, family int, s *Socket) *lsObject {
	o := &lsObject{s: s, class: c, family: family, block: -1, total: -1, birthday: time.Now()}
	o.ud = L.NewUserData()
	o.ud.Value = o
	L.SetMetatable(o.ud, rt.ls.metas[c])
	return o
}

// setClass turns the object into another class of its group, as connect
// and listen do.
func (o *lsObject) setClass(L *lua.LState, rt *Runtime, c lsClass) {
	o.class = c
	L.SetMetatable(o.ud, rt.ls.metas[c])
}

// open reports whether the object has a descriptor to work on.
func (o *lsObject) open() bool { return o.s != nil && !o.s.closed() }

// lsSelf returns self of method fname if it is a LuaSocket object of one
// of the classes in allowed; anything else raises, naming what was
// expected and what came.
func lsSelf(L *lua.LState, fname string, allowed lsClasses) *lsObject {
	if ud, ok := L.Get(1).(*lua.LUserData); ok {
		if o, ok := ud.Value.(*lsObject); ok {
			if allowed&(1<<o.class) != 0 {
				return o
			}
			L.RaiseError("bad self to '%s' (%s expected, got %s)", fname, lsClassesText(allowed), lsClassNames[o.class])
		}
		if _, ok := ud.Value.(*Socket); ok {
			L.RaiseError("bad self to '%s' (%s expected, got a socket.socket() object: LuaSocket's methods are for objects of socket.tcp(), socket.udp(), socket.connect(), socket.bind())",
				fname, lsClassesText(allowed))
		}
	}
	lualib.SelfError(L, fname, lsClassesText(allowed))
	return nil
}

// lsClassesText names a set of classes as LuaSocket does: a group
// ("tcp{any}") or the class.
func lsClassesText(set lsClasses) string {
	switch set {
	case lsTCPAny:
		return "tcp{any}"
	case lsUDPAny:
		return "udp{any}"
	case lsUnixStreamAny:
		return "unixstream{any}"
	case lsUnixDgramAny:
		return "unixdgram{any}"
	case lsAnyClass:
		return "LuaSocket object"
	}
	text := ""
	for c := lsClass(0); c < lsClassCount; c++ {
		if set&(1<<c) != 0 {
			if text != "" {
				text += " or "
			}
			text += lsClassNames[c]
		}
	}
	return text
}

// lsMethodName is "tcp:receive", "udp:sendto", ... for the errors of
// method name of o's group. The names of the methods called per message
// are made once (a concatenation per call was an allocation per
// message, for a name that only an error shows).
func lsMethodName(c lsClass, name string) string {
	g := lsGroupOf(c)
	if names, ok := lsMethodNames[name]; ok {
		return names[g]
	}
	return lsGroupPrefixes[g] + name
}

var lsGroupPrefixes = [3]string{"tcp:", "udp:", "unix:"}

var lsMethodNames = func() map[string][3]string {
	m := map[string][3]string{}
	for _, name := range []string{"receive", "receivefrom", "send", "sendto"} {
		for g, prefix := range lsGroupPrefixes {
			names := m[name]
			names[g] = prefix + name
			m[name] = names
		}
	}
	return m
}()

// lsGroupOf is the index in lsGroupPrefixes of c's group.
func lsGroupOf(c lsClass) int {
	switch {
	case c <= lsTCPServer:
		return 0
	case c <= lsUDPConnected:
		return 1
	}
	return 2
}

// tostring(obj) -> "tcp{client}: 0xc000123456"
func (rt *Runtime) lsToString(L *lua.LState) int {
	o := lsSelf(L, "tostring", lsAnyClass)
	L.Push(lua.LString(fmt.Sprintf("%s: %p", lsClassNames[o.class], o)))
	return 1
}

// --- timeouts -------------------------------------------------------------

// markStart begins an operation: the timeouts count from here.
func (o *lsObject) markStart(ls *lsState) {
	// Only a positive timeout counts time: no limit and timeout 0 need no
	// clock (a clock read is a system call on some systems).
	if o.block > 0 || o.total > 0 || ls.debug {
		o.start = time.Now()
	}
}

// retry is how long the operation's next wait may last, as LuaSocket's
// timeout_getretry computes it: the block timeout and the total timeout
// both count from the start of the operation, and with both set, a wait
// lasts at most the block timeout. < 0: no limit; 0: do not wait.
func (o *lsObject) retry() time.Duration {
	if o.block < 0 && o.total < 0 {
		return -1
	}
	if o.block == 0 || o.total == 0 {
		return 0
	}
	left := func(limit float64) float64 {
		return max(limit-time.Since(o.start).Seconds(), 0)
	}
	var t float64
	switch {
	case o.block < 0:
		t = left(o.total)
	case o.total < 0:
		t = left(o.block)
	default:
		t = min(o.block, left(o.total))
	}
	if t > 1e9 {
		t = 1e9
	}
	return time.Duration(t * float64(time.Second))
}

// arm sets the core socket's timeout for the next call of the operation.
func (o *lsObject) arm() { o.s.timeout = o.retry() }

// timeoutZero reports whether the operation may not wait at all.
func (o *lsObject) timeoutZero() bool { return o.retry() == 0 }

// pushElapsed pushes the operation's duration in debug mode (LuaSocket's
// debug build returns it as the last result of send and receive) and
// returns how many values it pushed.
func (o *lsObject) pushElapsed(L *lua.LState, ls *lsState) int {
	if !ls.debug {
		return 0
	}
	L.Push(lua.LNumber(time.Since(o.start).Seconds()))
	return 1
}

// --- errors ---------------------------------------------------------------

// errLSClosed is LuaSocket's "closed": the peer ended the connection, or
// the object has no descriptor.
var errLSClosed = errors.New("closed")

// errLSRefused is "refused": a datagram socket's "closed", LuaSocket's
// word for an address the system would not send to.
var errLSRefused = errors.New("refused")

// lsErrorString is err as LuaSocket words it. Interrupts (the run's
// cancellation) are not results: raiseInterrupt raises them first.
func lsErrorString(err error) string {
	if errno, ok := err.(syscall.Errno); ok {
		return lsStrerror(errno) // the commonest, without errors.As's allocation
	}
	var errno syscall.Errno
	var gai *gaiError
	switch {
	case err == errLSClosed:
		return "closed"
	case err == errLSRefused:
		return "refused"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.As(err, &errno):
		return lsStrerror(errno)
	case errors.As(err, &gai):
		return gai.msg
	}
	if s := lsResolveErrorString(err); s != "" {
		return s
	}
	var le limitError
	if errors.As(err, &le) {
		return string(le)
	}
	return err.Error()
}

// lsStrerror is LuaSocket's socket_strerror: its own words for the
// errors scripts test for, C's strerror for the others.
func lsStrerror(e syscall.Errno) string {
	switch e {
	case syscall.EADDRINUSE:
		return "address already in use"
	case syscall.EISCONN:
		return "already connected"
	case syscall.EACCES:
		return "permission denied"
	case syscall.ECONNREFUSED:
		return "connection refused"
	case syscall.ECONNABORTED, syscall.ECONNRESET, syscall.EPIPE:
		return "closed"
	case syscall.ETIMEDOUT, syscall.EAGAIN, syscall.EINPROGRESS:
		// EAGAIN and EINPROGRESS: a call with timeout 0 that would wait.
		return "timeout"
	}
	return strerror(e)
}

// raiseInterrupt raises err if it is the task's cancellation (Ctrl-C, the
// run's end, the sandbox's time limit), which no LuaSocket result can
// carry.
func raiseInterrupt(L *lua.LState, err error) {
	if err != nil && isInterrupt(err) {
		raise(L, err)
	}
}

// pushFail pushes nil and err's LuaSocket string, raising it instead if
// it is an interrupt, and returns 2.
func pushFail(L *lua.LState, err error) int {
	raiseInterrupt(L, err)
	L.Push(lua.LNil)
	L.Push(lsErrorValue(err))
	return 2
}

// The Lua values of the commonest error strings, made once: a string
// made a Lua value is an allocation, and a non-blocking server gets a
// "timeout" per message.
var (
	lsTimeoutValue lua.LValue = lua.LString("timeout")
	lsClosedValue  lua.LValue = lua.LString("closed")
)

// lsErrorValue is lsErrorString as a Lua value.
func lsErrorValue(err error) lua.LValue {
	switch s := lsErrorString(err); s {
	case "timeout":
		return lsTimeoutValue
	case "closed":
		return lsClosedValue
	default:
		return lua.LString(s)
	}
}

// pushOK pushes LuaSocket's success result, the number 1.
func pushOK(L *lua.LState) int {
	L.Push(lua.LNumber(1))
	return 1
}
