package luaassert

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/sockplay/sockplay/internal/i18n"
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
	L := newState(t, Loader(rec))
	defer L.Close()
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

// newState is a Lua state with the module loaded by loader as assert,
// and two functions that raise error values: raise_ebadf (OSError) and
// raise_refused (ConnectionRefusedError).
func newState(t *testing.T, loader lua.LGFunction) *lua.LState {
	t.Helper()
	L := lua.NewState()
	lualib.OpenErrors(L)
	L.SetGlobal("raise_ebadf", L.NewFunction(func(L *lua.LState) int {
		L.Error(lualib.NewError(L, "OSError", 9, "Bad file descriptor"), 0)
		return 0
	}))
	L.SetGlobal("raise_refused", L.NewFunction(func(L *lua.LState) int {
		L.Error(lualib.NewError(L, "ConnectionRefusedError", 111, "Connection refused"), 0)
		return 0
	}))
	L.PreloadModule("assert", loader)
	if err := L.DoString(`assert = require("assert")`); err != nil {
		L.Close()
		t.Fatal(err)
	}
	return L
}

// runIn runs script with the module worded in l and returns what it
// reported.
func runIn(t *testing.T, l i18n.Lang, script string) *recorder {
	t.Helper()
	rec := &recorder{}
	L := newState(t, LoaderIn(l, rec))
	defer L.Close()
	if err := L.DoString(script); err != nil {
		t.Fatalf("run: %v", err)
	}
	return rec
}

// Every failure of the module, in English as it was and in Chinese; the
// values compared and the check author's words stay as they are.
func TestFailuresInChinese(t *testing.T) {
	for _, c := range []struct{ code, en, zh string }{
		{`assert.eq("a", "b", "context")`, `context: got "a", want "b"`, `context：得到 "a"，应为 "b"`},
		{`assert.matches("port x", "^port %d+$")`, `"port x" does not match "^port %d+$"`, `"port x" 不匹配 "^port %d+$"`},
		{`assert.matches(7, "^7$")`, `got 7, want a string matching "^7$"`, `得到 7，应为匹配 "^7$" 的字符串`},
		{`assert.near(1, 2)`, "got 1, want 2 ± 1e-06", "得到 1，应为 2 ± 1e-06"},
		{`assert.near(12345, 12000, 10)`, "got 12345, want 12000 ± 10", "得到 12345，应为 12000 ± 10"},
		{`assert.near("x", 2)`, `got "x", want a number near 2`, `得到 "x"，应为接近 2 的数`},
		{`assert.raises(function() end, "OSError")`, "no error raised, want OSError", "没有抛出错误，应抛出 OSError"},
		{`assert.raises(function() error("plain") end, "OSError")`, `raised "<string>:1: plain", want an OSError`,
			`抛出了 "<string>:1: plain"，应抛出 OSError`},
		{`assert.raises(function() error("plain") end, "TimeoutError")`, `raised "<string>:1: plain", want a TimeoutError`,
			`抛出了 "<string>:1: plain"，应抛出 TimeoutError`},
		{`assert.raises(raise_ebadf, "TimeoutError", "why")`, "why: raised OSError: [Errno 9] Bad file descriptor, want TimeoutError",
			"why：抛出了 OSError: [Errno 9] Bad file descriptor，应抛出 TimeoutError"},
		{`assert.raises(function() error("boom") end, "bang")`, `raised "<string>:1: boom", want an error containing "bang"`,
			`抛出了 "<string>:1: boom"，应为包含 "bang" 的错误`},
		{`assert.fails(function() end, "bang")`, `no error raised, want one containing ["bang"]`, `没有抛出错误，应抛出包含 ["bang"] 的错误消息`},
		{`assert.fails(raise_ebadf, "x")`, `raised a table (OSError: [Errno 9] Bad file descriptor), want an error message containing ["x"]`,
			`抛出了一个 table（OSError: [Errno 9] Bad file descriptor），应为包含 ["x"] 的错误消息`},
		// A message in both languages: the reader's.
		{`assert.eq(1, 2, {en = "reply to one", zh = "对 one 的回复"})`, "reply to one: got 1, want 2", "对 one 的回复：得到 1，应为 2"},
		{`assert.fail({en = "by hand", zh = "手动失败"})`, "by hand", "手动失败"},
		{`assert.true_(false, {zh = "只有中文"})`, "只有中文: got false, want a true value", "只有中文：得到 false，应为真值"},
		{`assert.true_(false, {en = "English only"})`, "English only: got false, want a true value", "English only：得到 false，应为真值"},
	} {
		for _, lc := range []struct {
			l    i18n.Lang
			want string
		}{{i18n.English, c.en}, {i18n.Chinese, c.zh}} {
			rec := runIn(t, lc.l, c.code)
			want := `<string>:1: ` + lc.want
			if len(rec.errors) != 1 || rec.errors[0] != want {
				t.Errorf("%s (%v): %q, want %q", c.code, lc.l, rec.errors, want)
			}
		}
	}
	// Misuse is told in the author's language too.
	for _, lc := range []struct {
		l    i18n.Lang
		want string
	}{{i18n.English, "an error class, its name or a part of the message expected, got 42"}, {i18n.Chinese, "需要一个错误类、错误类的名字或错误消息的一部分，却得到 42"}} {
		rec := runIn(t, lc.l, `local ok, err = pcall(assert.raises, raise_ebadf, 42); assert.contains(err, "`+lc.want+`")`)
		if len(rec.errors) != 0 {
			t.Errorf("%v: %q", lc.l, rec.errors)
		}
	}
	rec := runIn(t, i18n.Chinese, `assert.skip("no network") assert.log({en = "logged", zh = "记录"}, 42)`)
	if len(rec.logs) != 2 || rec.logs[0] != `<string>:1: 已跳过：no network` || rec.logs[1] != "<string>:1: 记录\t42" {
		t.Errorf("logs = %q", rec.logs)
	}
}
