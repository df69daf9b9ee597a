package luabind

import (
	"bytes"
	"embed"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The Lua side of LuaSocket that scripts load with require: ltn12, mime,
// socket.url, socket.http and socket.headers, written for sockplay in Lua
// (luasocket/*.lua) over mime's core in Go (lualib.OpenMIMECore). They
// are compiled when a script first requires them, so a runtime that never
// does pays nothing.

//go:embed luasocket/*.lua
var lsLuaSources embed.FS

// lsLuaModules maps a module name to its source file.
var lsLuaModules = map[string]string{
	"ltn12":          "ltn12.lua",
	"mime":           "mime.lua",
	"socket.url":     "url.lua",
	"socket.headers": "headers.lua",
	"socket.http":    "http.lua",
}

func (rt *Runtime) lsPreloadModules(L *lua.LState) {
	for name, file := range lsLuaModules {
		L.PreloadModule(name, lsLuaLoader(file))
	}
	L.PreloadModule("mime.core", lualib.OpenMIMECore)
}

// lsLuaLoader is require's loader of a module written in Lua.
func lsLuaLoader(file string) lua.LGFunction {
	return func(L *lua.LState) int {
		src, err := lsLuaSources.ReadFile("luasocket/" + file)
		if err != nil {
			L.RaiseError("%s: %v", file, err)
		}
		fn, err := L.Load(bytes.NewReader(src), file)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(fn)
		L.Push(L.Get(1)) // the module name, as require passes it
		L.Call(1, 1)
		return 1
	}
}
