package lua

import (
	"strings"
	"testing"
)

// Recursion through pcall fills the call stack; the overflow is an
// ordinary error, caught by the innermost pcall, with either call stack
// (MinimizeStackMemory's growing one lost frames when unwound to a
// multiple of its segment size, and its IsFull never said full).
func TestStackOverflowThroughPcall(t *testing.T) {
	const deep = `local function deep(n) local ok, e = pcall(deep, n + 1) if not ok then error(e, 0) end end
`
	expectOutput(t, []struct{ name, src, want string }{
		{"print", deep + `print(pcall(deep, 1))`, "false\t<string>:1: stack overflow"},
		{"table", deep + `local r = {pcall(deep, 1)} print(#r, r[1], r[2])`, "2\tfalse\t<string>:1: stack overflow"},
		{"again", deep + `for i = 1, 3 do local ok = pcall(deep, 1) assert(not ok) end print(select("#", pcall(deep, 1)))`, "2"},
		{"plain recursion", `local function f(n) return 1 + f(n + 1) end print(pcall(f, 1))`, "false\t<string>:1: stack overflow"},
		{"metamethod", `local function f(n) local t = setmetatable({}, {__index = function() return f(n + 1) end}) return t.x end
print(pcall(f, 1))`, "false\t<string>:1: stack overflow"},
		{"then works", deep + `pcall(deep, 1) local function sum(n) if n == 0 then return 0 end return n + sum(n - 1) end print(sum(100))`, "5050"},
	})
}

// The growing call stack unwound to every depth keeps its frames.
func TestAutoGrowingCallFrameStackSetSp(t *testing.T) {
	for depth := 0; depth <= 3*FramesPerSegment; depth++ {
		for to := 0; to <= depth; to++ {
			cs := newAutoGrowingCallFrameStack(4 * FramesPerSegment)
			for i := 0; i < depth; i++ {
				cs.Push(callFrame{Pc: i})
			}
			cs.SetSp(to)
			if cs.Sp() != to {
				t.Fatalf("push %d, SetSp(%d): Sp() = %d", depth, to, cs.Sp())
			}
			if to > 0 && cs.Last().Pc != to-1 {
				t.Fatalf("push %d, SetSp(%d): Last().Pc = %d", depth, to, cs.Last().Pc)
			}
			cs.Push(callFrame{Pc: 100})
			if cs.Sp() != to+1 || cs.Last().Pc != 100 || cs.Last().Idx != to {
				t.Fatalf("push %d, SetSp(%d), push: Sp %d, Last %+v", depth, to, cs.Sp(), *cs.Last())
			}
		}
	}
	cs := newAutoGrowingCallFrameStack(2 * FramesPerSegment)
	for i := 0; i < 2*FramesPerSegment; i++ {
		if cs.IsFull() {
			t.Fatalf("full after %d frames of %d", i, 2*FramesPerSegment)
		}
		cs.Push(callFrame{})
	}
	if !cs.IsFull() || cs.Next() != nil {
		t.Fatal("not full after all its frames")
	}
}

// A coroutine that resumes a new coroutine of itself, without end, is a
// Lua error, not Go's fatal stack overflow.
func TestCoroutineNesting(t *testing.T) {
	bothOptions(t, func(t *testing.T, opts Options) {
		_, err := runLua(t, opts, `local function f() coroutine.wrap(f)() end f()`)
		if err == nil || !strings.Contains(err.Error(), "stack overflow (more than 200 nested coroutines)") {
			t.Fatalf("error %v", err)
		}
		out, err := runLua(t, opts, `
local depth = 0
local function f() depth = depth + 1 local ok, e = coroutine.resume(coroutine.create(f)) if not ok then error(e, 0) end end
local ok, e = pcall(f) print(ok, e, depth)`)
		if err != nil || out != "false\tstack overflow (more than 200 nested coroutines)\t201" {
			t.Fatalf("printed %q, error %v", out, err)
		}
	})
	opts := Options{MaxCoroutineDepth: 3}
	out, err := runLua(t, opts, `
local function nest(n) return coroutine.wrap(function() if n == 0 then return "bottom" end return nest(n - 1)() end) end
print(pcall(nest(2)))
print(pcall(nest(3)))`)
	// Each wrap adds the position of its caller to the message, as Lua 5.1's auxwrap does.
	if err != nil || out != "true\tbottom\nfalse\t<string>:2: <string>:2: <string>:2: stack overflow (more than 3 nested coroutines)" {
		t.Fatalf("printed %q, error %v", out, err)
	}
}

func TestResumeRefusals(t *testing.T) {
	expectOutput(t, []struct{ name, src, want string }{
		{"normal", `
local co1
co1 = coroutine.create(function()
  local co2 = coroutine.create(function() print(coroutine.resume(co1)) print(coroutine.status(co1)) end)
  coroutine.resume(co2)
end)
print(coroutine.resume(co1))`, "false\tcannot resume normal coroutine\nnormal\ntrue"},
		{"running", `print(coroutine.resume(coroutine.create(function() return coroutine.resume(coroutine.running()) end)))`,
			"true\tfalse\tcannot resume running coroutine"},
		{"dead", `local co = coroutine.create(function() end) coroutine.resume(co) print(coroutine.resume(co))`,
			"false\tcannot resume dead coroutine"},
		{"dead after error", `local co = coroutine.wrap(function() error("x") end) pcall(co) print(pcall(co))`,
			"false\tcannot resume dead coroutine"},
		{"wrap error position", `local w = coroutine.wrap(function() error("x", 0) end)
local ok, e = pcall(function() w() end) print(e)`, "<string>:2: x"},
	})
}
