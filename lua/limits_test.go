package lua

import (
	"context"
	"strings"
	"testing"
	"time"
)

// expectError runs src with opts and checks that it ends with an error
// containing want.
func expectError(t *testing.T, opts Options, src, want string) {
	t.Helper()
	out, err := runLua(t, opts, src)
	if err == nil {
		t.Fatalf("%s: no error; printed %q", src, out)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: error %q, want it to contain %q", src, err.Error(), want)
	}
}

// A size beyond what can be built is a Lua error naming the function,
// never Go's "out of memory" (fatal), "makeslice: len out of range" or a
// slice-bounds panic.
func TestHugeStringArguments(t *testing.T) {
	bothOptions(t, func(t *testing.T, opts Options) {
		for _, n := range []string{"2^40", "2^53", "2^63", "1e300", "1/0"} {
			expectError(t, opts, `string.rep("x", `+n+`)`, "string.rep: resulting string too large")
			expectError(t, opts, `("ab"):rep(`+n+`)`, "string.rep: resulting string too large")
		}
		expectOutput(t, []struct{ name, src, want string }{
			{"find", `print(string.find(2^31, 2^31, 2^31, 2^31), string.find(2^31, 2^31, -2^63), string.find("abc", "c", 2^53))`, "nil\t1\tnil"},
			// NaN and 2^63 or more convert to -2^63, as C's cast on amd64.
			{"find nan", `print(string.find("abc", "b", 0/0), string.match("abc", ".", 1/0))`, "2\ta"},
			{"sub", `print(string.sub("abc", 2^53), string.sub("abc", -2^53, 2^53), string.sub("abc", 0/0))`, "\tabc\tabc"},
			{"byte", `print(string.byte("abc", -2^53, 2^53))`, "97\t98\t99"},
			{"rep zero", `print(#string.rep("x", 0), #string.rep("x", -2^63), #string.rep("", 2^53), #string.rep("x", 0/0))`, "0\t0\t0\t0"},
			{"char", argReason + `print(reason(select(2, pcall(string.char, 2^40))))`, "bad argument #1 (invalid value)"},
			{"format width", `print(pcall(string.format, "%999999999d", 1))`, "false\tinvalid format (width or precision too long)"},
		})
	})
}

func TestStringSizeLimit(t *testing.T) {
	opts := Options{MaxStringSize: 1000}
	for _, c := range []struct{ src, fname string }{
		{`local s = ("x"):rep(600) return s .. s`, "concatenation (..): resulting string too large (1200 bytes, the limit is 1000)"},
		{`local s = ("x"):rep(600) return s .. 1 .. s`, "concatenation (..): resulting string too large"},
		{`return ("x"):rep(1001)`, "string.rep: resulting string too large (1001 bytes, the limit is 1000)"},
		{`return string.format("%s%s", ("x"):rep(600), ("x"):rep(600))`, "string.format: resulting string too large"},
		{`return string.format("%99d%99d%99d%99d%99d%99d%99d%99d%99d%99d%99d", 1,1,1,1,1,1,1,1,1,1,1)`, "string.format: resulting string too large"},
		{`return (("x"):rep(100)):gsub("x", "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy")`, "string.gsub: resulting string too large"},
		{`return (("x"):rep(100)):gsub("", ("z"):rep(20))`, "string.gsub: resulting string too large"},
		{`return table.concat({("x"):rep(600), ("x"):rep(600)})`, "table.concat: resulting string too large"},
		{`return table.concat({1, 2, 3}, ("x"):rep(600))`, "table.concat: resulting string too large"},
	} {
		expectError(t, opts, c.src, c.fname)
	}
	out, err := runLua(t, opts, `print(#(("x"):rep(500) .. ("x"):rep(500)), #string.rep("ab", 500), #(("x"):rep(999)):gsub("x", "x"))`)
	if err != nil || out != "1000\t1000\t999" {
		t.Fatalf("at the limit: %q, %v", out, err)
	}
}

// gsub builds its result as it matches: a million matches is a
// million appends, not a million copies of the string.
func TestGsubManyMatches(t *testing.T) {
	out, err := runLua(t, Options{}, `local s, n = (("x"):rep(1e6)):gsub("", "-") print(#s, n)
local s, n = (("ab"):rep(5e5)):gsub("a", {a = "AA"}) print(#s, n)`)
	if err != nil || out != "2000001\t1000001\n1500000\t500000" {
		t.Fatalf("%q, %v", out, err)
	}
}

