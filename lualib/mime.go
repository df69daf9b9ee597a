package lualib

import (
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// mime.core: the low-level filters of LuaSocket's mime module — Base64,
// quoted-printable, line wrapping, end-of-line normalization and SMTP dot
// stuffing — as LuaSocket's C core has them. Each is one step of a
// filter: it takes the bytes left over from the previous step (or a
// state) and the new input, and returns its output and what carries over
// to the next call; nil input ends the stream. The Lua side (ltn12
// filters over these) is mime.lua in package luabind.

// MIMECoreVersion is mime.core._VERSION.
const MIMECoreVersion = "MIME 1.0.3"

// OpenMIMECore is the loader of mime.core, for require.
func OpenMIMECore(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		"b64":   mimeB64,
		"unb64": mimeUnb64,
		"qp":    mimeQP,
		"unqp":  mimeUnqp,
		"wrp":   mimeWrp,
		"qpwrp": mimeQPWrp,
		"eol":   mimeEOL,
		"dot":   mimeDot,
	})
	mod.RawSetString("_VERSION", lua.LString(MIMECoreVersion))
	L.Push(mod)
	return 1
}

// mimeOptString is luaL_optlstring: a string, a number's text, or ok
// false for nil.
func mimeOptString(L *lua.LState, n int, fname string) (string, bool) {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return v.String(), true
	case *lua.LNilType:
		return "", false
	}
	ArgError(L, n, fname, "string expected, got "+TypeName(L.Get(n)))
	return "", false
}

func mimeNumber(L *lua.LState, n int, fname string, def float64, optional bool) float64 {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		return float64(v)
	case *lua.LNilType:
		if optional {
			return def
		}
	}
	ArgError(L, n, fname, "number expected, got "+TypeName(L.Get(n)))
	return 0
}

// mimeCarryFilter is the frame of the filters that carry bytes over
// (b64, unb64, qp, unqp): f(carry, input) runs step over carry..input,
// which writes what it can and returns the bytes that need more input to
// be decided, the next call's carry. Without input (the stream's end)
// finish, when not nil, writes what the carry gives (nil: it is
// dropped), and the result is the output, nil if empty, and a nil carry.
// A nil carry gives nil, nil.
func mimeCarryFilter(L *lua.LState, fname string, step func(b *strings.Builder, in string) (carry string), finish func(b *strings.Builder, carry string)) int {
	carry, ok := mimeOptString(L, 1, fname)
	if !ok {
		L.Push(lua.LNil)
		L.Push(lua.LNil)
		return 2
	}
	in, more := mimeOptString(L, 2, fname)
	var b strings.Builder
	carry = step(&b, carry+in)
	if !more {
		if finish != nil {
			finish(&b, carry)
		}
		pushNilIfEmpty(L, b.String())
		L.Push(lua.LNil)
		return 2
	}
	L.Push(lua.LString(b.String()))
	L.Push(lua.LString(carry))
	return 2
}

// pushNilIfEmpty pushes s, or nil when it is empty, as the core's final
// steps return.
func pushNilIfEmpty(L *lua.LState, s string) {
	if s == "" {
		L.Push(lua.LNil)
	} else {
		L.Push(lua.LString(s))
	}
}

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// b64Value is the value of each Base64 character; 255 for the others.
// "=" counts as 0 so that a padded group decodes.
var b64Value = func() (t [256]byte) {
	for i := range t {
		t[i] = 255
	}
	for i := 0; i < len(b64Alphabet); i++ {
		t[b64Alphabet[i]] = byte(i)
	}
	t['='] = 0
	return t
}()

// b64Group encodes three bytes.
func b64Group(b *strings.Builder, a, c, d byte) {
	v := uint32(a)<<16 | uint32(c)<<8 | uint32(d)
	b.WriteByte(b64Alphabet[v>>18&63])
	b.WriteByte(b64Alphabet[v>>12&63])
	b.WriteByte(b64Alphabet[v>>6&63])
	b.WriteByte(b64Alphabet[v&63])
}

