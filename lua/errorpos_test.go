package lua

import "testing"

// The position an error gets follows Lua 5.1: level 1 is the caller of
// the Go function that raises, and a Go caller (pcall) has no position.
func TestErrorPosition(t *testing.T) {
	expectOutput(t, []struct{ name, src, want string }{
		{"error level 2", `local function f() error("x", 2) end
local function g()
  f()
end
print(pcall(g))`, "false\t<string>:3: x"},
		{"error level 3", `local function f() error("x", 3) end
local function g() f() end
local function h()
  g()
end
print(pcall(h))`, "false\t<string>:4: x"},
		{"pcall(error)", `print(pcall(error, "x"))`, "false\tx"},
		{"pcall(error, level 2)", `print(pcall(error, "x", 2))`, "false\t<string>:1: x"},
		{"pcall(assert)", `print(pcall(assert, false, "x"))`, "false\tx"},
		{"assert in Lua", `print(pcall(function() assert(false, "y") end))`, "false\t<string>:1: y"},
		{"level 1", `local function h() error("lvl1") end
print(pcall(h))`, "false\t<string>:1: lvl1"},
		{"level 0", `print(pcall(function() error("zero", 0) end))`, "false\tzero"},
		// (only the position: the wording of VM errors is another change's)
		{"vm error", `local ok, e = pcall(function() local x return x + 1 end) print(e:match("^[^ ]*"))`, "<string>:1:"},
		{"tail call", `local function f()
  return error("t")
end
print(pcall(f))`, "false\t<string>:2: t"},
	})
}
