package lua

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/lua/parse"
)

// runError runs src as the file f.lua and returns the message of the
// error it ends with, "" if none.
func runError(t *testing.T, src string) string {
	t.Helper()
	L := NewState()
	defer L.Close()
	fn, err := L.Load(strings.NewReader(src), "f.lua")
	if err == nil {
		L.Push(fn)
		err = L.PCall(0, 0, nil)
	}
	if err == nil {
		return ""
	}
	var apiErr *ApiError
	if !errors.As(err, &apiErr) {
		t.Fatalf("%q: %T %v", src, err, err)
	}
	return apiErr.Object.String()
}

type runtimeCase struct {
	src  string
	want string
	why  string // set where the message is not lua5.4's on purpose
}

// runtimeCases: each message names the culprit as lua5.4 does for the same
// file (TestRuntimeErrorsMatchLua54 checks the cases without why).
var runtimeCases = []runtimeCase{
	// Calls.
	{src: "b('hello')", want: "f.lua:1: attempt to call a nil value (global 'b')"},
	{src: "local x\nx()", want: "f.lua:2: attempt to call a nil value (local 'x')"},
	{src: "local x\nreturn x()", want: "f.lua:2: attempt to call a nil value (local 'x')"},
	{src: "local data = 'abc'\ndata.decode('utf-8')", want: "f.lua:2: attempt to call a nil value (field 'decode')"},
	{src: "local s = {}\ns:encode()", want: "f.lua:2: attempt to call a nil value (method 'encode')"},
	{src: "local n\nlocal function f() n() end\nf()", want: "f.lua:2: attempt to call a nil value (upvalue 'n')"},
	{src: "string.foo()", want: "f.lua:1: attempt to call a nil value (field 'foo')"},
	{src: "local t = {}\nlocal k = 'a'\nt[k]()", want: "f.lua:3: attempt to call a nil value (field '?')"},
	{src: "local t = {x = 1}\nt.x()", want: "f.lua:2: attempt to call a number value (field 'x')"},
	{src: "(nil)()", want: "f.lua:1: attempt to call a nil value"},
	{src: "local t = {}\n(t.x or t.y)()", want: "f.lua:2: attempt to call a nil value"},
	{src: "for i = f(), 10 do end", want: "f.lua:1: attempt to call a nil value (global 'f')"},
	{src: "for i = 1, g() do end", want: "f.lua:1: attempt to call a nil value (global 'g')"},
	{src: "for k in 3 do end", want: "f.lua:1: attempt to call a number value (for iterator 'for iterator')"},
	{src: "local function f() return g() end\nf()", want: "f.lua:1: attempt to call a nil value (global 'g')"},
	{src: "do local b = 1 end\nlocal c\nc()", want: "f.lua:3: attempt to call a nil value (local 'c')"},
	{src: "local a, b = 1\nlocal f = function() end\nb(f)", want: "f.lua:3: attempt to call a nil value (local 'b')"},
	{src: "print(('x'):bad())", want: "f.lua:1: attempt to call a nil value (method 'bad')"},
	{src: "('x')()", want: "f.lua:1: attempt to call a string value (constant 'x')"},
	{src: "local t = {}\nt[1]()", want: "f.lua:2: attempt to call a nil value (field '?')",
		why: "Lua 5.1's '?'; lua5.4 says (field 'integer index') for its OP_GETI"},

	// Indexing.
	{src: "local x\nprint(x.y)", want: "f.lua:2: attempt to index a nil value (local 'x')"},
	{src: "x.y = 1", want: "f.lua:1: attempt to index a nil value (global 'x')"},
	{src: "local s = socket.socket()", want: "f.lua:1: attempt to index a nil value (global 'socket')"},
	{src: "local x = {}\nprint(x.y.z)", want: "f.lua:2: attempt to index a nil value (field 'y')"},
	{src: "local a = {}\na.b.c.d = 1", want: "f.lua:2: attempt to index a nil value (field 'b')"},
	{src: "local x = 1\nx.y = 2", want: "f.lua:2: attempt to index a number value (local 'x')"},
	{src: "local up\n;(function() return up.x end)()", want: "f.lua:2: attempt to index a nil value (upvalue 'up')"},
	{src: "print(('x').y.z)", want: "f.lua:1: attempt to index a nil value (field 'y')"},
	{src: "local t = setmetatable({}, {__index = function() end})\nt.x.y = 1", want: "f.lua:2: attempt to index a nil value (field 'x')"},
	{src: "local t = setmetatable({}, {__index = 5})\nprint(t.x)", want: "f.lua:2: attempt to index a number value"},
	{src: "local a = {}\nfunction a.b() local t = nil; return t.x end\na.b()", want: "f.lua:2: attempt to index a nil value (local 't')"},

	// Arithmetic, length, concatenation.
	{src: "print(y + 1)", want: "f.lua:1: attempt to perform arithmetic on a nil value (global 'y')"},
	{src: "local t = {}\nprint(1 + t.name)", want: "f.lua:2: attempt to perform arithmetic on a nil value (field 'name')"},
	{src: "local t = {}\nprint(t.a + t.b)", want: "f.lua:2: attempt to perform arithmetic on a nil value (field 'a')"},
	{src: "local a, b = 1\nprint(a * b)", want: "f.lua:2: attempt to perform arithmetic on a nil value (local 'b')"},
	{src: "local n\nlocal function f() return n + 1 end\nf()", want: "f.lua:2: attempt to perform arithmetic on a nil value (upvalue 'n')"},
	{src: "local a = {}\na = a % 2", want: "f.lua:2: attempt to perform arithmetic on a table value (local 'a')"},
	{src: "local x\nprint(-x)", want: "f.lua:2: attempt to perform arithmetic on a nil value (local 'x')"},
	{src: "print(2 ^ {})", want: "f.lua:1: attempt to perform arithmetic on a table value"},
	{src: "local s = 'abc'\nprint(s + 1)", want: "f.lua:2: attempt to perform arithmetic on a string value (local 's')",
		why: "Lua 5.1's message; lua5.4's string metamethods say \"attempt to add a 'string' with a 'number'\""},
	{src: "print(#x)", want: "f.lua:1: attempt to get length of a nil value (global 'x')"},
	{src: "local t = {}\nprint(#t.x)", want: "f.lua:2: attempt to get length of a nil value (field 'x')"},
	{src: "local t = {}\nprint('name: ' .. t.name)", want: "f.lua:2: attempt to concatenate a nil value (field 'name')"},
	{src: "local t = {}\nprint(t.name .. 'a')", want: "f.lua:2: attempt to concatenate a nil value (field 'name')"},
	{src: "local a\nprint('x' .. a .. 'y')", want: "f.lua:2: attempt to concatenate a nil value (local 'a')"},
	{src: "local a = {}\nprint(a .. 'x')", want: "f.lua:2: attempt to concatenate a table value (local 'a')"},
	{src: "print(true .. 'x')", want: "f.lua:1: attempt to concatenate a boolean value"},
	{src: "print(1 .. {})", want: "f.lua:1: attempt to concatenate a table value"},
	{src: "local function f(a, b) return a .. b end\nf('x')", want: "f.lua:1: attempt to concatenate a nil value (local 'b')"},

	// Comparison.
	{src: "print({} < {})", want: "f.lua:1: attempt to compare two table values"},
	{src: "print({} <= {})", want: "f.lua:1: attempt to compare two table values"},
	{src: "print(nil < nil)", want: "f.lua:1: attempt to compare two nil values"},
	{src: "print(1 < nil)", want: "f.lua:1: attempt to compare number with nil"},
	{src: "print(math.huge < 'x')", want: "f.lua:1: attempt to compare number with string"},
}

