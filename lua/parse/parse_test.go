package parse

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/lua/ast"
)

type syntaxCase struct {
	src  string
	want string // the whole message, source "f.lua"
	col  int    // Error.Column
	near string // Error.Near
	// why is set where the message is not lua5.4's on purpose.
	why string
}

// syntaxCases: the mistakes of issue 11's learner table first, then one
// case per message the parser and lexer give. Without why, each message
// is lua5.4's for the same file (TestSyntaxErrorsMatchLua54 checks it).
var syntaxCases = []syntaxCase{
	// A Python habit each.
	{src: "import socket\n", want: "f.lua:1: '=' expected near 'socket'", col: 8, near: "socket",
		why: "Lua 5.1's words; lua5.4 says \"syntax error near 'socket'\", which names nothing missing"},
	{src: "while True:\n  x()\nend\n", want: "f.lua:3: 'do' expected near 'end'", col: 1, near: "end"},
	{src: `s.bind(("127.0.0.1", 8080))`, want: "f.lua:1: ')' expected near ','", col: 20, near: ","},
	{src: "if a != b then end", want: "f.lua:1: 'then' expected near '!'", col: 6, near: "!"},
	{src: "x = a != b", want: "f.lua:1: unexpected symbol near '!'", col: 7, near: "!"},
	{src: "if x then\n  y()\n", want: "f.lua:3: 'end' expected (to close 'if' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "def f():\n  pass\n", want: "f.lua:1: '=' expected near 'f'", col: 5, near: "f",
		why: "Lua 5.1's words, as for import"},
	{src: "x = {1, 2,\n", want: "f.lua:2: unexpected symbol near <eof>", col: 1, near: "<eof>"},
	{src: "x = {1, 2\n", want: "f.lua:2: '}' expected (to close '{' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "print('a'\n\n", want: "f.lua:3: ')' expected (to close '(' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "f = function()\n  return 1\n", want: "f.lua:3: 'end' expected (to close 'function' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "for i = 1, 3 do\n", want: "f.lua:2: 'end' expected (to close 'for' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "while x do\n  y()\n", want: "f.lua:3: 'end' expected (to close 'while' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "do\n", want: "f.lua:2: 'end' expected (to close 'do' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "repeat\n  x()\n", want: "f.lua:3: 'until' expected (to close 'repeat' at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "if x then y() else", want: "f.lua:1: 'end' expected near <eof>", col: 19, near: "<eof>"},

	// Strings and escapes.
	{src: "x = \"abc\ny = 1", want: "f.lua:1: unfinished string near '\"abc'", col: 5, near: `"abc`},
	{src: "x = 1\ny = 'abc", want: "f.lua:2: unfinished string near <eof>", col: 9, near: "<eof>"},
	{src: "x = \"abc\\\n", want: "f.lua:2: unfinished string near <eof>", col: 1, near: "<eof>"},
	{src: `x = "\q"`, want: `f.lua:1: invalid escape sequence near '"\q'`, col: 5, near: `"\q`},
	{src: `x = "a\tb\q"`, want: "f.lua:1: invalid escape sequence near '\"a\tb\\q'", col: 5, near: "\"a\tb\\q"},
	{src: `x = "\x4"`, want: `f.lua:1: hexadecimal digit expected near '"\x4"'`, col: 5, near: `"\x4"`},
	{src: `x = "\xZZ"`, want: `f.lua:1: hexadecimal digit expected near '"\xZ'`, col: 5, near: `"\xZ`},
	{src: `x = "\u12"`, want: `f.lua:1: missing '{' near '"\u1'`, col: 5, near: `"\u1`},
	{src: `x = "\u{}"`, want: `f.lua:1: hexadecimal digit expected near '"\u{}'`, col: 5, near: `"\u{}`},
	{src: `x = "\u{12"`, want: `f.lua:1: missing '}' near '"\u{12"'`, col: 5, near: `"\u{12"`},
	{src: `x = "\u{110000000}"`, want: `f.lua:1: UTF-8 value too large near '"\u{110000000'`, col: 5, near: `"\u{110000000`},
	{src: `x = "\300"`, want: `f.lua:1: decimal escape too large near '"\300"'`, col: 5, near: `"\300"`},
	{src: "x = [==[abc\n", want: "f.lua:2: unfinished long string (starting at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "--[[ abc\n", want: "f.lua:2: unfinished long comment (starting at line 1) near <eof>", col: 1, near: "<eof>"},
	{src: "x = [=abc", want: "f.lua:1: invalid long string delimiter near '[='", col: 5, near: "[="},
	{src: "x = [[a\nb]] y", want: "f.lua:2: '=' expected near <eof>", col: 6, near: "<eof>",
		why: "Lua 5.1's words, as for import"},
	{src: "x = 'a' 'b'", want: "f.lua:1: unexpected symbol near ''b''", col: 9, near: "'b'"},
	{src: "x = [[\nab]] + 1 y", want: "f.lua:2: '=' expected near <eof>", col: 11, near: "<eof>",
		why: "Lua 5.1's words, as for import"},
	{src: "f(1, [[\nab]] 2)", want: "f.lua:2: ')' expected (to close '(' at line 1) near '2'", col: 6, near: "2"},
	{src: "f(1 [[a\nb]])", want: "f.lua:2: ')' expected (to close '(' at line 1) near '[[a\nb]]'", col: 0, near: "[[a\nb]]"},

	// Numbers.
	{src: "x = 3abc", want: "f.lua:1: malformed number near '3abc'", col: 5, near: "3abc"},
	{src: "x = 0x", want: "f.lua:1: malformed number near '0x'", col: 5, near: "0x"},
	{src: "x = 1e", want: "f.lua:1: malformed number near '1e'", col: 5, near: "1e"},
	{src: "x = .5.", want: "f.lua:1: malformed number near '.5.'", col: 5, near: ".5."},
	{src: "x = 3..2", want: "f.lua:1: malformed number near '3..2'", col: 5, near: "3..2"},
	{src: "x = 1.000 2", want: "f.lua:1: unexpected symbol near '2'", col: 11, near: "2"},

	// Statements and expressions.
	{src: "x = ", want: "f.lua:1: unexpected symbol near <eof>", col: 5, near: "<eof>"},
	{src: "x = = 1", want: "f.lua:1: unexpected symbol near '='", col: 5, near: "="},
	{src: "x", want: "f.lua:1: '=' expected near <eof>", col: 2, near: "<eof>",
		why: "Lua 5.1's words, as for import"},
	{src: "(a) = 1", want: "f.lua:1: syntax error near '='", col: 5, near: "="},
	{src: "(f())", want: "f.lua:1: syntax error near <eof>", col: 6, near: "<eof>"},
	{src: "a, f() = 1", want: "f.lua:1: syntax error near '='", col: 8, near: "="},
	{src: "f() = 1", want: "f.lua:1: unexpected symbol near '='", col: 5, near: "=",
		why: "Lua 5.1's words: after a call statement '=' starts nothing"},
	{src: "return 1 x = 2", want: "f.lua:1: <eof> expected near 'x'", col: 10, near: "x"},
	{src: "x = 1 end", want: "f.lua:1: <eof> expected near 'end'", col: 7, near: "end"},
	{src: "if x then\nelseif\nend", want: "f.lua:3: unexpected symbol near 'end'", col: 1, near: "end"},
	{src: "for i do end", want: "f.lua:1: '=' or 'in' expected near 'do'", col: 7, near: "do"},
	{src: "for i = 1 do end", want: "f.lua:1: ',' expected near 'do'", col: 11, near: "do"},
	{src: "for a, b = 1, 2 do end", want: "f.lua:1: 'in' expected near '='", col: 10, near: "="},
	{src: "local function 1() end", want: "f.lua:1: <name> expected near '1'", col: 16, near: "1"},
	{src: "local = 1", want: "f.lua:1: <name> expected near '='", col: 7, near: "="},
	{src: "function f(a,) end", want: "f.lua:1: <name> or '...' expected near ')'", col: 14, near: ")"},
	{src: "function f(..., a) end", want: "f.lua:1: ')' expected near ','", col: 15, near: ","},
	{src: "function a.b:c.d() end", want: "f.lua:1: '(' expected near '.'", col: 15, near: "."},
	{src: "x = {a = }", want: "f.lua:1: unexpected symbol near '}'", col: 10, near: "}"},
	{src: "x = {1 2}", want: "f.lua:1: '}' expected near '2'", col: 8, near: "2"},
	{src: "x = {[1] 2}", want: "f.lua:1: '=' expected near '2'", col: 10, near: "2"},
	{src: "x = t[1", want: "f.lua:1: ']' expected near <eof>", col: 8, near: "<eof>"},
	{src: "x = a.1", want: "f.lua:1: unexpected symbol near '.1'", col: 6, near: ".1"},
	{src: "f:m", want: "f.lua:1: function arguments expected near <eof>", col: 4, near: "<eof>"},
	{src: "a.b:c = 1", want: "f.lua:1: function arguments expected near '='", col: 7, near: "="},
	{src: "function f() return ... end", want: "f.lua:1: cannot use '...' outside a vararg function near '...'", col: 21, near: "..."},
	{src: "break", want: "f.lua:1: break outside loop at line 1", near: ""},
	{src: "while x do end\nif y then\n  break\nend\n", want: "f.lua:5: break outside loop at line 3", near: ""},
	{src: "function f()\n  break\nend\nx = 1", want: "f.lua:4: break outside loop at line 2", near: ""},
	{src: "return;;", want: "f.lua:1: <eof> expected near ';'", col: 8, near: ";"},
	{src: "x = @", want: "f.lua:1: unexpected symbol near '@'", col: 5, near: "@"},
	{src: "x = \x01", want: `f.lua:1: unexpected symbol near '<\1>'`, col: 5, near: `<\1>`},
	{src: "x = 你", want: `f.lua:1: unexpected symbol near '<\228>'`, col: 5, near: `<\228>`},
	{src: "print（1）", want: `f.lua:1: '=' expected near '<\239>'`, col: 6, near: `<\239>`,
		why: "Lua 5.1's words, as for import"},

	// What Lua 5.4 has and this Lua has not.
	{src: "x = 1 ~ 2", want: "f.lua:1: unexpected symbol near '~'", col: 7, near: "~", why: "no bitwise operators"},
	{src: "x = 7 // 2", want: "f.lua:1: unexpected symbol near '//'", col: 7, near: "//", why: "no floor division"},
	{src: "x = 1 << 2", want: "f.lua:1: unexpected symbol near '<<'", col: 7, near: "<<", why: "no bitwise operators"},
	{src: "x = a & b", want: "f.lua:1: unexpected symbol near '&'", col: 7, near: "&", why: "no bitwise operators"},
	{src: "local a <const> = 1", want: "f.lua:1: unexpected symbol near '<'", col: 9, near: "<", why: "no attributes"},
	{src: "local x = f\n(g)", want: "f.lua:2: ambiguous syntax (function call x new statement) near '('", col: 1, near: "(",
		why: "Lua 5.1's rule: lua5.4 calls f(g) and so hides the mistake"},
	{src: "f()\n(g)()", want: "f.lua:2: ambiguous syntax (function call x new statement) near '('", col: 1, near: "(",
		why: "Lua 5.1's rule, as above"},

	// Limits.
	{src: "x = " + strings.Repeat("(", 300) + "1", want: "f.lua:1: chunk has too many syntax levels", near: "",
		why: "Lua 5.1's words; lua5.4 says \"C stack overflow\" without a line"},
	{src: "x = " + strings.Repeat("a .. ", 300) + "a", want: "f.lua:1: chunk has too many syntax levels", near: "",
		why: "Lua 5.1's words, as above"},
}

func TestSyntaxErrors(t *testing.T) {
	for _, c := range syntaxCases {
		_, err := Parse(strings.NewReader(c.src), "f.lua")
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: got %v, want a *parse.Error", c.src, err)
			continue
		}
		if pe.Error() != c.want || pe.Column != c.col || pe.Near != c.near {
			t.Errorf("%q:\n got %q column %d near %q\nwant %q column %d near %q", c.src, pe.Error(), pe.Column, pe.Near, c.want, c.col, c.near)
		}
		// gopher-lua's fields, which the REPL reads to ask for more lines
		// and to place its caret.
		wantPos := ast.Position{Source: "f.lua", Line: EOF}
		if c.near != "<eof>" {
			wantPos.Line = pe.Line
			if c.col > 0 {
				wantPos.Column = c.col + len(c.near) - 1
			}
		}
		if pe.Pos != wantPos || pe.Token != pe.Near {
			t.Errorf("%q: Pos %+v Token %q, want Pos %+v", c.src, pe.Pos, pe.Token, wantPos)
		}
	}
}

// TestSyntaxErrorsMatchLua54 runs each case through lua5.4, when it is
// installed: the messages without why must be its messages.
func TestSyntaxErrorsMatchLua54(t *testing.T) {
	lua := lookLua(t, "lua5.4")
	dir := t.TempDir()
	for _, c := range syntaxCases {
		if c.why != "" {
			continue
		}
		file := filepath.Join(dir, "f.lua")
		if err := os.WriteFile(file, []byte(c.src), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(lua, "f.lua")
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		got, _, _ := strings.Cut(strings.TrimPrefix(string(out), lua+": "), "\nstack traceback:")
		got = strings.TrimSuffix(got, "\n")
		if got != c.want {
			t.Errorf("%q: lua5.4 says %q, we say %q", c.src, got, c.want)
		}
	}
}

func lookLua(t *testing.T, name string) string {
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed", name)
	}
	return path
}

func parseString(t *testing.T, src string) []ast.Stmt {
	t.Helper()
	chunk, err := Parse(strings.NewReader(src), "f.lua")
	if err != nil {
		t.Fatalf("%q: %v", src, err)
	}
	return chunk
}

// stringValue is the value of the string in "x = <literal>".
func stringValue(t *testing.T, literal string) string {
	t.Helper()
	chunk := parseString(t, "x = "+literal)
	return chunk[0].(*ast.AssignStmt).Rhs[0].(*ast.StringExpr).Value
}

var escapeCases = []struct {
	literal string
	want    string
	in51    bool // lua5.1 reads it the same
}{
	{`"\x41\x42"`, "AB", false},
	{`"\x00\xff\xFF\x7f"`, "\x00\xff\xff\x7f", false},
	{`"\u{4f60}\u{597d}"`, "你好", false},
	{`"\u{41}\u{0}\u{7FF}\u{800}\u{FFFF}"`, "A\x00\u07ff\u0800\uffff", false},
	{`"\u{10FFFF}\u{D800}\u{110000}\u{7FFFFFFF}"`, "\xf4\x8f\xbf\xbf\xed\xa0\x80\xf4\x90\x80\x80\xfd\xbf\xbf\xbf\xbf\xbf", false},
	{"'a\\z  \n\t  b'", "ab", false},
	{"'a\\z'", "a", false},
	{`"\a\b\f\n\r\t\v\\\"\'"`, "\a\b\f\n\r\t\v\\\"'", true},
	{`"\65\066\0677\255\0"`, "AB\x437\xff\x00", true},
	{"'line\\\nbreak'", "line\nbreak", true},
	{"'line\\\r\nbreak'", "line\nbreak", true},
	{"[[\nfirst newline dropped]]", "first newline dropped", true},
	{"[==[a]]b]=]c]==]", "a]]b]=]c", true},
	{"[[a\r\nb\n\rc\rd]]", "a\nb\nc\nd", true},
}

func TestEscapes(t *testing.T) {
	for _, c := range escapeCases {
		if got := stringValue(t, c.literal); got != c.want {
			t.Errorf("%s: got %q, want %q", c.literal, got, c.want)
		}
	}
}

// TestEscapesMatchLua writes each string with lua5.4, and with lua5.1 those
// it reads the same, and compares the bytes.
func TestEscapesMatchLua(t *testing.T) {
	for _, name := range []string{"lua5.4", "lua5.1"} {
		t.Run(name, func(t *testing.T) {
			lua := lookLua(t, name)
			for _, c := range escapeCases {
				if name == "lua5.1" && !c.in51 {
					continue
				}
				out, err := exec.Command(lua, "-e", "io.write("+c.literal+")").Output()
				if err != nil {
					t.Errorf("%s -e io.write(%s): %v", name, c.literal, err)
				} else if string(out) != c.want {
					t.Errorf("%s: %s writes %q, we read %q", c.literal, name, out, c.want)
				}
			}
		})
	}
}

// TestNumberValues: a numeral's NumberExpr text, read as the compiler reads
// it (lua.parseNumber: ParseInt base 0, else ParseFloat, else NaN), is the
// value Lua gives the numeral.
func TestNumberValues(t *testing.T) {
	for numeral, want := range map[string]float64{
		"10": 10, "010": 10, "0010": 10, "08": 8, "3.": 3, ".5": .5, "00.5": .5,
		"1e3": 1000, "1E+3": 1000, "25e-1": 2.5, "0x10": 16, "0XfF": 255,
		"0x1p4": 16, "0x.8": .5, "0xA.8p1": 21, "0x1P-2": .25,
		"0xFFFFFFFFFFFFFFFFFF": 0xFFFFFFFFFFFFFFFFFF, "9007199254740993": 9007199254740992,
		"1e500": math.Inf(1), "1e-500": 0,
	} {
		chunk := parseString(t, "x = "+numeral)
		text := chunk[0].(*ast.AssignStmt).Rhs[0].(*ast.NumberExpr).Value
		var got float64
		if n, err := strconv.ParseInt(text, 0, 64); err == nil {
			got = float64(n)
		} else if got, err = strconv.ParseFloat(text, 64); err != nil {
			got = math.NaN()
		}
		if got != want {
			t.Errorf("%s: text %q is %v to the compiler, want %v", numeral, text, got, want)
		}
	}
}

// TestShebangAndBOM: a first line starting with '#' and a UTF-8 byte-order
// mark are skipped, as lua does for a file, and lines keep their numbers.
func TestShebangAndBOM(t *testing.T) {
	for _, src := range []string{
		"#!/usr/bin/env lua\ny = = 2\n",
		"\xEF\xBB\xBFx = 1\ny = = 2\n",
		"\xEF\xBB\xBF#!/usr/bin/env lua\ny = = 2\n",
		"# comment\r\ny = = 2\n",
	} {
		_, err := Parse(strings.NewReader(src), "f.lua")
		var pe *Error
		if !errors.As(err, &pe) || pe.Error() != "f.lua:2: unexpected symbol near '='" || pe.Column != 5 {
			t.Errorf("%q: got %v", src, err)
		}
	}
	for _, src := range []string{"#!/usr/bin/env lua", "\xEF\xBB\xBF", "\xEF\xBB\xBF#", "#!lua\nreturn 1"} {
		if _, err := Parse(strings.NewReader(src), "f.lua"); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
	// Only at the start of the chunk.
	if _, err := Parse(strings.NewReader("x = 1\n#!/usr/bin/env lua\n"), "f.lua"); err == nil {
		t.Error("a '#' line after the first is not a comment")
	}
}

// TestShebangAndBOMMatchLua runs the same files with lua5.4 (lua5.1 skips
// '#' but not the byte-order mark).
func TestShebangAndBOMMatchLua(t *testing.T) {
	lua := lookLua(t, "lua5.4")
	file := filepath.Join(t.TempDir(), "f.lua")
	for _, src := range []string{
		"#!/usr/bin/env lua\nprint(debug.getinfo(1, 'l').currentline)\n",
		"\xEF\xBB\xBFprint(debug.getinfo(1, 'l').currentline)\n",
		"\xEF\xBB\xBF#!/usr/bin/env lua\nprint(debug.getinfo(1, 'l').currentline)\n",
	} {
		if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(lua, file).CombinedOutput()
		want := strings.Count(src, "\n")
		if err != nil || string(bytes.TrimSpace(out)) != strconv.Itoa(want) {
			t.Errorf("%q: lua5.4 says %q %v, want line %d", src, out, err, want)
		}
		chunk := parseString(t, src)
		if got := chunk[0].Line(); got != want {
			t.Errorf("%q: the statement is at line %d, want %d", src, got, want)
		}
	}
}

// StmtLine is where the statement being read began: the Python line a
// hint is about is often not the line of the error.
func TestErrorStmtLine(t *testing.T) {
	for _, c := range []struct {
		src  string
		want int
	}{
		{"while True:\n  print(1)\n", 1},
		{"x = 1\nfor i in range(3):\n  print(i)\n", 2},
		{"try:\n  s.connect(addr)\nexcept:\n", 1},
		{"if x then\n  y()\n", 1},          // the block's line once its statements are read
		{"if x then\n  y = = 1\nend\n", 2}, // the inner statement's
		{"function f()\n  while x:\n    g()\n  end\nend\n", 2},
		{"x = 'abc\n", 1},
		{"= 1\n", 1},
	} {
		_, err := Parse(strings.NewReader(c.src), "f.lua")
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: %v, want a syntax error", c.src, err)
			continue
		}
		if pe.StmtLine != c.want {
			t.Errorf("%q: StmtLine %d, want %d (%v)", c.src, pe.StmtLine, c.want, pe)
		}
	}
}
