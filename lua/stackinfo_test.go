package lua

import (
	"fmt"
	"strings"
	"testing"
)

// globalReads runs src with an __index function on the globals table that
// records what GlobalReadSite says of each read of a missing global:
// "name:line" for a read by name, "+raises" when the code goes on to raise
// an error naming it, "name:-" for other reads.
func globalReads(t *testing.T, src string) []string {
	t.Helper()
	L := NewState()
	defer L.Close()
	var got []string
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *LState) int {
		name := L.CheckString(2)
		r, ok := L.GlobalReadSite()
		switch {
		case !ok:
			got = append(got, name+":-")
		case r.Raises:
			got = append(got, fmt.Sprintf("%s:%d+raises", name, r.Line))
		default:
			got = append(got, fmt.Sprintf("%s:%d", name, r.Line))
		}
		return 0
	}))
	L.SetMetatable(L.G.Global, mt)
	L.SetGlobal("getglobal", L.NewFunction(func(L *LState) int {
		L.Push(L.GetGlobal(L.CheckString(1)))
		return 1
	}))
	L.DoString(src) // the raising cases end in their error
	return got
}

func TestGlobalReadSite(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string // the reads, in order, joined by spaces
	}{
		// The nil flows on: a warning is the only news of it.
		{"while True do end", "True:1"},
		{"local x = None", "None:1"},
		{"print(True)", "True:1"},
		{"local a = {}\nlocal b = a == None", "None:2"},
		{"local x = y or 1", "y:1"},
		{"t = {x = nope}", "nope:1"},
		{"return nope", "nope:1"},
		{"local f = function() return nope end\nf()", "nope:1"},
		{"local x = nope\nx()", "nope:1"},
		{"local t = {}\nt[nope] = 1", "nope:2"},
		// The next use raises an error that names the global.
		{"print(b'hello')", "b:1+raises"},
		{"local x = {1}\nprint(len(x))", "len:2+raises"},
		{"exit()", "exit:1+raises"},
		{"local s = data.decode('x')", "data:1+raises"},
		{"data:decode('x')", "data:1+raises"},
		{"local n = count + 1", "count:1+raises"},
		{"local n = 1 + count", "count:1+raises"},
		{"local s = 'a' .. name .. 'b'", "name:1+raises"},
		{"local n = #items", "items:1+raises"},
		{"local n = -n0", "n0:1+raises"},
		{"conf.port = 1", "conf:1+raises"},
		// Arguments are evaluated first: g's nil is an argument of f.
		{"local f = print\nf(1, len(2), nope)", "len:2+raises"},
		{"print(nope, 1)\nlen(1)", "nope:1 len:2+raises"},
		// Not reads by name: no site.
		{"local x = _G.nope", "nope:-"},
		{"local x = _G['nope']", "nope:-"},
		{"local x = getglobal('nope')", "nope:-"},
		{"local x = rawget(_G, 'nope')", ""},
	} {
		if got := strings.Join(globalReads(t, c.src), " "); got != c.want {
			t.Errorf("%q: %q, want %q", c.src, got, c.want)
		}
	}
}

func TestStackFrames(t *testing.T) {
	L := NewState()
	defer L.Close()
	var frames []StackFrame
	L.SetGlobal("snapshot", L.NewFunction(func(L *LState) int {
		frames = L.StackFrames()
		return 0
	}))
	src := `local function inner()
  snapshot()
end
function outer()
  inner()
  return 1
end
local function tail() return outer() end
tail()
`
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range frames {
		got = append(got, fmt.Sprintf("%s:%d:%d %q tail=%d go=%v", f.Source, f.Line, f.LineDefined, f.Name, f.TailCalls, f.Go()))
	}
	want := []string{
		`:0:0 "snapshot" tail=0 go=true`,
		`<string>:2:1 "inner" tail=0 go=false`,
		`<string>:5:4 "" tail=1 go=false`, // outer, tail-called by tail: its caller's name is gone
		`<string>:9:0 "" tail=0 go=false`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("frames:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Caller skips Go frames (pcall) to the Lua line that called.
func TestCaller(t *testing.T) {
	L := NewState()
	defer L.Close()
	var got []string
	L.SetGlobal("where", L.NewFunction(func(L *LState) int {
		p, line := L.Caller()
		got = append(got, fmt.Sprintf("%s:%d", p.SourceName, line))
		return 0
	}))
	if err := L.DoString("where()\nlocal function f()\n  pcall(where)\nend\nf()"); err != nil {
		t.Fatal(err)
	}
	if want := "<string>:1 <string>:3"; strings.Join(got, " ") != want {
		t.Errorf("Caller: %q, want %q", got, want)
	}
	if p, _ := NewState().Caller(); p != nil {
		t.Errorf("Caller outside any call: %v", p)
	}
}