func TestSourceLimits(t *testing.T) {
	opts := Options{MaxSourceSize: 100}
	expectOutput := func(src, want string) {
		t.Helper()
		out, err := runLua(t, opts, src)
		if err != nil || out != want {
			t.Fatalf("%s: printed %q, error %v; want %q", src, out, err, want)
		}
	}
	expectOutput(`print(loadstring(("x = 1 "):rep(17)))`, "nil\t<string>: chunk too large (more than 100 bytes)")
	expectOutput(`print(loadstring(("x=1 "):rep(25)) ~= nil)`, "true")
	expectOutput(`local n = 0 print(load(function() n = n + 1 if n < 1e6 then return "x = 1 " end end, "=reader"))`, "nil\t=reader: chunk too large (more than 100 bytes)")

	opts = Options{}
	expectOutput(`print(loadstring("return " .. ("'a'.."):rep(300) .. "'a'"))`, "nil\t<string>:1: chunk has too many syntax levels")
	expectOutput(`print(#loadstring("return " .. ("'a'.."):rep(150) .. "'a'")())`, "151")
	expectOutput(`print(loadstring("return " .. ("- "):rep(250) .. "1"))`, "nil\t<string>:1: chunk has too many syntax levels")
	expectOutput(`print(loadstring(("do "):rep(250) .. (" end"):rep(250)))`, "nil\t<string>:1: chunk has too many syntax levels")
	expectOutput(`print(loadstring("x = " .. ("{"):rep(250) .. ("}"):rep(250)))`, "nil\t<string>:1: chunk has too many syntax levels")
	// Chains that Lua's parser reads in a loop are one level, however long.
	expectOutput(`print(loadstring("return " .. ("1+"):rep(100000) .. "1")())`, "100001")
	expectOutput(`print(loadstring("local t = setmetatable({}, {__index = function(t) return t end}) return t" .. ("."):rep(1) .. ("a."):rep(50000) .. "b") ~= nil)`, "true")
	expectOutput(`local src = "local x = 500 if x == 0 then return 0 " for i = 1, 1000 do src = src .. "elseif x == " .. i .. " then return " .. i .. " " end print(loadstring(src .. "end")())`, "500")
	opts = Options{MaxSyntaxDepth: 10}
	expectOutput(`print(loadstring("return ((((((((((1))))))))))") ~= nil, loadstring("return 1 .. 2 .. 3 .. 4 .. 5 .. 6 .. 7 .. 8 .. 9 .. 10"))`, "true\tnil\t<string>:1: chunk has too many syntax levels")
}

// unpack checks its range before it pushes anything.
func TestUnpackRange(t *testing.T) {
	bothOptions(t, func(t *testing.T, opts Options) {
		for _, r := range []string{"1, 2^30", "1, 1e8", "-2^31, 2^31", "1, 2^53", "-2^62, 2^62"} {
			expectError(t, opts, `unpack({}, `+r+`)`, "too many results to unpack")
			expectError(t, opts, `table.unpack({}, `+r+`)`, "too many results to unpack")
		}
		out, err := runLua(t, opts, `print(select("#", unpack({}, 1, 100)), unpack({1, 2, 3}, 2), select("#", unpack({}, 2^53, 1)))`)
		if err != nil || out != "100\t2\t0" {
			t.Fatalf("%q %v", out, err)
		}
		expectError(t, opts, `string.byte(("x"):rep(1e6), 1, -1)`, "string slice too long")
	})
}

// A pathological pattern takes exponential time in any backtracking
// matcher; the state's context stops it.
func TestPatternMatchingStopsWithContext(t *testing.T) {
	for _, src := range []string{
		`string.find(("a"):rep(22), ("a*"):rep(22) .. "b")`,
		`string.match(("a"):rep(22), ("a*"):rep(22) .. "b")`,
		`string.gsub(("a"):rep(22), ("a*"):rep(22) .. "b", "")`,
		`for x in string.gmatch(("a"):rep(22), ("a*"):rep(22) .. "b") do end`,
		`pcall(string.find, ("a"):rep(22), ("a*"):rep(22) .. "b")`,
	} {
		L := NewState()
		ctx, cancel := context.WithCancel(context.Background())
		L.SetContext(ctx)
		done := make(chan error, 1)
		go func() { done <- L.DoString(src) }()
		cancel()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "context canceled") {
				t.Errorf("%s: %v, want context canceled", src, err)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("%s: still running a minute after its context was cancelled", src)
		}
		L.Close()
	}
}

// file:read allocates what it reads, not what it is asked for, and stops
// at the string size limit.
func TestFileReadLimits(t *testing.T) {
	name := t.TempDir() + "/data.txt"
	src := `local name = ...
local f = assert(io.open(name, "w")) f:write(("x"):rep(30), "\n", ("y"):rep(5)) f:close()
f = assert(io.open(name)) print(#f:read(2^40)) f:close()
f = assert(io.open(name)) print(#f:read(2^53), f:read(1)) f:close()
f = assert(io.open(name)) print(#f:read(-1)) f:close()
f = assert(io.open(name)) print(#f:read("*a"), f:read("*a") == "") f:close()
f = assert(io.open(name)) print(#f:read("*l"), f:read("*l"), f:read("*l")) f:close()
f = assert(io.open(name)) print(f:read(0), #f:read(31), f:read(0), f:read(5), f:read(0)) f:close()
`
	run := func(opts Options) (string, error) {
		L := NewState(opts)
		defer L.Close()
		out := capturePrint(L)
		fn, err := L.LoadString(src)
		if err != nil {
			t.Fatal(err)
		}
		L.Push(fn)
		L.Push(LString(name))
		err = L.PCall(1, 0, nil)
		return strings.TrimSuffix(out.String(), "\n"), err
	}
	out, err := run(Options{})
	if err != nil || out != "36\n36\tnil\n36\n36\ttrue\n30\tyyyyy\tnil\n\t31\t\tyyyyy\tnil" {
		t.Fatalf("%q %v", out, err)
	}
	for _, read := range []string{`f:read(2^40)`, `f:read("*a")`, `f:read("*l")`, `f:read(31)`} {
		src = `local name = ... local f = assert(io.open(name, "w")) f:write(("x"):rep(30), "\n") f:close()
f = assert(io.open(name)) return ` + read
		_, err := run(Options{MaxStringSize: 20})
		if err == nil || !strings.Contains(err.Error(), "resulting string too large") {
			t.Errorf("%s with a limit of 20 bytes: %v", read, err)
		}
	}
}
