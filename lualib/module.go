package lualib

import lua "github.com/sockplay/sockplay/lua"

// SetModule makes mod the global name and what require(name) returns
// (package.loaded[name]), as Lua's own libraries are.
func SetModule(L *lua.LState, name string, mod lua.LValue) {
	L.SetGlobal(name, mod)
	if loaded := Loaded(L); loaded != nil {
		loaded.RawSetString(name, mod)
	}
}

// Loaded is package.loaded, the table require looks modules up in; nil
// in a state opened without the package library.
func Loaded(L *lua.LState) *lua.LTable {
	t, _ := L.GetField(L.Get(lua.RegistryIndex), "_LOADED").(*lua.LTable)
	return t
}
