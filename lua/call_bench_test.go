package lua

import "testing"

// The call benchmarks time what the call opcodes and LState.Call do per
// call, so that a change to how a frame is set up or left shows here.

func benchmarkChunk(b *testing.B, setup func(L *LState), src string) {
	b.Helper()
	L := NewState()
	defer L.Close()
	if setup != nil {
		setup(L)
	}
	fn, err := L.LoadString(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		L.Push(fn)
		L.Call(0, 1)
		L.Pop(1)
	}
}

// setGofn makes the global gofn, a Go function returning its first argument.
func setGofn(L *LState) {
	L.SetGlobal("gofn", L.NewFunction(func(L *LState) int {
		L.Push(L.Get(1))
		return 1
	}))
}

// BenchmarkCallLua: Lua calling Lua (OP_CALL, OP_RETURN), fixed arguments,
// missing arguments and varargs.
func BenchmarkCallLua(b *testing.B) {
	benchmarkChunk(b, nil, `
		local function f(a, b) return a end
		local function v(...) return select("#", ...) end
		local n = 0
		for i = 1, 1000 do
			n = n + f(i, i) + f(i) + v(i, i, i)
		end
		return n`)
}

// BenchmarkCallGo: Lua calling Go functions.
func BenchmarkCallGo(b *testing.B) {
	benchmarkChunk(b, setGofn, `
		local gofn, n = gofn, 0
		for i = 1, 1000 do
			n = n + gofn(i) + gofn(i, i)
		end
		return n`)
}

// BenchmarkCallTail: tail calls to Lua and to Go (OP_TAILCALL).
func BenchmarkCallTail(b *testing.B) {
	benchmarkChunk(b, setGofn, `
		local gofn = gofn
		local function down(k) if k == 0 then return 0 end return down(k - 1) end
		local function g(x) return gofn(x) end
		local n = 0
		for i = 1, 100 do
			n = n + down(10) + g(i)
		end
		return n`)
}

// BenchmarkCallClosure: closures made in a loop that share an upvalue,
// called, and closed when the loop's scope ends (OP_CLOSURE, OP_CLOSE,
// closeUpvalues on return).
func BenchmarkCallClosure(b *testing.B) {
	benchmarkChunk(b, nil, `
		local n = 0
		for i = 1, 1000 do
			local c = i
			local inc = function(k) c = c + k return c end
			n = n + inc(1)
		end
		local function counter()
			local k = 0
			return function() k = k + 1 return k end
		end
		for i = 1, 100 do
			local f = counter()
			n = n + f() + f()
		end
		return n`)
}

// BenchmarkCallFromGo: LState.Call and PCall from Go into Lua.
func BenchmarkCallFromGo(b *testing.B) {
	L := NewState()
	defer L.Close()
	if err := L.DoString(`function add(a, b) return a + b end`); err != nil {
		b.Fatal(err)
	}
	add := L.GetGlobal("add")
	b.ResetTimer()
	for i := range b.N {
		L.Push(add)
		L.Push(LNumber(i))
		L.Push(LNumber(1))
		L.Call(2, 1)
		L.Pop(1)
		L.Push(add)
		L.Push(LNumber(i))
		L.Push(LNumber(1))
		if err := L.PCall(2, 1, nil); err != nil {
			b.Fatal(err)
		}
		L.Pop(1)
	}
}
