package lua

import (
	"math"

	"github.com/sockplay/sockplay/lua/parse"
)

// The utf8 library of Lua 5.4 (5.3's, with 5.4's optional lax argument),
// for a Lua 5.1 VM: strings stay bytes, these functions read them as
// UTF-8. Decoding is strict unless lax is true: no surrogates, nothing
// above U+10FFFF, no overlong forms.

const (
	utf8MaxUnicode = 0x10FFFF
	utf8MaxUTF     = 0x7FFFFFFF
	utf8Invalid    = "invalid UTF-8 code"
)

func OpenUtf8(L *LState) int {
	mod := L.RegisterModule(Utf8LibName, utf8Funcs).(*LTable)
	// One character: an ASCII byte or a lead byte, then continuation
	// bytes (Lua 5.4's pattern, lead bytes up to 0xFD).
	mod.RawSetString("charpattern", LString("[\x00-\x7F\xC2-\xFD][\x80-\xBF]*"))
	L.Push(mod)
	return 1
}

var utf8Funcs = map[string]LGFunction{
	"char":      utf8Char,
	"codes":     utf8Codes,
	"codepoint": utf8Codepoint,
	"len":       utf8Len,
	"offset":    utf8Offset,
}

// checkInteger is Lua 5.3's luaL_checkinteger for a VM whose numbers are
// all floats: a number (or numeric string) with an exact integer value.
func checkInteger(L *LState, n int) int64 {
	f := float64(L.CheckNumber(n))
	if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<63 {
		L.ArgError(n, "number has no integer representation")
	}
	return int64(f)
}

func optInteger(L *LState, n int, def int64) int64 {
	if L.Get(n) == LNil {
		return def
	}
	return checkInteger(L, n)
}

// uPosrelat is Lua 5.4's u_posrelat: a negative position counts from
// the end; before the start is 0.
func uPosrelat(pos int64, l int) int64 {
	if pos >= 0 {
		return pos
	}
	if -pos > int64(l) {
		return 0
	}
	return int64(l) + pos + 1
}

func isCont(s string, i int64) bool {
	return i < int64(len(s)) && s[i]&0xC0 == 0x80
}

// utf8Decode decodes the sequence at s[i:] and returns its code point and
// the index after it, or next = -1 when it is not valid UTF-8.
func utf8Decode(s string, i int64, strict bool) (code uint32, next int64) {
	limits := [...]uint32{^uint32(0), 0x80, 0x800, 0x10000, 0x200000, 0x4000000}
	c := uint32(s[i])
	if c < 0x80 {
		code = c
	} else {
		count := int64(0)
		for ; c&0x40 != 0; c <<= 1 {
			count++
			if i+count >= int64(len(s)) || s[i+count]&0xC0 != 0x80 {
				return 0, -1
			}
			code = code<<6 | uint32(s[i+count]&0x3F)
		}
		if count > 5 {
			return 0, -1
		}
		code |= (c & 0x7F) << (count * 5)
		if code > utf8MaxUTF || code < limits[count] {
			return 0, -1
		}
		i += count
	}
	if strict && (code > utf8MaxUnicode || (0xD800 <= code && code <= 0xDFFF)) {
		return 0, -1
	}
	return code, i + 1
}

// utf8.char(...) -> string
func utf8Char(L *LState) int {
	n := L.GetTop()
	buf := make([]byte, 0, n)
	for i := 1; i <= n; i++ {
		code := checkInteger(L, i)
		if code < 0 || code > utf8MaxUTF {
			L.ArgError(i, "value out of range")
		}
		buf = parse.AppendUTF8(buf, uint32(code)) // at most 0x7FFFFFFF
	}
	L.Push(LString(buf))
	return 1
}

// utf8.codes(s [, lax]) -> iterator, s, 0
func utf8Codes(L *LState) int {
	L.CheckString(1)
	strict := !LVAsBool(L.Get(2))
	L.Push(L.NewFunction(func(L *LState) int { return utf8IterAux(L, strict) }))
	L.Push(L.Get(1))
	L.Push(LNumber(0))
	return 3
}

