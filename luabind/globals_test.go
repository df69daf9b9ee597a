package luabind

import (
	"context"
	"strings"
	"testing"
)

// A global read by name that was never assigned gets one warning per name
// and place, on Stderr, and the run goes on; reads that are no mistake get
// none.
func TestUndefinedGlobalWarnings(t *testing.T) {
	for _, c := range []struct {
		name, code, stdout, stderr string
	}{
		{"python's True", "while True do print('never') end print('done')", "done\n",
			"warning: g.lua:1: 'True' is not defined (nil); Lua writes true\n"},
		{"once per place", "for i = 1, 3 do local x = nope end\nlocal y = nope", "",
			"warning: g.lua:1: 'nope' is not defined (nil)\nwarning: g.lua:2: 'nope' is not defined (nil)\n"},
		{"each name", "local a, b = None, False", "",
			"warning: g.lua:1: 'None' is not defined (nil); Lua writes nil\nwarning: g.lua:1: 'False' is not defined (nil); Lua writes false\n"},
		{"in a function", "local function f()\n  return missing\nend\nf() f()", "",
			"warning: g.lua:2: 'missing' is not defined (nil)\n"},
		{"in a spawned task", "spawn(function() local x = gone end):join()", "",
			"warning: g.lua:1: 'gone' is not defined (nil)\n"},
		// Assigned once, nil since: it was defined.
		{"assigned nil", "x = nil\nprint(x)\ny = 1\ny = nil\nprint(y)", "nil\nnil\n", ""},
		{"assigned later in a loop", "for i = 1, 2 do if i == 2 then print(later) end later = i end", "1\n", ""},
		// Asking is no mistake.
		{"_G.name", "print(_G.nope, _G['nope'], rawget(_G, 'nope'))", "nil\tnil\tnil\n", ""},
		{"defined ones", "print(type(socket), type(print), strict())", "table\tfunction\tfalse\n", ""},
		// An error that names the global comes instead.
		{"called", "print(pcall(function() return len('x') end))", "false\tg.lua:1: attempt to call a nil value (global 'len')\n", ""},
		{"indexed", "print(pcall(function() return sys.argv end))", "false\tg.lua:1: attempt to index a nil value (global 'sys')\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt, stdout, stderr := newTestRuntime(t, Options{})
			if err := result(t, runAsync(testContext(t), rt, "g.lua", c.code)); err != nil {
				t.Fatalf("run: %v", err)
			}
			if stdout.String() != c.stdout || stderr.String() != c.stderr {
				t.Errorf("stdout %q, stderr %q\nwant %q, %q", stdout.String(), stderr.String(), c.stdout, c.stderr)
			}
		})
	}
}

// Strict mode: the read raises a NameError, which pcall catches as an
// error value; strict(false) turns it back into a warning.
func TestStrict(t *testing.T) {
	rt, stdout, stderr := newTestRuntime(t, Options{})
	code := `
print(strict(true))
local ok, err = pcall(function() return True end)
print(ok, tostring(err), err:is("NameError"), err.variable)
print(strict(false), strict())
local x = True
`
	if err := result(t, runAsync(testContext(t), rt, "s.lua", code)); err != nil {
		t.Fatalf("run: %v", err)
	}
	want := "false\nfalse\tNameError: 'True' is not defined\ttrue\tTrue\ntrue\tfalse\n"
	if stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	if want := "warning: s.lua:6: 'True' is not defined (nil); Lua writes true\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}

	// Options.Strict: from the start, and the run ends with the NameError.
	e := runFails(t, Options{Strict: true}, "x = 1\nprint(x)\nprint(y)")
	if e.Msg != "py.lua:3: NameError: 'y' is not defined" || e.SourceLine != "print(y)" || e.Column != 7 {
		t.Errorf("%q (line %q, column %d)", e.Msg, e.SourceLine, e.Column)
	}
}

// A session forgets what was assigned when it is Reset: the globals are
// as at the start, so reading one again warns again.
func TestUndefinedGlobalsAfterReset(t *testing.T) {
	rt, _, stderr := newTestRuntime(t, Options{})
	s := rt.NewSession()
	defer s.Close()
	ctx := context.Background()
	eval := func(code string) {
		t.Helper()
		if err := s.Eval(ctx, "stdin", code, nil); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
	eval("x = nil")
	eval("local y = x")
	if stderr.String() != "" {
		t.Fatalf("warned about an assigned global: %q", stderr.String())
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	eval("local y = x")
	if want := "warning: stdin:1: 'x' is not defined (nil)\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	// A background script reads through its own environment.
	if _, err := s.StartCode("bg.lua", "local z = nope_bg\nassigned_bg = 1", nil); err != nil {
		t.Fatal(err)
	}
	if err := rt.tasksWG.WaitContext(testContext(t)); err != nil {
		t.Fatalf("the background script did not end: %v", err)
	}
	if !strings.Contains(stderr.String(), "warning: bg.lua:1: 'nope_bg' is not defined (nil)\n") {
		t.Errorf("stderr %q", stderr.String())
	}
	eval("local v = assigned_bg")
	if strings.Contains(stderr.String(), "assigned_bg") {
		t.Errorf("warned about a global the background script assigned: %q", stderr.String())
	}
}