// mime.b64(carry, input) -> encoded, carry   (input nil: the end, padded)
func mimeB64(L *lua.LState) int {
	return mimeCarryFilter(L, "mime.b64", func(b *strings.Builder, in string) string {
		b.Grow(len(in)/3*4 + 4)
		n := len(in) / 3 * 3
		for i := 0; i < n; i += 3 {
			b64Group(b, in[i], in[i+1], in[i+2])
		}
		return in[n:]
	}, func(b *strings.Builder, rest string) {
		switch len(rest) {
		case 1:
			v := uint32(rest[0]) << 4
			b.WriteByte(b64Alphabet[v>>6&63])
			b.WriteByte(b64Alphabet[v&63])
			b.WriteString("==")
		case 2:
			v := (uint32(rest[0])<<8 | uint32(rest[1])) << 2
			b.WriteByte(b64Alphabet[v>>12&63])
			b.WriteByte(b64Alphabet[v>>6&63])
			b.WriteByte(b64Alphabet[v&63])
			b.WriteByte('=')
		}
	})
}

// mime.unb64(carry, input) -> decoded, carry   (characters outside Base64 are skipped)
func mimeUnb64(L *lua.LState) int {
	// Without more input an incomplete group is dropped.
	return mimeCarryFilter(L, "mime.unb64", b64Decode, nil)
}

// b64Decode decodes in; the carry is an incomplete group.
func b64Decode(b *strings.Builder, in string) string {
	var group [4]byte
	size := 0
	for i := 0; i < len(in); i++ {
		c := in[i]
		if b64Value[c] > 64 {
			continue
		}
		group[size] = c
		if size++; size < 4 {
			continue
		}
		v := uint32(b64Value[group[0]])<<18 | uint32(b64Value[group[1]])<<12 |
			uint32(b64Value[group[2]])<<6 | uint32(b64Value[group[3]])
		out := [3]byte{byte(v >> 16), byte(v >> 8), byte(v)}
		switch {
		case group[2] == '=':
			b.Write(out[:1])
		case group[3] == '=':
			b.Write(out[:2])
		default:
			b.Write(out[:])
		}
		size = 0
	}
	return string(group[:size])
}

const hexDigits = "0123456789ABCDEF"

// qpPlain reports whether c goes out as itself in quoted-printable;
// space and tab do too, except before a line break.
func qpPlain(c byte) bool { return c >= 33 && c <= 60 || c >= 62 && c <= 126 }

func qpQuote(b *strings.Builder, c byte) {
	b.WriteByte('=')
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&15])
}

// qpEncode encodes in, keeping in the returned carry (at most 2 bytes)
// what needs the next bytes to be decided: a CR that may start a CRLF, a
// space or tab that may end a line.
func qpEncode(b *strings.Builder, in, marker string) string {
	i := 0
	for i < len(in) {
		c := in[i]
		switch {
		case c == '\r':
			if i+1 >= len(in) {
				return in[i:]
			}
			if in[i+1] == '\n' {
				b.WriteString(marker)
				i += 2
				continue
			}
			qpQuote(b, c)
		case c == ' ' || c == '\t':
			if i+2 >= len(in) {
				return in[i:]
			}
			if in[i+1] == '\r' && in[i+2] == '\n' {
				qpQuote(b, c)
				b.WriteString(marker)
				i += 3
				continue
			}
			b.WriteByte(c)
		case qpPlain(c):
			b.WriteByte(c)
		default:
			qpQuote(b, c)
		}
		i++
	}
	return ""
}

