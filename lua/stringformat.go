package lua

import (
	"math"
	"strconv"
	"strings"
)

// string.format(fmt, ...) -> string
//
// Lua 5.1's str_format, with C's printf semantics written out: gopher-lua
// handed the format to Go's fmt, which pads to any width (a script could
// ask for a gigabyte of spaces), prints "+Inf", "%!d(MISSING)" and
// "%!y(int64=1)" instead of raising, and gives %g Go's shortest form
// instead of six significant digits.
func strFormat(L *LState) int {
	f := L.CheckString(1)
	top := L.GetTop()
	arg := 1
	b := L.cappedBuilder("string.format")
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' {
			if b.Len() >= b.max {
				b.add(string(c))
			}
			b.WriteByte(c)
			continue
		}
		i++
		if i < len(f) && f[i] == '%' {
			b.WriteByte('%')
			continue
		}
		arg++
		if arg > top {
			L.ArgError(arg, "no value")
		}
		spec, next := scanFormat(L, f, i)
		i = next
		var conv byte
		if i < len(f) {
			conv = f[i]
		}
		switch conv {
		case 'c':
			b.add(spec.pad(string([]byte{byte(cInt64(float64(L.CheckNumber(arg))))}), false))
		case 'd', 'i':
			n := cInt64(float64(L.CheckNumber(arg)))
			neg := n < 0
			u := uint64(n)
			if neg {
				u = -u
			}
			b.add(spec.integer(u, neg, 10, false))
		case 'o':
			b.add(spec.integer(cUint64(float64(L.CheckNumber(arg))), false, 8, false))
		case 'u':
			b.add(spec.integer(cUint64(float64(L.CheckNumber(arg))), false, 10, false))
		case 'x':
			b.add(spec.integer(cUint64(float64(L.CheckNumber(arg))), false, 16, false))
		case 'X':
			b.add(spec.integer(cUint64(float64(L.CheckNumber(arg))), false, 16, true))
		case 'e', 'E', 'f', 'g', 'G':
			b.add(spec.float(float64(L.CheckNumber(arg)), conv))
		case 'q':
			b.add(quoteString(L.CheckString(arg)))
		case 's':
			s := L.CheckString(arg)
			if !spec.precSet && len(s) >= 100 {
				// Lua 5.1 keeps a long string whole (its sprintf buffer
				// is small), width or not.
				b.add(s)
				continue
			}
			if spec.precSet && spec.prec < len(s) {
				s = s[:spec.prec]
			}
			b.add(spec.pad(s, false))
		default:
			L.RaiseError("invalid option '%%%s' to 'format'", string(conv))
		}
	}
	L.Push(LString(b.String()))
	return 1
}

// formatSpec is one "%..." item: flags, width and precision as C's
// printf reads them.
type formatSpec struct {
	minus, plus, space, alt, zero bool
	width, prec                   int
	precSet                       bool
}

