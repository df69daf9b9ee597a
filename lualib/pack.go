package lualib

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// string.pack, string.unpack and string.packsize: Lua 5.1, which gopher-lua
// implements, has none, and scripts that speak binary protocols (NTP,
// length-prefixed frames) need them. This file ports Lua 5.3's lstrlib.c
// onto gopher-lua's value model, including the bounds checks later
// releases added when unpacking "z" ("unfinished string for format 'z'")
// and "s" (overflow-safe length test).
//
// The one thing that cannot be ported exactly is the integer subtype: every
// gopher-lua number is a float64 (lua.LNumber). The format engine below still
// works on int64 like Lua 5.3's lua_Integer, so packing is exact for every
// value a script can actually hold, and the range/overflow checks match 5.3.
// What is lost is on the way back: an 8-byte (or wider) integer field whose
// magnitude exceeds 2^53 unpacks to the nearest float64, so unpacking
// "\255\255\255\255\255\255\255\127" with "<j" yields 2^63 rather than
// 9223372036854775807, and two such fields that differ only in their low
// bits can compare equal. (A script cannot hold 2^53+1 in the first place,
// so pack itself never rounds.) Scripts that need exact 64-bit fields should
// read them as two I4 halves.

// Native sizes of the C types Lua 5.3 uses, as on amd64 (LP64). They are
// fixed rather than derived from the Go build so that a format string means
// the same bytes on every platform the tool runs on.
const (
	packSizeofShort   = 2
	packSizeofInt     = 4
	packSizeofLong    = 8
	packSizeofSizeT   = 8
	packSizeofFloat   = 4
	packSizeofDouble  = 8
	packSizeofInteger = 8 // lua_Integer: the int64 the engine computes with
	packSizeofNumber  = 8 // lua_Number: float64, same as lua.LNumber

	// packMaxIntSize is MAXINTSIZE: the widest i[n]/I[n]/s[n]/![n] allowed.
	packMaxIntSize = 16
	// packMaxAlign is MAXALIGN, offsetof(struct {char; union{double,...}}),
	// which is 8 on amd64; "!" without a number uses it.
	packMaxAlign = 8
	// packMaxSize is MAXSIZE: 5.3 keeps sizes within a C int on 64-bit
	// hosts, and both the numeral reader and packsize's overflow check
	// depend on this exact bound.
	packMaxSize = math.MaxInt32
)

// packNativeLittle decides what "=" and the initial endianness mean.
// Computing it keeps "=" honest on a big-endian host instead of assuming
// amd64.
var packNativeLittle = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// --- format parsing (getoption/getdetails of lstrlib.c) ---------------------

type packKind int

const (
	pkInt       packKind = iota // signed integers
	pkUint                      // unsigned integers
	pkFloat                     // f, d, n
	pkChar                      // fixed-length c[n]
	pkString                    // length-prefixed s[n]
	pkZstr                      // zero-terminated z
	pkPadding                   // x
	pkPaddAlign                 // X
	pkNop                       // endianness, alignment, spaces
)

// packHeader is the parser state that options like "<" and "!" mutate for
// the rest of the format string.
type packHeader struct {
	L        *lua.LState
	fname    string // "string.pack", "string.unpack", "string.packsize"
	fmt      string
	pos      int
	little   bool
	maxAlign int
}

func newPackHeader(L *lua.LState, fname, fmt string) *packHeader {
	// C Lua reads the format as a C string, so an embedded NUL ends it;
	// matching that keeps formats that work in reference Lua meaning the
	// same thing here.
	if i := strings.IndexByte(fmt, 0); i >= 0 {
		fmt = fmt[:i]
	}
	return &packHeader{L: L, fname: fname, fmt: fmt, little: packNativeLittle, maxAlign: 1}
}

// argError raises an error about argument n (the format is 1) naming the
// function as the caller called it ('pack'), or by its full name when the
// call has none (through pcall). Lua 5.3 words format errors without a
// name ("invalid format option 'y'"); a learner then cannot tell which
// call of a line failed.
func (h *packHeader) argError(n int, msg string) {
	name := strCalledName(h.L)
	if name == "?" {
		name = h.fname
	}
	ArgError(h.L, n, name, msg)
}

