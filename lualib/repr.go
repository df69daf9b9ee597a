package lualib

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sockplay/sockplay/internal/hexdump"
	lua "github.com/sockplay/sockplay/lua"
)

// Repr shows a value as a REPL does: strings quoted with escapes (so "\r\n"
// and binary bytes are visible, and the text loads back as Lua: see
// QuoteBytes), numbers as
// Lua writes them, tables one level deep, and anything with a __tostring
// (sockets, addresses, errors) through it. It may run __tostring
// metamethods, so call it where L may run Lua code (in package luabind,
// with the runtime lock held: from Lua, or in Session.Eval's show).
func Repr(L *lua.LState, v lua.LValue) string {
	return repr(L, v, 1)
}

func repr(L *lua.LState, v lua.LValue, depth int) string {
	switch x := v.(type) {
	case lua.LString:
		return QuoteBytes(string(x))
	case lua.LNumber:
		return numberString(float64(x))
	case *lua.LTable:
		if L.GetMetaField(x, "__tostring") != lua.LNil {
			return L.ToStringMeta(x).String()
		}
		if depth <= 0 {
			return "{...}"
		}
		return tableRepr(L, x, depth)
	case *lua.LUserData:
		return L.ToStringMeta(x).String()
	}
	return L.ToStringMeta(v).String()
}

func numberString(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "math.huge"
	case math.IsInf(f, -1):
		return "-math.huge"
	case f != f:
		return "0/0"
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

func tableRepr(L *lua.LState, t *lua.LTable, depth int) string {
	var parts []string
	// The sequence 1..n; not t.Len(), which counts the nils gopher-lua
	// keeps in a table's array part ({[10] = true} has length 10 there).
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	for i := 1; i <= n; i++ {
		parts = append(parts, repr(L, t.RawGetInt(i), depth-1))
	}
	type kv struct{ k, v string }
	var rest []kv
	t.ForEach(func(k, v lua.LValue) {
		if f, ok := k.(lua.LNumber); ok && float64(f) == math.Trunc(float64(f)) && f >= 1 && int(f) <= n {
			return // shown in the array part
		}
		key := "[" + repr(L, k, 0) + "]"
		if s, ok := k.(lua.LString); ok && IsIdentifier(string(s)) {
			key = string(s)
		}
		rest = append(rest, kv{key, repr(L, v, depth-1)})
	})
	sort.Slice(rest, func(i, j int) bool { return rest[i].k < rest[j].k })
	for _, e := range rest {
		parts = append(parts, e.k+" = "+e.v)
	}
	if len(parts) == 0 {
		return "{}"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "if": true, "in": true, "local": true,
	"nil": true, "not": true, "or": true, "repeat": true, "return": true, "then": true,
	"true": true, "until": true, "while": true,
}

// IsIdentifier reports whether s is a Lua name (not a keyword): a table
// key Repr writes as k = v, a completion candidate.
func IsIdentifier(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r < 128 && unicode.IsLetter(r) || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// quoteEscapes are Lua's one-letter escapes, by the byte they stand for.
var quoteEscapes = [256]string{
	'"': `\"`, '\\': `\\`, '\n': `\n`, '\r': `\r`, '\t': `\t`,
	'\a': `\a`, '\b': `\b`, '\f': `\f`, '\v': `\v`,
}

// Quote writes s as a Lua string literal that gopher-lua loads back to the
// same bytes: printable text as is (UTF-8 included), the usual escapes, and
// decimal escapes (\ddd; Lua 5.1 has no \x) for every other byte:
// string.format's %q.
func Quote(s string) string { return quote(s, false) }

// QuoteBytes writes s as a Lua string literal for people to read, as
// Python's repr writes bytes: text that is valid UTF-8 as it is (its
// unprintable characters escaped), the usual one-letter escapes, and
// \xHH for every other byte. A string that is not valid UTF-8 as a whole
// (GBK text, binary data) is bytes, not text: each byte from 0x80 up is
// \xHH, so that no stray character appears where two bytes happen to
// look like UTF-8. It loads back as the same bytes (the VM reads \xHH, as
// Lua 5.2 and later do).
func QuoteBytes(s string) string { return quote(s, true) }

// quote is Quote, or with hex QuoteBytes.
func quote(s string, hex bool) string {
	text := !hex || utf8.ValidString(s)
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if esc := quoteEscapes[c]; esc != "" {
			b.WriteString(esc)
			i++
			continue
		}
		if c >= 0x80 && text {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError && unicode.IsPrint(r) {
				b.WriteString(s[i : i+size])
				i += size
				continue
			}
		}
		switch {
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		case hex:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			// Three digits always, so a following digit cannot join the escape.
			fmt.Fprintf(&b, `\%03d`, c)
		}
		i++
	}
	b.WriteByte('"')
	return b.String()
}

// OpenRepr installs the globals that show bytes and values: repr,
// bytes_repr and hexdump.
func OpenRepr(L *lua.LState) {
	L.SetGlobal("repr", L.NewFunction(luaRepr))
	L.SetGlobal("bytes_repr", L.NewFunction(luaBytesRepr))
	L.SetGlobal("hexdump", L.NewFunction(luaHexdump))
}

// repr(value) -> text   (strings quoted with \xHH escapes for bytes, so the text loads back as Lua; other values as the REPL shows them)
func luaRepr(L *lua.LState) int {
	if L.GetTop() < 1 {
		ArgError(L, 1, "repr", "value expected")
	}
	L.Push(lua.LString(Repr(L, L.Get(1))))
	return 1
}

// hexdump(data) -> text   (as hexdump -C: offset, hex bytes, ASCII)
func luaHexdump(L *lua.LState) int {
	L.Push(lua.LString(Hexdump([]byte(CheckString(L, 1, "hexdump", "data")))))
	return 1
}

// bytes_repr(data) -> "b'...'"   (Python's repr of bytes, as the tutorial prints received data)
func luaBytesRepr(L *lua.LState) int {
	v, ok := L.Get(1).(lua.LString)
	if !ok {
		StringArgError(L, 1, "bytes_repr", "data")
	}
	L.Push(lua.LString(BytesRepr(string(v))))
	return 1
}

// bytesEscapes are the escapes of Python's bytes repr besides \xhh and
// the quote.
var bytesEscapes = [256]string{'\\': `\\`, '\t': `\t`, '\n': `\n`, '\r': `\r`}

// BytesRepr writes data as Python writes a bytes object: b'...' (b"..."
// when the data has a ' and no "), with \\, \t, \n, \r and \xhh escapes
// for the quote, the backslash and every byte outside printable ASCII.
func BytesRepr(data string) string {
	q := byte('\'')
	if strings.IndexByte(data, '\'') >= 0 && strings.IndexByte(data, '"') < 0 {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte('b')
	b.WriteByte(q)
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case c == q:
			b.WriteByte('\\')
			b.WriteByte(c)
		case bytesEscapes[c] != "":
			b.WriteString(bytesEscapes[c])
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// Hexdump formats data as `hexdump -C` does (without collapsing repeated
// lines into "*"): offset, 16 bytes in hex in two groups of 8, the ASCII
// between bars, and a last line with the length. "" for no data.
func Hexdump(data []byte) string { return hexdump.Dump(data) }