func TestRuntimeErrorNames(t *testing.T) {
	for _, c := range runtimeCases {
		if got := runError(t, c.src); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.src, got, c.want)
		}
	}
}

// TestRuntimeErrorsMatchLua54 runs each case with lua5.4, when installed.
func TestRuntimeErrorsMatchLua54(t *testing.T) {
	lua, err := exec.LookPath("lua5.4")
	if err != nil {
		t.Skip("lua5.4 is not installed")
	}
	dir := t.TempDir()
	for _, c := range runtimeCases {
		if c.why != "" {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, "f.lua"), []byte(c.src), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(lua, "f.lua")
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		got, _, _ := strings.Cut(strings.TrimPrefix(string(out), lua+": "), "\n")
		if got != c.want {
			t.Errorf("%q: lua5.4 says %q, we say %q", c.src, got, c.want)
		}
	}
}

// TestLearnerTable: the mistakes of issue 11, each with the message that
// now names what is wrong, and what a caller gets to explain it.
func TestLearnerTable(t *testing.T) {
	for _, c := range []struct {
		src, want  string
		kind, name string // of a runtime error
		near       string // of a syntax error
		col        int
	}{
		{src: "x = b'hello'", want: "f.lua:1: attempt to call a nil value (global 'b')", kind: "global", name: "b"},
		{src: "print(len(x))", want: "f.lua:1: attempt to call a nil value (global 'len')", kind: "global", name: "len"},
		{src: "exit()", want: "f.lua:1: attempt to call a nil value (global 'exit')", kind: "global", name: "exit"},
		{src: "local data = 'abc'\nprint(data.decode('utf-8'))", want: "f.lua:2: attempt to call a nil value (field 'decode')", kind: "field", name: "decode"},
		{src: "local x\nprint(x.y)", want: "f.lua:2: attempt to index a nil value (local 'x')", kind: "local", name: "x"},
		{src: "if x then\n  y()\n", want: "f.lua:3: 'end' expected (to close 'if' at line 1) near <eof>", near: "<eof>", col: 1},
		{src: "import socket", want: "f.lua:1: '=' expected near 'socket'", near: "socket", col: 8},
		{src: "while True:\n  x()\nend", want: "f.lua:3: 'do' expected near 'end'", near: "end", col: 1},
		{src: `s.bind(("127.0.0.1", 8080))`, want: "f.lua:1: ')' expected near ','", near: ",", col: 20},
		{src: "if a != b then end", want: "f.lua:1: 'then' expected near '!'", near: "!", col: 6},
		{src: "x = a != b", want: "f.lua:1: unexpected symbol near '!'", near: "!", col: 7},
	} {
		if got := runError(t, c.src); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.src, got, c.want)
		}
		L := NewState()
		_, err := L.Load(strings.NewReader(c.src), "f.lua")
		L.Close()
		var pe *parse.Error
		if c.near != "" {
			if !errors.As(err, &pe) || pe.Near != c.near || pe.Column != c.col {
				t.Errorf("%q: %#v", c.src, err)
			}
			continue
		}
		te, ok := ParseTypeError(c.want)
		if err != nil || !ok || te.Kind != c.kind || te.Name != c.name || te.Source != "f.lua" {
			t.Errorf("%q: %v %+v", c.src, err, te)
		}
	}
}