// packOptionText is a format option's byte for a message: itself if
// printable, else its decimal escape as Lua writes it ('\255').
func packOptionText(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("\\%d", c)
	}
	return string(rune(c))
}

func (h *packHeader) more() bool { return h.pos < len(h.fmt) }

func packIsDigit(c byte) bool { return '0' <= c && c <= '9' }

// getnum stops accumulating digits near packMaxSize rather than failing, as
// 5.3 does; the leftover digits then parse as (invalid) options, which is
// what makes "c2147483647" an "invalid format option '7'" error there.
func (h *packHeader) getnum(df int) int {
	if !h.more() || !packIsDigit(h.fmt[h.pos]) {
		return df
	}
	a := 0
	for {
		a = a*10 + int(h.fmt[h.pos]-'0')
		h.pos++
		if !h.more() || !packIsDigit(h.fmt[h.pos]) || a > (packMaxSize-9)/10 {
			return a
		}
	}
}

func (h *packHeader) getnumlimit(df int) int {
	sz := h.getnum(df)
	if sz > packMaxIntSize || sz <= 0 {
		h.argError(1, fmt.Sprintf("integral size (%d) out of limits [1,%d]", sz, packMaxIntSize))
	}
	return sz
}

func (h *packHeader) getoption() (packKind, int) {
	opt := h.fmt[h.pos]
	h.pos++
	switch opt {
	case 'b':
		return pkInt, 1
	case 'B':
		return pkUint, 1
	case 'h':
		return pkInt, packSizeofShort
	case 'H':
		return pkUint, packSizeofShort
	case 'l':
		return pkInt, packSizeofLong
	case 'L':
		return pkUint, packSizeofLong
	case 'j':
		return pkInt, packSizeofInteger
	case 'J':
		return pkUint, packSizeofInteger
	case 'T':
		return pkUint, packSizeofSizeT
	case 'f':
		return pkFloat, packSizeofFloat
	case 'd':
		return pkFloat, packSizeofDouble
	case 'n':
		return pkFloat, packSizeofNumber
	case 'i':
		return pkInt, h.getnumlimit(packSizeofInt)
	case 'I':
		return pkUint, h.getnumlimit(packSizeofInt)
	case 's':
		return pkString, h.getnumlimit(packSizeofSizeT)
	case 'c':
		size := h.getnum(-1)
		if size == -1 {
			h.argError(1, "missing size for format option 'c'")
		}
		return pkChar, size
	case 'z':
		return pkZstr, 0
	case 'x':
		return pkPadding, 1
	case 'X':
		return pkPaddAlign, 0
	case ' ':
	case '<':
		h.little = true
	case '>':
		h.little = false
	case '=':
		h.little = packNativeLittle
	case '!':
		h.maxAlign = h.getnumlimit(packMaxAlign)
	default:
		h.argError(1, "invalid format option '"+packOptionText(opt)+"'")
	}
	return pkNop, 0
}

// details reads the next option and how many padding bytes must precede it
// when the output (or input) is at offset total.
func (h *packHeader) details(total int) (kind packKind, size, ntoalign int) {
	kind, size = h.getoption()
	align := size
	if kind == pkPaddAlign {
		// X takes its alignment from the next option, which is consumed
		// without being packed.
		if !h.more() {
			h.argError(1, "invalid next option for option 'X'")
		}
		var next packKind
		next, align = h.getoption()
		if next == pkChar || align == 0 {
			h.argError(1, "invalid next option for option 'X'")
		}
	}
	if align <= 1 || kind == pkChar {
		return kind, size, 0
	}
	if align > h.maxAlign {
		align = h.maxAlign
	}
	if align&(align-1) != 0 {
		h.argError(1, "format asks for alignment not power of 2")
	}
	return kind, size, (align - total&(align-1)) & (align - 1)
}

// --- pack / packsize / unpack ------------------------------------------------

// packAppendInt is packint: the low 8 bytes come from n and any wider field
// is sign-filled, since lua_Integer has nothing above bit 63.
func packAppendInt(buf []byte, n uint64, little bool, size int, neg bool) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, size)...)
	field := buf[start:]
	for i := 0; i < size; i++ {
		var b byte
		switch {
		case i < 8:
			b = byte(n >> (8 * i))
		case neg:
			b = 0xff
		}
		if little {
			field[i] = b
		} else {
			field[size-1-i] = b
		}
	}
	return buf
}

