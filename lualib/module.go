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

// SetCall makes calling the table mod call fn with the call's arguments
// (mod itself left out): a module named after a global function (select,
// assert) still does what that function did, and a module called as a
// function (socket(...)) does what its main function does. It replaces
// mod's metatable.
func SetCall(L *lua.LState, mod *lua.LTable, fn lua.LValue) {
	mt := L.NewTable()
	mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
		L.Remove(1) // the module
		L.Insert(fn, 1)
		L.Call(L.GetTop()-1, lua.MultRet)
		return L.GetTop()
	}))
	L.SetMetatable(mod, mt)
}