// TestParseTypeError takes every message of runtimeCases apart and puts it
// back together.
func TestParseTypeError(t *testing.T) {
	for _, c := range runtimeCases {
		if strings.Contains(c.want, "compare") {
			if _, ok := ParseTypeError(c.want); ok {
				t.Errorf("%q is not about one value", c.want)
			}
			continue
		}
		te, ok := ParseTypeError(c.want)
		if !ok {
			t.Errorf("%q: not parsed", c.want)
			continue
		}
		if got := te.Source + ":" + itoa(te.Line) + ": " + te.message(); got != c.want {
			t.Errorf("%q: parsed as %+v", c.want, te)
		}
	}
	for _, msg := range []string{"attempt to call", "x: attempt to call a nil value", "f.lua:1: attempt to fly a nil value", "attempt to call a nil value (global)"} {
		if te, ok := ParseTypeError(msg); ok {
			t.Errorf("%q: parsed as %+v", msg, te)
		}
	}
}

func itoa(n int) string { return LNumber(n).String() }

// TestCompileErrorText: the compiler's errors read as Lua's, "source:line:
// message" (the line is the compiler's, not always lua5.4's).
func TestCompileErrorText(t *testing.T) {
	got := runError(t, "::a:: ::a::")
	if !strings.HasPrefix(got, "f.lua:") || !strings.HasSuffix(got, ": label 'a' already defined on line 1") {
		t.Errorf("got %q", got)
	}
}

// BenchmarkHotPath runs the instructions whose errors are named (calls,
// field reads and writes, method calls, arithmetic, length, concatenation)
// without error: naming costs only when raising, so this must not move.
func BenchmarkHotPath(b *testing.B) {
	benchmarkChunk(b, nil, `
		local t = {n = 0, name = "x", items = {1, 2, 3}}
		function t:bump(k) self.n = self.n + k end
		local function add(a, b) return a + b end
		for i = 1, 1000 do
			t:bump(add(i, -i) + 1)
			local s = t.name .. i .. "!"
			t.n = t.n + #s - #t.items * 2 % 3
		end
		return t.n`)
}
