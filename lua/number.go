package lua

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Numbers become text and text becomes numbers as in C Lua 5.1, whose
// conversions are C's: LUA_NUMBER_FMT "%.14g" one way, strtod (and
// strtoul for bases) the other.

// formatNumber is tostring(n): "%.14g" with C's words for the special
// values (glibc prints a NaN with its sign bit set as "-nan", and 0/0
// has it set on amd64).
func formatNumber(n LNumber) string {
	f := float64(n)
	// Integers of up to 14 digits print the same under %.14g.
	if f == math.Trunc(f) && f > -1e14 && f < 1e14 && (f != 0 || !math.Signbit(f)) {
		return strconv.FormatInt(int64(f), 10)
	}
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

var errNotANumber = errors.New("not a number")

// isCSpace is C's isspace in the "C" locale.
func isCSpace(c byte) bool {
	return c == ' ' || ('\t' <= c && c <= '\r')
}

func trimCSpace(s string) string {
	i, j := 0, len(s)
	for i < j && isCSpace(s[i]) {
		i++
	}
	for j > i && isCSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// parseNumber converts s as Lua 5.1's luaO_str2d: strtod (decimal, hex
// "0x1F" and "0x1.8p3", "inf", "nan"), surrounded by spaces at most.
// Go's parsers would also take "1_000", "0b101" and "0o17", which Lua
// does not.
func parseNumber(s string) (LNumber, error) {
	s = trimCSpace(s)
	body := s
	neg := false
	if body != "" && (body[0] == '+' || body[0] == '-') {
		neg = body[0] == '-'
		body = body[1:]
	}
	if body == "" || strings.IndexByte(body, '_') >= 0 {
		return 0, errNotANumber
	}
	if len(body) > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') {
		v, ok := parseHexFloat(body[2:])
		if !ok {
			return 0, errNotANumber
		}
		if neg {
			v = -v
		}
		return LNumber(v), nil
	}
	switch c := body[0]; {
	case '0' <= c && c <= '9', c == '.':
		for i := 0; i < len(body); i++ {
			c := body[i]
			if !('0' <= c && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
				return 0, errNotANumber
			}
		}
	case c == 'i' || c == 'I' || c == 'n' || c == 'N':
		switch strings.ToLower(body) {
		case "inf", "infinity", "nan":
		default:
			return 0, errNotANumber
		}
	default:
		return 0, errNotANumber
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		// strtod gives HUGE_VAL (or 0) out of range, and Lua takes it.
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, errNotANumber
		}
	}
	return LNumber(v), nil
}

// parseHexFloat reads the digits after "0x" as glibc's strtod: hex
// digits, an optional fraction, an optional binary exponent "p±d".
func parseHexFloat(s string) (float64, bool) {
	mant, exp := s, "0"
	if i := strings.IndexAny(s, "pP"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
		if exp == "" {
			return 0, false
		}
	}
	digits := 0
	for i := 0; i < len(mant); i++ {
		c := mant[i]
		switch {
		case c == '.':
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
			digits++
		default:
			return 0, false
		}
	}
	if digits == 0 || strings.Count(mant, ".") > 1 {
		return 0, false
	}
	v, err := strconv.ParseFloat("0x"+mant+"p"+exp, 64)
	if err != nil {
		var ne *strconv.NumError
		if !errors.As(err, &ne) || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return v, true
}

// parseInBase is tonumber(s, base) for a base other than 10: C's strtoul,
// spaces around, an optional sign, "0x" allowed in base 16. A minus sign
// negates, as Lua 5.2 and later do (5.1's strtoul wrapped it around 2^64).
func parseInBase(s string, base int) (LNumber, bool) {
	s = trimCSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if base == 16 && len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		s = s[2:]
	}
	if s == "" {
		return 0, false
	}
	var n float64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case 'a' <= c && c <= 'z':
			d = int(c-'a') + 10
		case 'A' <= c && c <= 'Z':
			d = int(c-'A') + 10
		default:
			return 0, false
		}
		if d >= base {
			return 0, false
		}
		n = n*float64(base) + float64(d)
	}
	if neg {
		n = -n
	}
	return LNumber(n), true
}

// tonumber(e [, base]) -> number or nil
func baseToNumber(L *LState) int {
	base := L.OptInt(2, 10)
	if base == 10 {
		switch lv := L.CheckAny(1).(type) {
		case LNumber:
			L.Push(lv)
		case LString:
			if n, err := parseNumber(string(lv)); err == nil {
				L.Push(n)
			} else {
				L.Push(LNil)
			}
		default:
			L.Push(LNil)
		}
		return 1
	}
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	if n, ok := parseInBase(L.CheckString(1), base); ok {
		L.Push(n)
	} else {
		L.Push(LNil)
	}
	return 1
}