// scanFormat reads the flags, width and precision that start at f[i],
// as Lua 5.1's scanformat: five flags at most, two digits at most for
// each number. It returns where the conversion letter is.
func scanFormat(L *LState, f string, i int) (formatSpec, int) {
	var spec formatSpec
	start := i
	for i < len(f) && strings.IndexByte("-+ #0", f[i]) >= 0 {
		switch f[i] {
		case '-':
			spec.minus = true
		case '+':
			spec.plus = true
		case ' ':
			spec.space = true
		case '#':
			spec.alt = true
		case '0':
			spec.zero = true
		}
		i++
	}
	if i-start >= len("-+ #0")+1 {
		L.RaiseError("invalid format (repeated flags)")
	}
	digits := func() (int, bool) {
		n, any := 0, false
		for k := 0; k < 2 && i < len(f) && isDigit(f[i]); k++ {
			n = n*10 + int(f[i]-'0')
			i++
			any = true
		}
		return n, any
	}
	spec.width, _ = digits()
	if i < len(f) && f[i] == '.' {
		i++
		spec.prec, _ = digits()
		spec.precSet = true
	}
	if i < len(f) && isDigit(f[i]) {
		L.RaiseError("invalid format (width or precision too long)")
	}
	return spec, i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// pad fills s to the width: spaces on the left, or the right with '-';
// zeros after the sign when zeros is set.
func (spec formatSpec) pad(s string, zeros bool) string {
	n := spec.width - len(s)
	if n <= 0 {
		return s
	}
	switch {
	case spec.minus:
		return s + strings.Repeat(" ", n)
	case zeros:
		sign := 0
		if s != "" && (s[0] == '-' || s[0] == '+' || s[0] == ' ') {
			sign = 1
		}
		if len(s) > sign+1 && s[sign] == '0' && (s[sign+1] == 'x' || s[sign+1] == 'X') {
			sign += 2
		}
		return s[:sign] + strings.Repeat("0", n) + s[sign:]
	default:
		return strings.Repeat(" ", n) + s
	}
}

// integer formats u (negated when neg) in base as C's %d, %o, %u, %x.
func (spec formatSpec) integer(u uint64, neg bool, base int, upper bool) string {
	digits := strconv.FormatUint(u, base)
	if upper {
		digits = strings.ToUpper(digits)
	}
	if spec.precSet && spec.prec == 0 && u == 0 {
		digits = ""
	}
	if len(digits) < spec.prec {
		digits = strings.Repeat("0", spec.prec-len(digits)) + digits
	}
	prefix := ""
	switch {
	case base == 8 && spec.alt && (digits == "" || digits[0] != '0'):
		digits = "0" + digits
	case base == 16 && spec.alt && u != 0:
		prefix = "0x"
		if upper {
			prefix = "0X"
		}
	case base == 10 && neg:
		prefix = "-"
	case base == 10 && spec.plus:
		prefix = "+"
	case base == 10 && spec.space:
		prefix = " "
	}
	return spec.pad(prefix+digits, spec.zero && !spec.precSet)
}

// float formats v as C's %e, %f, %g (and %E, %G).
func (spec formatSpec) float(v float64, conv byte) string {
	upper := conv == 'E' || conv == 'G'
	sign := ""
	switch {
	case math.Signbit(v):
		sign = "-"
	case spec.plus:
		sign = "+"
	case spec.space:
		sign = " "
	}
	a := math.Abs(v)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		body := "inf"
		if math.IsNaN(v) {
			body = "nan"
		}
		if upper {
			body = strings.ToUpper(body)
		}
		return spec.pad(sign+body, false)
	}
	prec := 6
	if spec.precSet {
		prec = spec.prec
	}
	var body string
	switch conv {
	case 'f':
		body = strconv.FormatFloat(a, 'f', prec, 64)
		if spec.alt && prec == 0 {
			body += "."
		}
	case 'e', 'E':
		body = strconv.FormatFloat(a, 'e', prec, 64)
		if spec.alt && prec == 0 {
			body = body[:1] + "." + body[1:]
		}
	case 'g', 'G':
		if prec == 0 {
			prec = 1
		}
		if !spec.alt {
			body = strconv.FormatFloat(a, 'g', prec, 64)
			break
		}
		// '#': C keeps the trailing zeros and the point.
		e := strconv.FormatFloat(a, 'e', prec-1, 64)
		x, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
		if x >= -4 && x < prec {
			body = strconv.FormatFloat(a, 'f', prec-1-x, 64)
			if !strings.Contains(body, ".") {
				body += "."
			}
		} else {
			body = e
			if !strings.Contains(body, ".") {
				body = body[:1] + "." + body[1:]
			}
		}
	}
	if upper {
		body = strings.ToUpper(body)
	}
	return spec.pad(sign+body, spec.zero)
}

// optRange reads the range of tb that arguments n and n+1 give, as Lua
// 5.1's unpack and table.concat do: 1 and #tb when nil, numbers cut to
// integers as C's cast does.
func optRange(L *LState, tb *LTable, n int) (first, last int64) {
	first, last = 1, int64(tb.Len())
	if L.Get(n) != LNil {
		first = cInt64(float64(L.CheckNumber(n)))
	}
	if L.Get(n+1) != LNil {
		last = cInt64(float64(L.CheckNumber(n + 1)))
	}
	return first, last
}

// cInt64 converts as C's (long long) cast on amd64, where Lua 5.1's
// reference results come from: toward zero, and the "integer
// indefinite" value for NaN and what does not fit.
func cInt64(f float64) int64 {
	if math.IsNaN(f) || f >= 1<<63 || f < -(1<<63) {
		return math.MinInt64
	}
	return int64(f)
}

// cUint64 converts as C's (unsigned long long) cast compiled for amd64:
// values from 2^63 up are shifted into int64's range first.
func cUint64(f float64) uint64 {
	if f >= 1<<63 {
		return uint64(cInt64(f-(1<<63))) ^ (1 << 63)
	}
	return uint64(cInt64(f))
}

// quoteString is %q: a double-quoted string that Lua reads back as the
// same bytes (Lua 5.1's addquoted).
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '\n':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			b.WriteString(`\r`)
		case 0:
			b.WriteString(`\000`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
