package luabind

import (
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// luaLibs are the libraries New installs in a runtime's Lua state, on top
// of gopher-lua's standard ones (lua.NewState opens those), in order: a
// library may replace or wrap what an earlier one installed (the sandbox
// wraps spawn, string.format and io, so it comes last). The host's
// Options.Modules come after all of them. A new library is added here.
var luaLibs = []func(rt *Runtime){
	vmLib(lualib.OpenStrings),  // string: byte-safe upper/lower, pack/unpack/packsize, %q that loads back
	vmLib(lualib.OpenOSDate),   // os.date: C's strftime
	vmLib(lualib.OpenErrors),   // error values: err:is, tostring
	(*Runtime).openBase,        // print, input (baselib.go)
	(*Runtime).openIO,          // io on the runtime's streams (iolib.go)
	(*Runtime).openPopen,       // io.popen that waits without the lock (popen.go)
	(*Runtime).openOS,          // os.exit that ends the run, not the host (oslib.go)
	(*Runtime).openAddr,        // address tables: tostring, ==, .host, .port (addr.go)
	(*Runtime).openSocketMeta,  // socket objects: their methods and fields (socket.go, socket_methods.go)
	(*Runtime).openMakefile,    // sock:makefile() objects (socket_makefile.go)
	(*Runtime).openSocket,      // the socket module, socket.trace included (socket_module.go)
	(*Runtime).openLuaSocket,   // LuaSocket's API in the same module, socket.core, socket.unix (luasocket.go)
	vmLib(lualib.OpenEncoding), // encoding.decode/encode
	vmLib(lualib.OpenRepr),     // repr, bytes_repr, hexdump: the wire helpers
	(*Runtime).openTasks,       // spawn, sleep, task objects (tasklib.go)
	(*Runtime).openSelect,      // select.select (select.go)
	(*Runtime).openGlobals,     // undefined globals: the warning, strict() (globals.go)
	(*Runtime).openSandbox,     // the sandbox's guards, if Options.Sandbox (sandbox.go)
}

// vmLib adapts an opener of package lualib, which needs only the Lua
// state.
func vmLib(open func(*lua.LState)) func(*Runtime) {
	return func(rt *Runtime) { open(rt.L) }
}

// openLibs installs luaLibs, then the host's modules. Called by New with
// the runtime lock held.
func (rt *Runtime) openLibs() {
	for _, open := range luaLibs {
		open(rt)
	}
	for name, loader := range rt.opts.Modules {
		rt.registerModule(name, loader)
	}
}

// callOriginal calls fn with the arguments of the current call and
// returns its results. (Closures with upvalues, as io.lines is, must be
// called, not have their GFunction run on this frame.)
func callOriginal(L *lua.LState, fn lua.LValue) int {
	top := L.GetTop()
	L.Push(fn)
	for i := 1; i <= top; i++ {
		L.Push(L.Get(i))
	}
	L.Call(top, lua.MultRet)
	return L.GetTop() - top
}
