package lua

import "testing"

// TestResultsWanted: what a Go function learns of its caller, for each
// way Lua can call it.
func TestResultsWanted(t *testing.T) {
	L := NewState()
	defer L.Close()
	var got []int
	L.SetGlobal("f", L.NewFunction(func(L *LState) int {
		got = append(got, L.ResultsWanted())
		L.Push(LNumber(1))
		L.Push(LNumber(2))
		L.Push(LNumber(3))
		return 3
	}))
	cases := []struct {
		code string
		want int
	}{
		{"f()", 0},
		{"local a = f()", 1},
		{"local a, b = f()", 2},
		{"local a, b, c, d = f()", 4},
		{"print(f())", MultRet},
		{"local t = {f()}", MultRet},
		{"local t = {f(), 1}", 1},
		{"local function g() return f() end g()", 0},
		{"local function g() return f() end local x, y = g()", 2},
		{"local function g() return f() end print(g())", MultRet},
		{"pcall(f)", MultRet},
		{"coroutine.wrap(function() f() end)()", 0},
		{"coroutine.wrap(function() return f() end)()", MultRet},
	}
	for _, c := range cases {
		got = nil
		if err := L.DoString(c.code); err != nil {
			t.Fatalf("%s: %v", c.code, err)
		}
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("%s: ResultsWanted %v, want [%d]", c.code, got, c.want)
		}
	}
	// The results a caller keeps are those the function pushed, the rest nil.
	if err := L.DoString(`local a, b, c, d = f() assert(a == 1 and b == 2 and c == 3 and d == nil)`); err != nil {
		t.Fatal(err)
	}
	if n := L.ResultsWanted(); n != MultRet {
		t.Errorf("outside a Go function: %d, want MultRet", n)
	}
	// From Go: what Call asks for.
	L.Push(L.GetGlobal("f"))
	got = nil
	L.Call(0, 2)
	L.Pop(2)
	if len(got) != 1 || got[0] != 2 {
		t.Errorf("L.Call(0, 2): %v, want [2]", got)
	}
}