// mime.qp(carry, input [, marker]) -> encoded, carry   (marker replaces CRLF line breaks; default "\r\n")
func mimeQP(L *lua.LState) int {
	// The marker is checked after the carry (and not when it is nil),
	// before the input.
	marker := "\r\n"
	if _, ok := mimeOptString(L, 1, "mime.qp"); ok {
		if m, ok := mimeOptString(L, 3, "mime.qp"); ok {
			marker = m
		}
	}
	return mimeCarryFilter(L, "mime.qp", func(b *strings.Builder, in string) string {
		return qpEncode(b, in, marker)
	}, func(b *strings.Builder, carry string) {
		// The end: what was held back goes out, a soft break after it.
		for i := 0; i < len(carry); i++ {
			if qpPlain(carry[i]) {
				b.WriteByte(carry[i])
			} else {
				qpQuote(b, carry[i])
			}
		}
		if carry != "" {
			b.WriteString("=\r\n")
		}
	})
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// qpDecode decodes in; the carry is an "=" escape or a CR cut short.
func qpDecode(b *strings.Builder, in string) string {
	i := 0
	for i < len(in) {
		c := in[i]
		switch {
		case c == '=':
			if i+2 >= len(in) {
				return in[i:]
			}
			if in[i+1] == '\r' && in[i+2] == '\n' { // a soft line break
				i += 3
				continue
			}
			hi, ok1 := hexValue(in[i+1])
			lo, ok2 := hexValue(in[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
			} else {
				b.WriteString(in[i : i+3])
			}
			i += 3
			continue
		case c == '\r':
			if i+1 >= len(in) {
				return in[i:]
			}
			if in[i+1] == '\n' {
				b.WriteString("\r\n")
			}
			i += 2
			continue
		case c == '\t' || c > 31 && c < 127:
			b.WriteByte(c)
		}
		i++
	}
	return ""
}

// mime.unqp(carry, input) -> decoded, carry
func mimeUnqp(L *lua.LState) int {
	return mimeCarryFilter(L, "mime.unqp", qpDecode, nil)
}

// mime.wrp(left, input [, length]) -> wrapped, left   (breaks lines with CRLF before they pass length; left: room on the current line)
func mimeWrp(L *lua.LState) int {
	return mimeWrap(L, "mime.wrp", "\r\n", func(c byte, left int) bool { return left <= 0 })
}

// mime.qpwrp(left, input [, length]) -> wrapped, left   (soft line breaks "=\r\n", never inside an "=XX")
func mimeQPWrp(L *lua.LState) int {
	return mimeWrap(L, "mime.qpwrp", "=\r\n", func(c byte, left int) bool {
		if c == '=' {
			return left <= 3 // an "=XX" stays on one line
		}
		return left <= 1 // room for the soft break's "="
	})
}

// mimeWrap is the loop of mime.wrp and mime.qpwrp: CR dropped, LF a hard
// break, every other byte written after the line break brk when
// breakBefore says the line has no room left for it. A call without
// input ends a line that is not empty with brk.
func mimeWrap(L *lua.LState, name, brk string, breakBefore func(c byte, left int) bool) int {
	left := int(mimeNumber(L, 1, name, 0, false))
	in, ok := mimeOptString(L, 2, name)
	length := int(mimeNumber(L, 3, name, 76, true))
	if !ok {
		if left < length {
			L.Push(lua.LString(brk))
		} else {
			L.Push(lua.LNil)
		}
		L.Push(lua.LNumber(length))
		return 2
	}
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		switch c := in[i]; c {
		case '\r':
		case '\n':
			b.WriteString("\r\n")
			left = length
		default:
			if breakBefore(c, left) {
				b.WriteString(brk)
				left = length
			}
			b.WriteByte(c)
			left--
		}
	}
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(left))
	return 2
}

// mime.eol(last, input [, marker]) -> normalized, last   (every CR, LF, CRLF or LFCR becomes marker, default "\r\n"; last is the byte that may pair with the next)
func mimeEOL(L *lua.LState) int {
	last := byte(int(mimeNumber(L, 1, "mime.eol", 0, false)))
	in, ok := mimeOptString(L, 2, "mime.eol")
	marker := "\r\n"
	if m, ok := mimeOptString(L, 3, "mime.eol"); ok {
		marker = m
	}
	if !ok {
		L.Push(lua.LNil)
		L.Push(lua.LNumber(0))
		return 2
	}
	var b strings.Builder
	isEOL := func(c byte) bool { return c == '\r' || c == '\n' }
	for i := 0; i < len(in); i++ {
		c := in[i]
		switch {
		case !isEOL(c):
			b.WriteByte(c)
			last = 0
		case isEOL(last):
			// The second of a pair ends nothing; the same twice is a new line.
			if c == last {
				b.WriteString(marker)
			}
			last = 0
		default:
			b.WriteString(marker)
			last = c
		}
	}
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(last))
	return 2
}

// mime.dot(state, input) -> stuffed, state   (a "." at the start of a line is doubled, as SMTP wants; state 2: at a line start)
func mimeDot(L *lua.LState) int {
	state := int(mimeNumber(L, 1, "mime.dot", 0, false))
	in, ok := mimeOptString(L, 2, "mime.dot")
	if !ok {
		L.Push(lua.LNil)
		L.Push(lua.LNumber(2))
		return 2
	}
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		c := in[i]
		b.WriteByte(c)
		switch {
		case c == '\r':
			state = 1
		case c == '\n' && state == 1:
			state = 2
		case c == '.' && state == 2:
			b.WriteByte('.')
			state = 0
		default:
			state = 0
		}
	}
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(state))
	return 2
}
