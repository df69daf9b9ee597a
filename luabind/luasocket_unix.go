package luabind

import (
	"github.com/sockplay/sockplay/internal/bsd"
	lua "github.com/sockplay/sockplay/lua"
	"syscall"
)

// The LuaSocket dialect's Unix-domain objects (LuaSocket's unix.c,
// unixstream.c, unixdgram.c): socket.unix.stream() and
// socket.unix.dgram(), also require("socket.unix"). A path starting with
// "\0" is an abstract name (Linux).

// lsUnixModule is socket.unix: stream, dgram, their old names tcp and
// udp, and socket.unix() itself, which makes a stream object.
func (rt *Runtime) lsUnixModule(L *lua.LState) *lua.LTable {
	mod := L.CreateTable(0, 5)
	stream := L.NewFunction(rt.lsUnixStream)
	dgram := L.NewFunction(rt.lsUnixDgram)
	mod.RawSetString("stream", stream)
	mod.RawSetString("dgram", dgram)
	mod.RawSetString("tcp", stream)
	mod.RawSetString("udp", dgram)
	mt := L.CreateTable(0, 1)
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int { // socket.unix() -> unixstream{master}
		return rt.lsUnixStream(L)
	}))
	L.SetMetatable(mod, mt)
	return mod
}

// socket.unix.stream() -> unixstream{master} | nil, err
func (rt *Runtime) lsUnixStream(L *lua.LState) int {
	return rt.lsMake(L, lsUnixStreamMaster, bsd.AF_UNIX, "unix.stream")
}

// socket.unix.dgram() -> unixdgram{unconnected} | nil, err
func (rt *Runtime) lsUnixDgram(L *lua.LState) int {
	return rt.lsMake(L, lsUnixDgramUnconnected, bsd.AF_UNIX, "unix.dgram")
}

// lsUnixSockaddr is the kernel address of path, or "path too long".
func (rt *Runtime) lsUnixSockaddr(L *lua.LState, path string) (sockAddr, error) {
	if len(path) >= 108 {
		return sockAddr{}, &gaiError{msg: "path too long"}
	}
	return rt.resolve(L, addrSpec{path: path}, bsd.AF_UNIX)
}

// unix:bind(path) -> 1 | nil, err   (a failed bind closes the object, as in LuaSocket)
func (rt *Runtime) lsUnixBind(L *lua.LState) int {
	o := lsSelf(L, "unix:bind", lsOnly(lsUnixStreamMaster, lsUnixDgramUnconnected))
	path := lsString(L, 2, "unix:bind", "path")
	sa, err := rt.lsUnixSockaddr(L, path)
	if err != nil {
		return pushFail(L, err)
	}
	if !o.open() {
		return pushFail(L, syscall.EBADF)
	}
	rt.allowAddr(L, "bind", sa) // the sandbox: socket files in its directory
	err = o.s.sys.bind(sa)
	rt.traceEvent(L, o.s, &traceNote{event: "bind"}, err)
	if err != nil {
		rt.lsDestroy(L, o)
		return pushFail(L, err)
	}
	return pushOK(L)
}

// unix:connect(path) -> 1 | nil, err   (also setpeername; a failed connect closes the object)
func (rt *Runtime) lsUnixConnect(L *lua.LState) int {
	o := lsSelf(L, "unix:connect", lsOnly(lsUnixStreamMaster)|lsUnixDgramAny)
	path := lsString(L, 2, "unix:connect", "path")
	sa, err := rt.lsUnixSockaddr(L, path)
	if err != nil {
		return pushFail(L, err)
	}
	o.markStart(rt.ls)
	if !o.open() {
		return pushFail(L, errLSClosed)
	}
	if err := rt.lsConnectTo(L, o, sa, "connect"); err != nil {
		rt.lsDestroy(L, o)
		return pushFail(L, err)
	}
	if o.class == lsUnixStreamMaster {
		o.setClass(L, rt, lsUnixStreamClient)
	} else {
		o.setClass(L, rt, lsUnixDgramConnected)
	}
	return pushOK(L)
}