// packToFloat32 is C's (float) cast with IEEE round-to-nearest made
// explicit: Go leaves out-of-range float64->float32 conversions
// implementation-defined, and pack must produce ±Inf for them everywhere.
func packToFloat32(f float64) float32 {
	const overflow = 1<<128 - 1<<103 // halfway between MaxFloat32 and 2^128
	switch {
	case f >= overflow:
		return float32(math.Inf(1))
	case f <= -overflow:
		return float32(math.Inf(-1))
	}
	return float32(f)
}

// string.pack(fmt, v1, v2, ...) -> binary string
// Integer options take the int64 a 5.3 lua_Integer would hold; see the file
// comment for what float64 numbers mean for 8-byte fields.
func strPack(L *lua.LState) int {
	h := newPackHeader(L, "string.pack", strCheckString(L, 1))
	// lstrlib pushes a nil marker before its buffer, so the first missing
	// value is reported as "got nil" rather than "got no value"; pushing the
	// same marker reproduces that message.
	L.Push(lua.LNil)
	var buf []byte
	arg := 1
	total := 0
	for h.more() {
		kind, size, ntoalign := h.details(total)
		total += ntoalign + size
		// Within the VM's string limit before anything is allocated:
		// "c2000000000" alone would ask for 2 GB of padding.
		L.CheckStringSize("string.pack", float64(total))
		buf = append(buf, make([]byte, ntoalign)...)
		arg++
		switch kind {
		case pkInt:
			n := strCheckInteger(L, arg)
			if size < packSizeofInteger {
				lim := int64(1) << (size*8 - 1)
				if n < -lim || n >= lim {
					h.argError(arg, "integer overflow")
				}
			}
			buf = packAppendInt(buf, uint64(n), h.little, size, n < 0)
		case pkUint:
			n := strCheckInteger(L, arg)
			// Negative values wrap to huge unsigned ones, so they fail
			// here exactly as in 5.3; 8-byte and wider fields take any
			// int64 as its two's-complement bit pattern.
			if size < packSizeofInteger && uint64(n) >= uint64(1)<<(size*8) {
				h.argError(arg, "unsigned overflow")
			}
			buf = packAppendInt(buf, uint64(n), h.little, size, false)
		case pkFloat:
			f := strCheckNumber(L, arg)
			if size == packSizeofFloat {
				buf = packAppendInt(buf, uint64(math.Float32bits(packToFloat32(f))), h.little, size, false)
			} else {
				buf = packAppendInt(buf, math.Float64bits(f), h.little, size, false)
			}
		case pkChar:
			s := strCheckString(L, arg)
			if len(s) > size {
				h.argError(arg, "string longer than given size")
			}
			buf = append(buf, s...)
			buf = append(buf, make([]byte, size-len(s))...)
		case pkString:
			s := strCheckString(L, arg)
			if size < packSizeofSizeT && uint64(len(s)) >= uint64(1)<<(size*8) {
				h.argError(arg, "string length does not fit in given size")
			}
			total += len(s)
			L.CheckStringSize("string.pack", float64(total))
			buf = packAppendInt(buf, uint64(len(s)), h.little, size, false)
			buf = append(buf, s...)
		case pkZstr:
			s := strCheckString(L, arg)
			if strings.IndexByte(s, 0) >= 0 {
				h.argError(arg, "string contains zeros")
			}
			total += len(s) + 1
			L.CheckStringSize("string.pack", float64(total))
			buf = append(buf, s...)
			buf = append(buf, 0)
		case pkPadding:
			buf = append(buf, 0)
			arg-- // consumes no value
		case pkPaddAlign, pkNop:
			arg--
		}
	}
	L.Push(lua.LString(buf))
	return 1
}

