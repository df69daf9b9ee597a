package luaassert

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// recorder is a reporter that keeps what it is told.
type recorder struct {
	mu     sync.Mutex
	errors []string
	logs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// TestLuaAssert checks the module itself: a failed check reports the Lua
// line and the script goes on; passing checks report nothing.
func TestLuaAssert(t *testing.T) {
	const script = `
assert.eq(1, 1)
assert.eq("a", "b", "context")          -- line 3
assert.ne(1, 1)                          -- line 4
assert.true_(false)                      -- line 5
assert.true_(1)
assert.contains("hello", "ell")
assert.contains("hello", "xyz")          -- line 8
assert.contains({1, 2}, 3)               -- line 9
assert.raises(function() end, "OSError") -- line 10
local ebadf = function() raise_ebadf() end
local e = assert.raises(ebadf, "OSError")
assert.eq(e.errno, 9)
assert.raises(ebadf, "TimeoutError")                     -- line 14
assert.raises(function() error("boom") end, "boom")
assert.fails(function() error("boom") end, "bang")      -- line 16
assert.fails(ebadf, "x")                                 -- line 17: an error value, not a message
assert.fails(function() string.rep() end, "bad argument #1", "rep")
assert.skip("for a reason")
assert(true, "Lua's assert still works")
assert.contains(select(2, pcall(assert, false, "raised")), "raised")
assert.matches("port 80", "^port %d+$")
assert.matches("port x", "^port %d+$")                  -- line 23
assert.near("0.5", 0.5) assert.near(1, 1.05, 0.1)
assert.near(1, 2)                                        -- line 25
assert.fail("by hand")                                   -- line 26
-- a class by name or as a class table; err:is decides, so subclasses count
assert.raises(ebadf, {name = "OSError"})
assert.raises(function() raise_refused() end, "ConnectionError")
assert.raises(function() raise_refused() end, {name = "TimeoutError"}, "why")  -- line 30
assert.raises(function() error("plain") end, "OSError")                        -- line 31: a message, not a value
-- an error value whose is says no, or that has no is, is not of the class
assert.raises(function() error(setmetatable({}, {__index = {is = function() return false end}})) end, "OSError") -- line 33
assert.raises(function() error({name = "OSError"}) end, "OSError")            -- line 34
assert.log("logged", 42)
local ok, err = pcall(assert.raises, ebadf, 42)
assert.true_(not ok and err:find("an error class, its name or a part of the message expected", 1, true), err)
reached = true
`
	rec := &recorder{}
	L := lua.NewState()
	defer L.Close()
	lualib.OpenErrors(L)
	L.SetGlobal("raise_ebadf", L.NewFunction(func(L *lua.LState) int {
		L.Error(lualib.NewError(L, "OSError", 9, "Bad file descriptor"), 0)
		return 0
	}))
	L.SetGlobal("raise_refused", L.NewFunction(func(L *lua.LState) int {
		L.Error(lualib.NewError(L, "ConnectionRefusedError", 111, "Connection refused"), 0)
		return 0
	}))
	L.PreloadModule("assert", Loader(rec))
	if err := L.DoString(`assert = require("assert")`); err != nil {
		t.Fatal(err)
	}
	fn, err := L.Load(strings.NewReader(script+"assert.eq(reached, true)"), "self.lua")
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		t.Fatalf("run: %v", err)
	}
	wantLines := []string{"self.lua:3:", "self.lua:4:", "self.lua:5:", "self.lua:8:", "self.lua:9:",
		"self.lua:10:", "self.lua:14:", "self.lua:16:", "self.lua:17:", "self.lua:23:", "self.lua:25:",
		"self.lua:26:", "self.lua:30:", "self.lua:31:", "self.lua:33:", "self.lua:34:"}
	if len(rec.errors) != len(wantLines) {
		t.Fatalf("got %d failures, want %d:\n%s", len(rec.errors), len(wantLines), strings.Join(rec.errors, "\n"))
	}
	for i, want := range wantLines {
		if !strings.HasPrefix(rec.errors[i], want+" ") {
			t.Errorf("failure %d = %q, want it to start with %q", i, rec.errors[i], want)
		}
	}
	if !strings.Contains(rec.errors[0], `context: got "a", want "b"`) {
		t.Errorf("eq failure lacks the message and values: %q", rec.errors[0])
	}
	for i, want := range map[int]string{
		9:  `self.lua:23: "port x" does not match "^port %d+$"`,
		10: "self.lua:25: got 1, want 2 ± 1e-06",
		11: "self.lua:26: by hand",
		12: "self.lua:30: why: raised ConnectionRefusedError: [Errno 111] Connection refused, want TimeoutError",
		13: `self.lua:31: raised "self.lua:31: plain", want an OSError`,
	} {
		if rec.errors[i] != want {
			t.Errorf("failure %d = %q, want %q", i, rec.errors[i], want)
		}
	}
	if len(rec.logs) != 2 || !strings.Contains(rec.logs[0], "skipped: for a reason") || rec.logs[1] != "self.lua:35: logged\t42" {
		t.Errorf("logs = %q", rec.logs)
	}
}
