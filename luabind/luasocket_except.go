package luabind

import (
	"math"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect's helpers around results (LuaSocket's except.c,
// timeout.c and socket.lua): try/newtry/protect, which turn nil-and-error
// results into errors and back; skip; choose; gettime and sleep.

// socket.newtry([finalizer]) -> try   (try(ok, err, ...) returns its arguments when ok, else calls finalizer and raises err for protect to catch)
func (rt *Runtime) lsNewtry(L *lua.LState) int {
	L.Push(rt.lsMakeTry(L, L.Get(1)))
	return 1
}

func (rt *Runtime) lsMakeTry(L *lua.LState, finalizer lua.LValue) *lua.LFunction {
	return L.NewFunction(func(L *lua.LState) int { // try(ok, err, ...) -> ok, err, ...
		if lua.LVAsBool(L.Get(1)) {
			return L.GetTop()
		}
		if finalizer != lua.LNil {
			L.Push(finalizer)
			L.Call(0, 0)
		}
		// The error travels wrapped, so protect tells it from other errors.
		e := L.CreateTable(1, 0)
		e.RawSetInt(1, L.Get(2))
		L.SetMetatable(e, rt.ls.excMeta)
		L.Error(e, 0)
		return 0
	})
}

// socket.protect(fn) -> protected   (protected(...) returns fn(...), or nil, err when a try inside raised err; other errors pass through)
func (rt *Runtime) lsProtect(L *lua.LState) int {
	fn := L.CheckFunction(1)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		top := L.GetTop()
		L.Push(fn)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		err := L.PCall(top, lua.MultRet, nil)
		if err == nil {
			return L.GetTop() - top
		}
		apiErr, ok := err.(*lua.ApiError)
		if !ok {
			L.RaiseError("%s", err.Error())
		}
		if t, ok := apiErr.Object.(*lua.LTable); ok && t.Metatable == lua.LValue(rt.ls.excMeta) {
			L.SetTop(top)
			L.Push(lua.LNil)
			L.Push(t.RawGetInt(1))
			return 2
		}
		L.Error(apiErr.Object, 0)
		return 0
	}))
	return 1
}

// socket.skip(n, ...) -> the arguments after the first n
func lsSkip(L *lua.LState) int {
	n := int(lsNumber(L, 1, "socket.skip", "count"))
	return max(L.GetTop()-n-1, 0)
}

// socket.gettime() -> seconds since 1970, with a fraction
func lsGettime(L *lua.LState) int {
	L.Push(lua.LNumber(float64(time.Now().UnixNano()) / 1e9))
	return 1
}

// socket.sleep(seconds)   (other tasks run meanwhile; negative: no wait)
func (rt *Runtime) lsSleep(L *lua.LState) int {
	secs := lsNumber(L, 1, "socket.sleep", "time")
	if secs != secs || secs < 0 {
		secs = 0
	}
	secs = math.Min(secs, 1e9)
	t := rt.currentTask(L)
	if err := rt.waitChanTimer(t, time.NewTimer(time.Duration(secs*float64(time.Second)))); err != nil {
		return raise(L, err)
	}
	return 0
}

// socket.choose(table) -> chooser   (chooser(name, opt1, opt2) calls table[name](opt1, opt2); without a name, table.default(...))
func lsChoose(L *lua.LState) int {
	tbl := L.Get(1)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		name, opt1, opt2 := L.Get(1), L.Get(2), L.Get(3)
		if _, isString := name.(lua.LString); !isString {
			name, opt1, opt2 = lua.LString("default"), name, opt1
		}
		key := name
		if key == lua.LNil {
			key = lua.LString("nil")
		}
		f := L.GetTable(tbl, key)
		if f == lua.LNil {
			L.RaiseError("unknown key (%s)", lualib.Echo(L.ToStringMeta(name).String()))
		}
		top := L.GetTop()
		L.Push(f)
		L.Push(opt1)
		L.Push(opt2)
		L.Call(2, lua.MultRet)
		return L.GetTop() - top
	}))
	return 1
}

// lsCallMethod calls obj:name(args...) and leaves nret results on the
// stack (lua.MultRet: all); it returns how many.
func lsCallMethod(L *lua.LState, obj lua.LValue, name string, nret int, args ...lua.LValue) int {
	top := L.GetTop()
	fn := L.GetField(obj, name)
	if fn == lua.LNil {
		L.RaiseError("%s has no method '%s'", lualib.TypeName(obj), name)
	}
	L.Push(fn)
	L.Push(obj)
	for _, a := range args {
		L.Push(a)
	}
	L.Call(1+len(args), nret)
	return L.GetTop() - top
}
