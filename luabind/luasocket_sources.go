package luabind

import (
	lua "github.com/sockplay/sockplay/lua"
)

// LTN12 sources and sinks over sockets (LuaSocket's socket.lua):
// socket.source("until-closed", sock), socket.sink("keep-open", sock), and
// the tables they choose from, socket.sourcet and socket.sinkt. Each is a
// callable table with getfd and dirty, so socket.select can wait on it.

func (rt *Runtime) lsOpenSourcesSinks(L *lua.LState, mod *lua.LTable) {
	sinkt, sourcet := L.NewTable(), L.NewTable()
	keepOpen := L.NewFunction(rt.lsSinkKeepOpen)
	sinkt.RawSetString("close-when-done", L.NewFunction(rt.lsSinkCloseWhenDone))
	sinkt.RawSetString("keep-open", keepOpen)
	sinkt.RawSetString("default", keepOpen)
	untilClosed := L.NewFunction(rt.lsSourceUntilClosed)
	sourcet.RawSetString("by-length", L.NewFunction(rt.lsSourceByLength))
	sourcet.RawSetString("until-closed", untilClosed)
	sourcet.RawSetString("default", untilClosed)
	lsAdd(mod, "sinkt", sinkt)
	lsAdd(mod, "sourcet", sourcet)
	for name, t := range map[string]*lua.LTable{"sink": sinkt, "source": sourcet} {
		L.Push(L.NewFunction(lsChoose))
		L.Push(t)
		L.Call(1, 1)
		lsAdd(mod, name, L.Get(-1))
		L.Pop(1)
	}
}

// lsPump makes the callable table of a source or sink over sock: its
// getfd and dirty are sock's, and call is what calling it does.
func lsPump(L *lua.LState, sock lua.LValue, call lua.LGFunction) *lua.LTable {
	t := L.CreateTable(0, 2)
	t.RawSetString("getfd", L.NewFunction(func(L *lua.LState) int { return lsCallMethod(L, sock, "getfd", 1) }))
	t.RawSetString("dirty", L.NewFunction(func(L *lua.LState) int { return lsCallMethod(L, sock, "dirty", 1) }))
	mt := L.CreateTable(0, 1)
	mt.RawSetString("__call", L.NewFunction(call))
	L.SetMetatable(t, mt)
	return t
}

// socket.sinkt["keep-open"](sock) -> sink   (sink(chunk) sends chunk; sink(nil) leaves sock open)
func (rt *Runtime) lsSinkKeepOpen(L *lua.LState) int {
	sock := L.Get(1)
	L.Push(lsPump(L, sock, func(L *lua.LState) int { // sink(chunk, err) -> 1 | sock:send's results
		if chunk := L.Get(2); chunk != lua.LNil {
			return lsCallMethod(L, sock, "send", lua.MultRet, chunk)
		}
		return pushOK(L)
	}))
	return 1
}

// socket.sinkt["close-when-done"](sock) -> sink   (sink(nil) closes sock)
func (rt *Runtime) lsSinkCloseWhenDone(L *lua.LState) int {
	sock := L.Get(1)
	L.Push(lsPump(L, sock, func(L *lua.LState) int { // sink(chunk, err) -> 1 | sock:send's results
		if chunk := L.Get(2); chunk != lua.LNil {
			return lsCallMethod(L, sock, "send", lua.MultRet, chunk)
		}
		lsCallMethod(L, sock, "close", 0)
		return pushOK(L)
	}))
	return 1
}

// blockSize is socket.BLOCKSIZE as the script left it.
func (rt *Runtime) blockSize() lua.LValue {
	if n, ok := rt.ls.mod.RawGetString("BLOCKSIZE").(lua.LNumber); ok {
		return n
	}
	return lua.LNumber(lsBlockSize)
}

// socket.sourcet["by-length"](sock, length) -> source   (returns length bytes in chunks of socket.BLOCKSIZE, then nil)
func (rt *Runtime) lsSourceByLength(L *lua.LState) int {
	sock := L.Get(1)
	length := lsNumber(L, 2, "socket.sourcet['by-length']", "length")
	L.Push(lsPump(L, sock, func(L *lua.LState) int { // source() -> chunk | nil | nil, err
		if length <= 0 {
			return 0
		}
		size := min(float64(rt.blockSize().(lua.LNumber)), length)
		top := L.GetTop()
		lsCallMethod(L, sock, "receive", 2, lua.LNumber(size))
		chunk, err := L.Get(top+1), L.Get(top+2)
		if err != lua.LNil {
			L.Push(lua.LNil)
			L.Push(err)
			return 2
		}
		length -= float64(len(lua.LVAsString(chunk)))
		L.Push(chunk)
		return 1
	}))
	return 1
}

// socket.sourcet["until-closed"](sock) -> source   (returns what comes until the peer closes, then closes sock)
func (rt *Runtime) lsSourceUntilClosed(L *lua.LState) int {
	sock := L.Get(1)
	done := false
	L.Push(lsPump(L, sock, func(L *lua.LState) int { // source() -> chunk | nil | nil, err
		if done {
			return 0
		}
		top := L.GetTop()
		lsCallMethod(L, sock, "receive", 3, rt.blockSize())
		chunk, err, partial := L.Get(top+1), L.Get(top+2), L.Get(top+3)
		switch {
		case err == lua.LNil:
			L.Push(chunk)
			return 1
		case err == lua.LString("closed"):
			lsCallMethod(L, sock, "close", 0)
			done = true
			L.Push(partial)
			return 1
		}
		L.Push(lua.LNil)
		L.Push(err)
		return 2
	}))
	return 1
}