// utf8IterAux returns the next position and code point after the one at
// control (a position from 1; 0 at the start), as Lua 5.4.4's iter_aux.
func utf8IterAux(L *LState, strict bool) int {
	s := L.CheckString(1)
	n := int64(float64(L.ToNumber(2)))
	if n < 0 {
		return 0
	}
	for n < int64(len(s)) && isCont(s, n) {
		n++
	}
	if n >= int64(len(s)) {
		return 0
	}
	code, next := utf8Decode(s, n, strict)
	if next < 0 || isCont(s, next) {
		L.RaiseError("%s", utf8Invalid)
	}
	L.Push(LNumber(n + 1))
	L.Push(LNumber(code))
	return 2
}

// utf8.codepoint(s [, i [, j [, lax]]]) -> code points of s[i..j]
func utf8Codepoint(L *LState) int {
	s := L.CheckString(1)
	posi := uPosrelat(optInteger(L, 2, 1), len(s))
	pose := uPosrelat(optInteger(L, 3, posi), len(s))
	strict := !LVAsBool(L.Get(4))
	if posi < 1 {
		L.ArgError(2, "out of bounds")
	}
	if pose > int64(len(s)) {
		L.ArgError(3, "out of bounds")
	}
	if posi > pose {
		return 0
	}
	if pose-posi >= int64(L.reg.free()) {
		L.RaiseError("string slice too long")
	}
	n := 0
	for i := posi - 1; i < pose; {
		code, next := utf8Decode(s, i, strict)
		if next < 0 {
			L.RaiseError("%s", utf8Invalid)
		}
		L.Push(LNumber(code))
		n++
		i = next
	}
	return n
}

// utf8.len(s [, i [, j [, lax]]]) -> count | nil, position of the first invalid byte
func utf8Len(L *LState) int {
	s := L.CheckString(1)
	posi := uPosrelat(optInteger(L, 2, 1), len(s))
	posj := uPosrelat(optInteger(L, 3, -1), len(s))
	strict := !LVAsBool(L.Get(4))
	posi--
	if !(0 <= posi && posi <= int64(len(s))) {
		L.ArgError(2, "initial position out of bounds")
	}
	posj--
	if posj >= int64(len(s)) {
		L.ArgError(3, "final position out of bounds")
	}
	n := 0
	for posi <= posj {
		_, next := utf8Decode(s, posi, strict)
		if next < 0 {
			L.Push(LNil)
			L.Push(LNumber(posi + 1))
			return 2
		}
		posi = next
		n++
	}
	L.Push(LNumber(n))
	return 1
}

// utf8.offset(s, n [, i]) -> position where the n-th character from i starts | nil
func utf8Offset(L *LState) int {
	s := L.CheckString(1)
	n := checkInteger(L, 2)
	def := int64(1)
	if n < 0 {
		def = int64(len(s)) + 1
	}
	posi := uPosrelat(optInteger(L, 3, def), len(s))
	posi--
	if !(0 <= posi && posi <= int64(len(s))) {
		L.ArgError(3, "position out of bounds")
	}
	if n == 0 {
		// The start of the character that holds byte i.
		for posi > 0 && isCont(s, posi) {
			posi--
		}
	} else {
		if isCont(s, posi) {
			L.RaiseError("initial position is a continuation byte")
		}
		if n < 0 {
			for n < 0 && posi > 0 {
				posi--
				for posi > 0 && isCont(s, posi) {
					posi--
				}
				n++
			}
		} else {
			n--
			for n > 0 && posi < int64(len(s)) {
				posi++
				for isCont(s, posi) {
					posi++
				}
				n--
			}
		}
	}
	if n == 0 {
		L.Push(LNumber(posi + 1))
	} else {
		L.Push(LNil)
	}
	return 1
}