// string.packsize(fmt) -> integer
// Lets scripts size fixed records before reading them off a socket.
func strPacksize(L *lua.LState) int {
	h := newPackHeader(L, "string.packsize", strCheckString(L, 1))
	total := 0
	for h.more() {
		kind, size, ntoalign := h.details(total)
		size += ntoalign
		if total > packMaxSize-size {
			h.argError(1, "format result too large")
		}
		total += size
		if kind == pkString || kind == pkZstr {
			h.argError(1, "variable-length format")
		}
	}
	L.Push(lua.LNumber(total))
	return 1
}

// packReadRaw assembles the low 8 bytes of a size-byte field; wider fields
// are validated separately by packUnpackInt.
func packReadRaw(field string, little bool, size int) uint64 {
	var res uint64
	for i := min(size, 8) - 1; i >= 0; i-- {
		res <<= 8
		if little {
			res |= uint64(field[i])
		} else {
			res |= uint64(field[size-1-i])
		}
	}
	return res
}

// packUnpackInt is lstrlib's unpackint: sign-extend narrow fields, and for
// fields wider than 8 bytes insist the extra bytes are pure sign extension,
// because anything else would not fit a lua_Integer.
func packUnpackInt(h *packHeader, field string, little bool, size int, signed bool) int64 {
	res := packReadRaw(field, little, size)
	switch {
	case size < packSizeofInteger:
		if signed {
			mask := uint64(1) << (size*8 - 1)
			res = (res ^ mask) - mask
		}
	case size > packSizeofInteger:
		var fill byte
		if signed && int64(res) < 0 {
			fill = 0xff
		}
		for i := packSizeofInteger; i < size; i++ {
			idx := size - 1 - i
			if little {
				idx = i
			}
			if field[idx] != fill {
				h.argError(2, fmt.Sprintf("%d-byte integer does not fit into Lua Integer", size))
			}
		}
	}
	return int64(res)
}

// packPosrelat maps a negative start position onto the string like 5.3; a
// position before the start becomes 0, which the caller rejects.
func packPosrelat(pos int64, length int) int64 {
	switch {
	case pos >= 0:
		return pos
	case uint64(0)-uint64(pos) > uint64(length):
		return 0
	}
	return int64(length) + pos + 1
}

// string.unpack(fmt, s [, pos]) -> v1, v2, ..., next position
// Integer fields beyond 2^53 come back as the nearest float64 (file comment).
func strUnpack(L *lua.LState) int {
	h := newPackHeader(L, "string.unpack", strCheckString(L, 1))
	data := strCheckString(L, 2)
	ld := len(data)
	// Unsigned arithmetic so that position 0 (and anything folded to it)
	// wraps past the end and is rejected, as size_t does in C.
	upos := uint64(packPosrelat(strOptInteger(L, 3, 1), ld)) - 1
	if upos > uint64(ld) {
		h.argError(3, "initial position out of string")
	}
	pos := int(upos)
	n := 0
	for h.more() {
		kind, size, ntoalign := h.details(pos)
		if ntoalign+size > ld-pos {
			h.argError(2, "data string too short")
		}
		pos += ntoalign
		n++
		switch kind {
		case pkInt, pkUint:
			v := packUnpackInt(h, data[pos:pos+size], h.little, size, kind == pkInt)
			L.Push(lua.LNumber(v)) // nearest float64 beyond 2^53
		case pkFloat:
			raw := packReadRaw(data[pos:pos+size], h.little, size)
			if size == packSizeofFloat {
				L.Push(lua.LNumber(math.Float32frombits(uint32(raw))))
			} else {
				L.Push(lua.LNumber(math.Float64frombits(raw)))
			}
		case pkChar:
			L.Push(lua.LString(data[pos : pos+size]))
		case pkString:
			length := uint64(packUnpackInt(h, data[pos:pos+size], h.little, size, false))
			if length > uint64(ld-pos-size) {
				h.argError(2, "data string too short")
			}
			start := pos + size
			L.Push(lua.LString(data[start : start+int(length)]))
			pos += int(length)
		case pkZstr:
			length := strings.IndexByte(data[pos:], 0)
			if length < 0 {
				h.argError(2, "unfinished string for format 'z'")
			}
			L.Push(lua.LString(data[pos : pos+length]))
			pos += length + 1
		case pkPadding, pkPaddAlign, pkNop:
			n--
		}
		pos += size
	}
	L.Push(lua.LNumber(pos + 1))
	return n + 1
}
