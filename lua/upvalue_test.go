package lua

import (
	"path/filepath"
	"strings"
	"testing"
)

// A caught error closes only the upvalues of the frames it unwinds (Lua
// 5.1's luaD_pcall); gopher-lua closed every open upvalue of the thread
// when an error was raised, so closures lost their variables
// (yuin/gopher-lua#448).
func TestCaughtErrorKeepsUpvaluesOpen(t *testing.T) {
	// A counter bumped around a caught error, and a loop's closures whose
	// variable changes after one: the first programs of the differential
	// test's closures.lua, checked here without lua5.1 too.
	file := filepath.Join("testdata", "diff", "closures.lua")
	bothOptions(t, func(t *testing.T, opts Options) {
		got, want := runLuaFile(t, opts, file), "count\t2\nloop\t10\t20\t30\n"
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s printed\n%s\nwant it to start with\n%s", file, got, want)
		}
	})
	expectOutput(t, []struct{ name, src, want string }{
		{"failed require", `
local n = 0
local function inc() n = n + 1 end
inc()
print(pcall(require, "no.such.module.anywhere") == false)
inc()
print(n)`, "true\n2"},
		{"xpcall", `
local n = 0
local function inc() n = n + 1 end
inc()
xpcall(function() error("x") end, function(m) inc() return m end)
inc()
print(n)`, "3"},
		{"error object", `
local n = 0
local function inc() n = n + 1 end
pcall(error, {code = 1}); inc(); pcall(error, nil); inc()
print(n)`, "2"},
		{"runtime error", `
local n = 0
local function inc() n = n + 1 end
pcall(function() return nil + 1 end); inc()
pcall(function() local t = nil; return t.x end); inc()
print(n)`, "2"},
		{"nested pcall", `
local n = 0
local get
pcall(function()
  local inner = 1
  get = function() return inner, n end
  pcall(error, "x")
  inner = 2
  n = n + 1
  error("y")
end)
n = n + 1
print(get())`, "2\t2"},
		{"unwound frame closes", `
local get, set
pcall(function()
  local v = 1
  get = function() return v end
  set = function(x) v = x end
  error("x")
end)
-- the frame is gone: the closures share one closed variable
set(5)
local function clobber(a, b, c, d) return a end
clobber(9, 9, 9, 9)
print(get())`, "5"},
		{"inside coroutine", `
local co = coroutine.wrap(function()
  local n = 0
  local function inc() n = n + 1 end
  inc(); pcall(error, "x"); inc()
  coroutine.yield(n)
  inc(); pcall(error, "y"); inc()
  coroutine.yield(n)
end)
print(co(), co())`, "2\t4"},
		{"closure of a dead coroutine", `
local get
local co = coroutine.create(function()
  local v = 1
  get = function() return v end
  v = 2
  error("boom")
end)
print(coroutine.resume(co))
print(get(), coroutine.status(co))`, "false\t<string>:7: boom\n2\tdead"},
		{"closure of a dead wrapped coroutine", `
local get
local w = coroutine.wrap(function()
  local v = 1
  get = function() return v end
  v = 3
  error("boom", 0)
end)
print(pcall(w))
print(get())
print(pcall(w))`, "false\tboom\n3\nfalse\tcannot resume dead coroutine"},
	})
}
