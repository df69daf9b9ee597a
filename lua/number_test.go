package lua

import (
	"math"
	"testing"
)

// Numbers print as C Lua prints them, "%.14g" (checked against lua5.1
// and lua5.4, which agree on floats).
func TestFormatNumber(t *testing.T) {
	negZero := math.Copysign(0, -1)
	negNaN := math.Copysign(math.NaN(), -1)
	for _, c := range []struct {
		n    float64
		want string
	}{
		{0, "0"}, {negZero, "-0"}, {1, "1"}, {-100, "-100"}, {0.1, "0.1"}, {1.0 / 3, "0.33333333333333"},
		{1e14, "1e+14"}, {99999999999999, "99999999999999"}, {123456789012345, "1.2345678901234e+14"},
		{1e15, "1e+15"}, {1 << 53, "9.007199254741e+15"}, {1 << 63, "9.2233720368548e+18"},
		{1e100, "1e+100"}, {1e-5, "1e-05"}, {123.456, "123.456"}, {0.1 + 0.2, "0.3"},
		{math.Inf(1), "inf"}, {math.Inf(-1), "-inf"}, {negNaN, "-nan"}, {math.Abs(negNaN), "nan"},
	} {
		if got := formatNumber(LNumber(c.n)); got != c.want {
			t.Errorf("%v: %q, want %q", c.n, got, c.want)
		}
	}
}

// Text becomes a number as C's strtod reads it (Lua 5.1's luaO_str2d).
func TestParseNumber(t *testing.T) {
	for _, c := range []struct {
		s    string
		want float64
		ok   bool
	}{
		{"10", 10, true}, {" 10 ", 10, true}, {"\t\n12\v\f\r", 12, true}, {"0x10", 16, true}, {"0X1F", 31, true},
		{"-0x10", -16, true}, {"0x1p4", 16, true}, {"0x1.8", 1.5, true}, {"1e2", 100, true}, {"1E+2", 100, true},
		{".5", 0.5, true}, {"5.", 5, true}, {"+12", 12, true}, {"08", 8, true}, {"1e400", math.Inf(1), true},
		{"inf", math.Inf(1), true}, {"-Infinity", math.Inf(-1), true},
		{"1_000", 0, false}, {"0b101", 0, false}, {"0o17", 0, false}, {"- 1", 0, false}, {"1 2", 0, false},
		{"", 0, false}, {" ", 0, false}, {"0x", 0, false}, {"1e", 0, false}, {"abc", 0, false}, {"12abc", 0, false},
		{"--1", 0, false}, {"0x-1", 0, false}, {"1.2.3", 0, false}, {"0x1p", 0, false}, {"0x.", 0, false},
	} {
		n, err := parseNumber(c.s)
		if (err == nil) != c.ok || (c.ok && float64(n) != c.want) {
			t.Errorf("%q: %v, %v; want %v, %v", c.s, n, err, c.want, c.ok)
		}
	}
	if n, err := parseNumber("nan"); err != nil || !math.IsNaN(float64(n)) {
		t.Errorf("nan: %v %v", n, err)
	}
}

func TestToNumberAndFormat(t *testing.T) {
	expectOutput(t, []struct{ name, src, want string }{
		{"tonumber", `print(tonumber("1e2"), tonumber("0x10"), tonumber("1_000"), tonumber("ff", 16), tonumber("-ff", 16), tonumber("0x10", 16), tonumber("z", 36), tonumber("12", 2))`,
			"100\t16\tnil\t255\t-255\t16\t35\tnil"},
		{"coercion", `print("10" + 1, "0x10" + 0, " 5 " * 2, pcall(function() return "1_0" + 1 end) == false)`, "11\t16\t10\ttrue"},
		{"format", `print(string.format("%5.2f|%g|%g|%g|%e|%x|%X|%o|%05d|%+d|%.3d", 3.14159, 1e15, 2^53, 0.1, 12345.678, 255, 255, 8, 42, 42, 7))`,
			" 3.14|1e+15|9.0072e+15|0.1|1.234568e+04|ff|FF|10|00042|+42|007"},
		{"format special", `print(string.format("%f|%5.1f|%e|%G|%d|%x", 1/0, -1/0, 0/0, 1/0, 2^63, -1))`,
			"inf| -inf|-nan|INF|-9223372036854775808|ffffffffffffffff"},
		{"format strings", `print(string.format("%s|%10s|%-10s|%.2s|%q|%c", 1.5, "abc", "abc", "abc", "a\nb\0", 65))`,
			"1.5|       abc|abc       |ab|\"a\\\nb\\000\"|A"},
		{"format errors", `for _, f in ipairs{"%y", "%123d", "%------d", "%1.100f"} do print(select(2, pcall(string.format, f, 1))) end`,
			"invalid option '%y' to 'format'\ninvalid format (width or precision too long)\ninvalid format (repeated flags)\ninvalid format (width or precision too long)"},
		{"math", `print(math.huge, -math.huge, math.mod(-5, 3), 5 % -3, -5 % 3, 5.5 % 2, math.max(1, 5, 3), math.min(2, -1))`,
			"inf\t-inf\t-2\t-1\t1\t1.5\t5\t-1"},
		{"random", argReason + `print(reason(select(2, pcall(math.random, 0))), reason(select(2, pcall(math.random, 3, 1)))) for i = 1, 100 do local r = math.random(2, 4) assert(r >= 2 and r <= 4 and r % 1 == 0) end`,
			"bad argument #1 (interval is empty)\tbad argument #2 (interval is empty)"},
	})
}
