package lualib

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	lua "github.com/sockplay/sockplay/lua"
)

// Expected byte strings below were derived from the Lua 5.3 manual (§6.4.2)
// and cross-checked against the reference interpreter (lua5.4, whose
// string.pack agrees with 5.3 except where a case says otherwise). Lua
// snippets use decimal escapes because gopher-lua, being 5.1, has no "\xNN".

func newStringsState(t testing.TB) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	OpenStrings(L)
	return L
}

// strRun executes code and returns everything it returned.
func strRun(L *lua.LState, code string) ([]lua.LValue, error) {
	top := L.GetTop()
	if err := L.DoString(code); err != nil {
		return nil, err
	}
	res := make([]lua.LValue, L.GetTop()-top)
	for i := range res {
		res[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return res, nil
}

type (
	pkStr = lua.LString
	pkNum = lua.LNumber
)

func strShow(vals []lua.LValue) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		if s, ok := v.(lua.LString); ok {
			parts[i] = fmt.Sprintf("%q", string(s))
		} else {
			parts[i] = fmt.Sprintf("%s(%s)", v.Type(), v)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func strSame(got, want []lua.LValue) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

type strValueCase struct {
	name string
	code string
	want []lua.LValue
}

type strErrorCase struct {
	name string
	code string
	want string // the message after the "<string>:1: " position prefix
}

func (tc strValueCase) caseName() string { return tc.name }
func (tc strErrorCase) caseName() string { return tc.name }

// strRunCases runs check on each case, as a subtest, in one state.
func strRunCases[C interface{ caseName() string }](t *testing.T, cases []C, check func(t *testing.T, L *lua.LState, tc C)) {
	t.Helper()
	L := newStringsState(t)
	for _, tc := range cases {
		t.Run(tc.caseName(), func(t *testing.T) { check(t, L, tc) })
	}
}

func strRunValueCases(t *testing.T, cases []strValueCase) {
	t.Helper()
	strRunCases(t, cases, func(t *testing.T, L *lua.LState, tc strValueCase) {
		got, err := strRun(L, tc.code)
		if err != nil {
			t.Fatalf("%s\nunexpected error: %v", tc.code, err)
		}
		if !strSame(got, tc.want) {
			t.Errorf("%s\n got %s\nwant %s", tc.code, strShow(got), strShow(tc.want))
		}
	})
}

func strRunErrorCases(t *testing.T, cases []strErrorCase) {
	t.Helper()
	strRunCases(t, cases, func(t *testing.T, L *lua.LState, tc strErrorCase) {
		_, err := strRun(L, tc.code)
		if err == nil {
			t.Fatalf("%s\nno error, want %q", tc.code, tc.want)
		}
		var apiErr *lua.ApiError
		if !errors.As(err, &apiErr) || apiErr.Type != lua.ApiErrorRun {
			t.Fatalf("%s\nwant a Lua runtime error, got %#v", tc.code, err)
		}
		msg := apiErr.Object.String()
		if want := "<string>:1: " + tc.want; msg != want {
			t.Errorf("%s\n got %q\nwant %q", tc.code, msg, want)
		}
	})
}

func TestStringCaseMapping(t *testing.T) {
	strRunValueCases(t, []strValueCase{
		{"upper keeps non-ASCII bytes", `return string.upper("\255\0aZ\228\189\160")`,
			[]lua.LValue{pkStr("\xff\x00AZ\xe4\xbd\xa0")}},
		{"lower keeps non-ASCII bytes", `return string.lower("\255\0aZ\228\189\160")`,
			[]lua.LValue{pkStr("\xff\x00az\xe4\xbd\xa0")}},
		{"upper method syntax", `return ("\255\0aZ\228\189\160"):upper()`,
			[]lua.LValue{pkStr("\xff\x00AZ\xe4\xbd\xa0")}},
		{"lower method syntax on variable", `local s = "\255\0aZ\228\189\160" return s:lower()`,
			[]lua.LValue{pkStr("\xff\x00az\xe4\xbd\xa0")}},
		{"length preserved", `return #string.upper("\255\254\128"), #("\255"):lower()`,
			[]lua.LValue{pkNum(3), pkNum(1)}},
		{"neighbours of the letter ranges", "return string.upper('@[`{az'), string.lower('@[`{AZ')",
			[]lua.LValue{pkStr("@[`{AZ"), pkStr("@[`{az")}},
		{"numbers are converted", `return string.upper(12), string.lower(1.5)`,
			[]lua.LValue{pkStr("12"), pkStr("1.5")}},
		{"empty string", `return string.upper(""), string.lower("")`,
			[]lua.LValue{pkStr(""), pkStr("")}},
	})
}

func TestStringCaseMappingAllBytes(t *testing.T) {
	L := newStringsState(t)
	got, err := strRun(L, `
		local t = {}
		for i = 0, 255 do t[#t + 1] = string.char(i) end
		local s = table.concat(t)
		return s:upper(), s:lower()`)
	if err != nil {
		t.Fatal(err)
	}
	var upper, lower [256]byte
	for i := range 256 {
		upper[i], lower[i] = byte(i), byte(i)
		if 'a' <= i && i <= 'z' {
			upper[i] = byte(i - 32)
		}
		if 'A' <= i && i <= 'Z' {
			lower[i] = byte(i + 32)
		}
	}
	want := []lua.LValue{pkStr(upper[:]), pkStr(lower[:])}
	if !strSame(got, want) {
		t.Errorf("got %s\nwant %s", strShow(got), strShow(want))
	}
}

func TestStringCaseMappingErrors(t *testing.T) {
	strRunErrorCases(t, []strErrorCase{
		{"upper table", `string.upper({})`, "bad argument #1 to 'upper' (string expected, got table)"},
		{"lower no value", `string.lower()`, "bad argument #1 to 'lower' (string expected, got no value)"},
		{"upper nil", `string.upper(nil)`, "bad argument #1 to 'upper' (string expected, got nil)"},
		{"lower boolean", `string.lower(true)`, "bad argument #1 to 'lower' (string expected, got boolean)"},
	})
}

// TestStringPackRoundTrip packs known values, compares the exact bytes, and
// unpacks them again: the results must be the inputs followed by the
// position just past the data.
func TestStringPackRoundTrip(t *testing.T) {
	native := string(binary.NativeEndian.AppendUint16(nil, 1))
	ff := func(n int) string { return strings.Repeat("\xff", n) }
	zz := func(n int) string { return strings.Repeat("\x00", n) }
	cases := []struct {
		fmt, args string
		bytes     string
		values    []lua.LValue
	}{
		{"<b", "-128", "\x80", []lua.LValue{pkNum(-128)}},
		{">b", "127", "\x7f", []lua.LValue{pkNum(127)}},
		{"<B", "255", "\xff", []lua.LValue{pkNum(255)}},
		{">B", "0", "\x00", []lua.LValue{pkNum(0)}},
		{"<h", "-2", "\xfe\xff", []lua.LValue{pkNum(-2)}},
		{">h", "258", "\x01\x02", []lua.LValue{pkNum(258)}},
		{"<H", "65534", "\xfe\xff", []lua.LValue{pkNum(65534)}},
		{">H", "258", "\x01\x02", []lua.LValue{pkNum(258)}},
		{"<l", "-3", "\xfd" + ff(7), []lua.LValue{pkNum(-3)}},
		{">l", "1", zz(7) + "\x01", []lua.LValue{pkNum(1)}},
		{"<L", "2^40", "\x00\x00\x00\x00\x00\x01\x00\x00", []lua.LValue{pkNum(1 << 40)}},
		{">L", "258", zz(6) + "\x01\x02", []lua.LValue{pkNum(258)}},
		{"<j", "-1", ff(8), []lua.LValue{pkNum(-1)}},
		{">j", "-2^63", "\x80" + zz(7), []lua.LValue{pkNum(math.MinInt64)}},
		{"<J", "2^53", "\x00\x00\x00\x00\x00\x00\x20\x00", []lua.LValue{pkNum(1 << 53)}},
		{">J", "256", zz(6) + "\x01\x00", []lua.LValue{pkNum(256)}},
		{"<T", "3", "\x03" + zz(7), []lua.LValue{pkNum(3)}},
		{">T", "3", zz(7) + "\x03", []lua.LValue{pkNum(3)}},
		{"<i", "-2", "\xfe\xff\xff\xff", []lua.LValue{pkNum(-2)}},
		{">i", "1", "\x00\x00\x00\x01", []lua.LValue{pkNum(1)}},
		{"<i1", "-1", "\xff", []lua.LValue{pkNum(-1)}},
		{"<i3", "-2", "\xfe\xff\xff", []lua.LValue{pkNum(-2)}},
		{">i3", "66051", "\x01\x02\x03", []lua.LValue{pkNum(66051)}},
		{"<i9", "-2", "\xfe" + ff(8), []lua.LValue{pkNum(-2)}},
		{">i16", "-2", ff(15) + "\xfe", []lua.LValue{pkNum(-2)}},
		{">i16", "2^60", zz(8) + "\x10" + zz(7), []lua.LValue{pkNum(1 << 60)}},
		{">I4", "1", "\x00\x00\x00\x01", []lua.LValue{pkNum(1)}},
		{"<I2", "258", "\x02\x01", []lua.LValue{pkNum(258)}},
		{">I5", "2^32", "\x01\x00\x00\x00\x00", []lua.LValue{pkNum(1 << 32)}},
		{"<I7", "2^52 - 1", ff(6) + "\x0f", []lua.LValue{pkNum(1<<52 - 1)}},
		// Wider-than-8 unsigned fields hold the int64 bit pattern and are
		// zero-filled, so -1 comes back as -1 (lua_Integer semantics).
		{"<I16", "-1", ff(8) + zz(8), []lua.LValue{pkNum(-1)}},
		{"<f", "0.5", "\x00\x00\x00\x3f", []lua.LValue{pkNum(0.5)}},
		{">f", "-0.5", "\xbf\x00\x00\x00", []lua.LValue{pkNum(-0.5)}},
		{"<d", "0.1", "\x9a\x99\x99\x99\x99\x99\xb9\x3f", []lua.LValue{pkNum(0.1)}},
		{">d", "0.1", "\x3f\xb9\x99\x99\x99\x99\x99\x9a", []lua.LValue{pkNum(0.1)}},
		{"<n", "-1.5", zz(6) + "\xf8\xbf", []lua.LValue{pkNum(-1.5)}},
		{">n", "2^60", "\x43\xb0" + zz(6), []lua.LValue{pkNum(1 << 60)}},
		{">s4", "'hi'", "\x00\x00\x00\x02hi", []lua.LValue{pkStr("hi")}},
		{"<s2", "'hi'", "\x02\x00hi", []lua.LValue{pkStr("hi")}},
		{"<s", "'hi'", "\x02" + zz(7) + "hi", []lua.LValue{pkStr("hi")}},
		{">s16", "'x'", zz(15) + "\x01x", []lua.LValue{pkStr("x")}},
		{"s1", "''", "\x00", []lua.LValue{pkStr("")}},
		{"<s1", "string.rep('x', 255)", "\xff" + strings.Repeat("x", 255), []lua.LValue{pkStr(strings.Repeat("x", 255))}},
		{"<s1", "'a\\0\\255'", "\x03a\x00\xff", []lua.LValue{pkStr("a\x00\xff")}},
		{"z", "'ab'", "ab\x00", []lua.LValue{pkStr("ab")}},
		{"z", "''", "\x00", []lua.LValue{pkStr("")}},
		{"c5", "'ab'", "ab\x00\x00\x00", []lua.LValue{pkStr("ab\x00\x00\x00")}},
		{"c3", "'\\255\\0x'", "\xff\x00x", []lua.LValue{pkStr("\xff\x00x")}},
		{"c0", "''", "", []lua.LValue{pkStr("")}},
		{"=I2", "1", native, []lua.LValue{pkNum(1)}},
		{" < i2 > i2 ", "1, 1", "\x01\x00\x00\x01", []lua.LValue{pkNum(1), pkNum(1)}},
		{"<b x b", "1, 2", "\x01\x00\x02", []lua.LValue{pkNum(1), pkNum(2)}},
		{"<b xx c1", "1, 'z'", "\x01\x00\x00z", []lua.LValue{pkNum(1), pkStr("z")}},
		{"<i2 z s1 c2 B", "-1, 'ab', 'cde', 'fg', 9",
			"\xff\xffab\x00\x03cdefg\x09", []lua.LValue{pkNum(-1), pkStr("ab"), pkStr("cde"), pkStr("fg"), pkNum(9)}},
		// Alignment: "!" alone means the native maximum (8); without "!"
		// the maximum is 1 and nothing is padded.
		{"<b i4", "1, 2", "\x01\x02\x00\x00\x00", []lua.LValue{pkNum(1), pkNum(2)}},
		{"!<b i4", "1, 2", "\x01\x00\x00\x00\x02\x00\x00\x00", []lua.LValue{pkNum(1), pkNum(2)}},
		{"!<b i8", "1, 2", "\x01" + zz(7) + "\x02" + zz(7), []lua.LValue{pkNum(1), pkNum(2)}},
		{"!4<b i8", "1, 2", "\x01" + zz(3) + "\x02" + zz(7), []lua.LValue{pkNum(1), pkNum(2)}},
		{"!2<b i4", "1, 2", "\x01\x00\x02\x00\x00\x00", []lua.LValue{pkNum(1), pkNum(2)}},
		{"!<b d", "1, 0.5", "\x01" + zz(7) + zz(6) + "\xe0\x3f", []lua.LValue{pkNum(1), pkNum(0.5)}},
		{"!<b c3 i2", "1, 'abc', 2", "\x01abc\x02\x00", []lua.LValue{pkNum(1), pkStr("abc"), pkNum(2)}},
		{"!<z i4", "'ab', 7", "ab\x00\x00\x07\x00\x00\x00", []lua.LValue{pkStr("ab"), pkNum(7)}},
		{"!<s1 i2", "'ab', 5", "\x02ab\x00\x05\x00", []lua.LValue{pkStr("ab"), pkNum(5)}},
		{"!<b Xi4 b", "1, 2", "\x01\x00\x00\x00\x02", []lua.LValue{pkNum(1), pkNum(2)}},
		{"!<b Xh b", "1, 2", "\x01\x00\x02", []lua.LValue{pkNum(1), pkNum(2)}},
		{"!4<b Xi8 b", "1, 2", "\x01\x00\x00\x00\x02", []lua.LValue{pkNum(1), pkNum(2)}},
		{"!<b i4 x h Xi8 d", "1, 2, 3, 4",
			"\x01\x00\x00\x00\x02\x00\x00\x00\x00\x00\x03\x00" + zz(4) + zz(6) + "\x10\x40",
			[]lua.LValue{pkNum(1), pkNum(2), pkNum(3), pkNum(4)}},
	}
	L := newStringsState(t)
	for _, tc := range cases {
		t.Run(tc.fmt+"/"+tc.args, func(t *testing.T) {
			code := fmt.Sprintf("local s = string.pack(%q, %s) return s, string.unpack(%q, s)",
				tc.fmt, tc.args, tc.fmt)
			got, err := strRun(L, code)
			if err != nil {
				t.Fatalf("%s\nunexpected error: %v", code, err)
			}
			want := append([]lua.LValue{pkStr(tc.bytes)}, tc.values...)
			want = append(want, pkNum(len(tc.bytes)+1))
			if !strSame(got, want) {
				t.Errorf("%s\n got %s\nwant %s", code, strShow(got), strShow(want))
			}
		})
	}
}

func TestStringPackValues(t *testing.T) {
	strRunValueCases(t, []strValueCase{
		{"brief example I4", `return string.pack(">I4", 1) == "\0\0\0\1"`, []lua.LValue{lua.LTrue}},
		{"brief example i2", `return string.pack("<i2", -2) == "\254\255"`, []lua.LValue{lua.LTrue}},
		{"brief example s4", `return string.pack(">s4", "hi") == "\0\0\0\2hi"`, []lua.LValue{lua.LTrue}},
		{"method syntax", `return ("<I2"):pack(258), ("\2\1"):upper()`, []lua.LValue{pkStr("\x02\x01"), pkStr("\x02\x01")}},
		{"integer boundaries", `return string.pack("<i1i1B", -128, 127, 255)`, []lua.LValue{pkStr("\x80\x7f\xff")}},
		{"numeric strings are numbers", `return string.pack("<i2d", "258", "0.5")`,
			[]lua.LValue{pkStr("\x02\x01" + "\x00\x00\x00\x00\x00\x00\xe0\x3f")}},
		{"hex numeric string", `return string.pack("B", " 0x10 ")`, []lua.LValue{pkStr("\x10")}},
		{"numbers are strings for z and s", `return string.pack("z<s1", 12, 3)`, []lua.LValue{pkStr("12\x00\x013")}},
		{"integral float accepted", `return string.pack("<i2", 3.0)`, []lua.LValue{pkStr("\x03\x00")}},
		{"extra arguments ignored", `return string.pack("B", 1, 2, 3)`, []lua.LValue{pkStr("\x01")}},
		{"empty format", `return string.pack(""), string.pack("  < > = !")`, []lua.LValue{pkStr(""), pkStr("")}},
		{"embedded NUL ends format as in C", `return string.pack("B\0B", 1, 2)`, []lua.LValue{pkStr("\x01")}},
		{"float rounding to single", `return string.unpack("<f", string.pack("<f", 0.1))`,
			[]lua.LValue{pkNum(float64(float32(0.1))), pkNum(5)}},
		{"float overflow is infinity", `return string.pack("<f", 1e39), string.pack(">f", -1e39)`,
			[]lua.LValue{pkStr("\x00\x00\x80\x7f"), pkStr("\xff\x80\x00\x00")}},
		{"largest float32 stays finite", `return string.pack("<f", 2^128 - 2^104), string.pack("<f", 2^128 - 2^103 - 2^75)`,
			[]lua.LValue{pkStr("\xff\xff\x7f\x7f"), pkStr("\xff\xff\x7f\x7f")}},
		{"float32 rounding threshold", `return string.pack("<f", 2^128 - 2^103)`, []lua.LValue{pkStr("\x00\x00\x80\x7f")}},
		{"infinity round trip", `return string.unpack("<f", "\0\0\128\127"), string.unpack(">d", "\255\240\0\0\0\0\0\0")`,
			[]lua.LValue{pkNum(math.Inf(1)), pkNum(math.Inf(-1)), pkNum(9)}},
		{"NaN round trip", `local x = string.unpack("<d", string.pack("<d", 0/0)) return x ~= x`,
			[]lua.LValue{lua.LTrue}},
		{"negative zero keeps its sign bit", `return string.pack(">d", -0.0)`, []lua.LValue{pkStr("\x80" + strings.Repeat("\x00", 7))}},
	})
}

func TestStringUnpack(t *testing.T) {
	strRunValueCases(t, []strValueCase{
		{"start position", `return string.unpack("<h", "\1\2\3\4", 3)`, []lua.LValue{pkNum(1027), pkNum(5)}},
		{"negative position", `return string.unpack("<h", "\1\2\3\4", -2)`, []lua.LValue{pkNum(1027), pkNum(5)}},
		{"negative position whole string", `return string.unpack("<h", "\1\2\3\4", -4)`, []lua.LValue{pkNum(513), pkNum(3)}},
		{"nil position is 1", `return string.unpack("B", "\7", nil)`, []lua.LValue{pkNum(7), pkNum(2)}},
		{"empty format", `return string.unpack("", "abc")`, []lua.LValue{pkNum(1)}},
		{"position just past the end", `return string.unpack("", "abc", 4)`, []lua.LValue{pkNum(4)}},
		{"negative position to the start", `return string.unpack("c0", "abc", -3)`, []lua.LValue{pkStr(""), pkNum(1)}},
		{"chained positions", `
			local s = string.pack(">I2 s1 z", 7, "ab", "cd")
			local a, p = string.unpack(">I2", s)
			local b, p2 = string.unpack("s1", s, p)
			local c, p3 = string.unpack("z", s, p2)
			return a, p, b, p2, c, p3, #s`,
			[]lua.LValue{pkNum(7), pkNum(3), pkStr("ab"), pkNum(6), pkStr("cd"), pkNum(9), pkNum(8)}},
		{"alignment counts from the string start", `return string.unpack("!<i4", "\0\0\0\0\7\0\0\0", 2)`,
			[]lua.LValue{pkNum(7), pkNum(9)}},
		{"padding skipped", `return string.unpack("<bxxb", "\1\0\0\2")`, []lua.LValue{pkNum(1), pkNum(2), pkNum(5)}},
		{"X skipped", `return string.unpack("!<bXi4b", "\1\0\0\0\2")`, []lua.LValue{pkNum(1), pkNum(2), pkNum(6)}},
		{"two z strings", `return string.unpack("zz", "a\0b\0")`, []lua.LValue{pkStr("a"), pkStr("b"), pkNum(5)}},
		{"z at the end", `return string.unpack("z", "ab\0")`, []lua.LValue{pkStr("ab"), pkNum(4)}},
		{"c keeps zero bytes", `return string.unpack("c3", "a\0b")`, []lua.LValue{pkStr("a\x00b"), pkNum(4)}},
		{"s with empty payload", `return string.unpack(">s2", "\0\0rest")`, []lua.LValue{pkStr(""), pkNum(3)}},
		{"unsigned 3 bytes", `return string.unpack("<I3", "\1\2\3")`, []lua.LValue{pkNum(197121), pkNum(4)}},
		{"signed 3 bytes sign-extend", `return string.unpack(">i3", "\255\255\254")`, []lua.LValue{pkNum(-2), pkNum(4)}},
		{"B is unsigned, b is signed", `return string.unpack("Bb", "\255\255")`, []lua.LValue{pkNum(255), pkNum(-1), pkNum(3)}},
		{"J of all ones is -1 as in 5.3", `return string.unpack("<J", "\255\255\255\255\255\255\255\255")`,
			[]lua.LValue{pkNum(-1), pkNum(9)}},
		{"9-byte signed minus one", `return string.unpack("<i9", "\255\255\255\255\255\255\255\255\255")`,
			[]lua.LValue{pkNum(-1), pkNum(10)}},
		// Beyond 2^53 the result is the nearest float64 (see pack.go).
		{"int64 max rounds to 2^63", `return string.unpack("<I9", "\255\255\255\255\255\255\255\127\0")`,
			[]lua.LValue{pkNum(1 << 63), pkNum(10)}},
		{"2^53+1 rounds to even", `return string.unpack(">j", "\0\32\0\0\0\0\0\1")`,
			[]lua.LValue{pkNum(1 << 53), pkNum(9)}},
		{"2^53+3 rounds up", `return string.unpack(">j", "\0\32\0\0\0\0\0\3")`,
			[]lua.LValue{pkNum(1<<53 + 4), pkNum(9)}},
		{"numeric position string", `return string.unpack("B", "\1\2", "2")`, []lua.LValue{pkNum(2), pkNum(3)}},
	})
}

func TestStringPacksize(t *testing.T) {
	strRunValueCases(t, []strValueCase{
		{"empty", `return string.packsize("")`, []lua.LValue{pkNum(0)}},
		{"options only", `return string.packsize(" <>=! ")`, []lua.LValue{pkNum(0)}},
		{"native sizes", `return string.packsize("b"), string.packsize("h"), string.packsize("i"),
			string.packsize("l"), string.packsize("j"), string.packsize("T"),
			string.packsize("f"), string.packsize("d"), string.packsize("n")`,
			[]lua.LValue{pkNum(1), pkNum(2), pkNum(4), pkNum(8), pkNum(8), pkNum(8), pkNum(4), pkNum(8), pkNum(8)}},
		{"explicit sizes", `return string.packsize("i1 I3 i16 c10 x")`, []lua.LValue{pkNum(1 + 3 + 16 + 10 + 1)}},
		{"no alignment without !", `return string.packsize("b i4 b d")`, []lua.LValue{pkNum(14)}},
		{"aligned mix", `return string.packsize("!<b i4 x h Xi8 d")`, []lua.LValue{pkNum(24)}},
		{"max alignment 4", `return string.packsize("!4 b d")`, []lua.LValue{pkNum(12)}},
		{"max alignment 2", `return string.packsize("!2 b i4")`, []lua.LValue{pkNum(6)}},
		{"X capped by max alignment", `return string.packsize("bXh")`, []lua.LValue{pkNum(1)}},
		{"largest size accepted", `return string.packsize("c2147483639")`, []lua.LValue{pkNum(2147483639)}},
		{"matches pack", `return string.packsize("!<b i4 h d"), #string.pack("!<b i4 h d", 1, 2, 3, 4)`,
			[]lua.LValue{pkNum(24), pkNum(24)}},
	})
}

func TestStringPackErrors(t *testing.T) {
	strRunErrorCases(t, []strErrorCase{
		// format language
		{"invalid option", `string.pack("y")`, "bad argument #1 to 'pack' (invalid format option 'y')"},
		{"invalid option after valid ones", `string.pack("i4 y", 1)`, "bad argument #1 to 'pack' (invalid format option 'y')"},
		{"invalid option in unpack", `string.unpack("q", "")`, "bad argument #1 to 'unpack' (invalid format option 'q')"},
		{"invalid option in packsize", `string.packsize("i4(")`, "bad argument #1 to 'packsize' (invalid format option '(')"},
		{"a byte that is not text is escaped", `string.packsize("\255")`, "bad argument #1 to 'packsize' (invalid format option '\\255')"},
		{"a control byte is escaped", `string.pack("\n")`, "bad argument #1 to 'pack' (invalid format option '\\10')"},
		{"through pcall, the full name", `local ok, e = pcall(string.pack, "q") error(e)`, "bad argument #1 to 'string.pack' (invalid format option 'q')"},
		{"integral size too big", `string.pack("i17", 1)`, "bad argument #1 to 'pack' (integral size (17) out of limits [1,16])"},
		{"integral size zero", `string.pack("I0", 1)`, "bad argument #1 to 'pack' (integral size (0) out of limits [1,16])"},
		{"s size zero", `string.pack("s0", "")`, "bad argument #1 to 'pack' (integral size (0) out of limits [1,16])"},
		{"! size too big", `string.pack("!17")`, "bad argument #1 to 'pack' (integral size (17) out of limits [1,16])"},
		{"c without size", `string.pack("c", "")`, "bad argument #1 to 'pack' (missing size for format option 'c')"},
		{"numeral stops near INT_MAX", `string.packsize("c2147483647")`, "bad argument #1 to 'packsize' (invalid format option '7')"},
		{"result too large", `string.packsize("c1000000000c1000000000c1000000000")`,
			"bad argument #1 to 'packsize' (format result too large)"},
		{"alignment not power of 2", `string.pack("!8 i3", 1)`,
			"bad argument #1 to 'pack' (format asks for alignment not power of 2)"},
		{"max alignment not power of 2", `string.packsize("!3 i4")`,
			"bad argument #1 to 'packsize' (format asks for alignment not power of 2)"},
		{"X at end", `string.pack("X")`, "bad argument #1 to 'pack' (invalid next option for option 'X')"},
		{"X before c", `string.pack("Xc1")`, "bad argument #1 to 'pack' (invalid next option for option 'X')"},
		{"X before space", `string.pack("X i4")`, "bad argument #1 to 'pack' (invalid next option for option 'X')"},
		{"X before z", `string.unpack("Xz", "")`, "bad argument #1 to 'unpack' (invalid next option for option 'X')"},
		{"variable-length s", `string.packsize("s")`, "bad argument #1 to 'packsize' (variable-length format)"},
		{"variable-length z", `string.packsize("i4 z")`, "bad argument #1 to 'packsize' (variable-length format)"},

		// pack values
		{"signed overflow i1 high", `string.pack("i1", 128)`, "bad argument #2 to 'pack' (integer overflow)"},
		{"signed overflow i1 low", `string.pack("i1", -129)`, "bad argument #2 to 'pack' (integer overflow)"},
		{"signed overflow h", `string.pack("<h", 32768)`, "bad argument #2 to 'pack' (integer overflow)"},
		{"signed overflow i7", `string.pack("i7", 2^55)`, "bad argument #2 to 'pack' (integer overflow)"},
		{"overflow in later argument", `string.pack("i4 i2", 1, 2^15)`, "bad argument #3 to 'pack' (integer overflow)"},
		{"unsigned overflow B", `string.pack("B", 256)`, "bad argument #2 to 'pack' (unsigned overflow)"},
		{"unsigned negative", `string.pack("B", -1)`, "bad argument #2 to 'pack' (unsigned overflow)"},
		{"unsigned overflow I7", `string.pack("I7", 2^56)`, "bad argument #2 to 'pack' (unsigned overflow)"},
		// 2^56-1 is not a float64: the literal is already 2^56, which is
		// out of range (reference Lua, with true integers, accepts it).
		{"unsigned overflow I7 via rounding", `string.pack("I7", 2^56 - 1)`, "bad argument #2 to 'pack' (unsigned overflow)"},
		{"fraction", `string.pack("i4", 1.5)`, "bad argument #2 to 'pack' (number has no integer representation)"},
		{"fraction in string", `string.pack("i4", "1.5")`, "bad argument #2 to 'pack' (number has no integer representation)"},
		{"2^63 is out of int64", `string.pack("j", 2^63)`, "bad argument #2 to 'pack' (number has no integer representation)"},
		{"2^64 unsigned", `string.pack("J", 2^64)`, "bad argument #2 to 'pack' (number has no integer representation)"},
		{"NaN", `string.pack("i8", 0/0)`, "bad argument #2 to 'pack' (number has no integer representation)"},
		{"infinity", `string.pack("i16", 1/0)`, "bad argument #2 to 'pack' (number has no integer representation)"},
		{"table for integer", `string.pack("i4", {})`, "bad argument #2 to 'pack' (number expected, got table)"},
		{"non-numeric string", `string.pack("i4", "abc")`, "bad argument #2 to 'pack' (number expected, got string)"},
		{"boolean for float", `string.pack("d", true)`, "bad argument #2 to 'pack' (number expected, got boolean)"},
		// lstrlib's nil marker makes the first missing value "nil".
		{"missing value", `string.pack("i4")`, "bad argument #2 to 'pack' (number expected, got nil)"},
		{"missing second value", `string.pack("i4 z", 1)`, "bad argument #3 to 'pack' (string expected, got nil)"},
		{"table for z", `string.pack("z", {})`, "bad argument #2 to 'pack' (string expected, got table)"},
		{"format not a string", `string.pack({})`, "bad argument #1 to 'pack' (string expected, got table)"},
		{"no format", `string.pack()`, "bad argument #1 to 'pack' (string expected, got no value)"},
		{"c too long", `string.pack("c2", "abc")`, "bad argument #2 to 'pack' (string longer than given size)"},
		{"s1 length 256", `string.pack("s1", string.rep("x", 256))`,
			"bad argument #2 to 'pack' (string length does not fit in given size)"},
		{"s2 length 65536", `string.pack("s2", string.rep("x", 65536))`,
			"bad argument #2 to 'pack' (string length does not fit in given size)"},
		{"z with zero", `string.pack("z", "a\0b")`, "bad argument #2 to 'pack' (string contains zeros)"},
		{"called through a local", `local p = string.pack p("i4", {})`,
			"bad argument #2 to 'p' (number expected, got table)"},

		// unpack
		{"short data", `string.unpack("i4", "abc")`, "bad argument #2 to 'unpack' (data string too short)"},
		{"short data after position", `string.unpack("c3", "abc", 2)`, "bad argument #2 to 'unpack' (data string too short)"},
		{"short s payload", `string.unpack("<s1", "\5abc")`, "bad argument #2 to 'unpack' (data string too short)"},
		{"short s prefix", `string.unpack("<s4", "\1\0\0")`, "bad argument #2 to 'unpack' (data string too short)"},
		{"huge s length", `string.unpack("<s8", "\255\255\255\255\255\255\255\255x")`,
			"bad argument #2 to 'unpack' (data string too short)"},
		{"alignment makes data short", `string.unpack("!<b i4", "\1\0\0\0\2\0\0")`,
			"bad argument #2 to 'unpack' (data string too short)"},
		{"X padding makes data short", `string.unpack("!8 b Xd", "\1")`,
			"bad argument #2 to 'unpack' (data string too short)"},
		{"unfinished z", `string.unpack("z", "abc")`, "bad argument #2 to 'unpack' (unfinished string for format 'z')"},
		{"unfinished z empty", `string.unpack("z", "")`, "bad argument #2 to 'unpack' (unfinished string for format 'z')"},
		{"unfinished z after position", `string.unpack("z", "ab\0cd", 4)`,
			"bad argument #2 to 'unpack' (unfinished string for format 'z')"},
		{"position past end", `string.unpack("b", "ab", 4)`, "bad argument #3 to 'unpack' (initial position out of string)"},
		// Lua 5.3 rejects 0 and positions before the start (5.4 clamps to 1).
		{"position zero", `string.unpack("b", "ab", 0)`, "bad argument #3 to 'unpack' (initial position out of string)"},
		{"position before start", `string.unpack("b", "ab", -3)`, "bad argument #3 to 'unpack' (initial position out of string)"},
		{"fractional position", `string.unpack("b", "ab", 1.5)`,
			"bad argument #3 to 'unpack' (number has no integer representation)"},
		{"table position", `string.unpack("b", "ab", {})`, "bad argument #3 to 'unpack' (number expected, got table)"},
		{"no data", `string.unpack("i4")`, "bad argument #2 to 'unpack' (string expected, got no value)"},
		{"unpack format not a string", `string.unpack({}, "")`, "bad argument #1 to 'unpack' (string expected, got table)"},
		{"9-byte integer too big", `string.unpack("<i9", "\0\0\0\0\0\0\0\0\1")`, "bad argument #2 to 'unpack' (9-byte integer does not fit into Lua Integer)"},
		{"9-byte negative needs 0xff fill", `string.unpack("<i9", "\0\0\0\0\0\0\0\128\0")`,
			"bad argument #2 to 'unpack' (9-byte integer does not fit into Lua Integer)"},
		{"16-byte unsigned too big", `string.unpack(">I16", "\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0")`,
			"bad argument #2 to 'unpack' (16-byte integer does not fit into Lua Integer)"},
		{"packsize not a string", `string.packsize({})`, "bad argument #1 to 'packsize' (string expected, got table)"},
	})
}

// TestStringUnpackTooManyResults: 5.3 stops at its stack limit with "too
// many results"; gopher-lua's fixed-size registry fills up first. Either way
// it must be a catchable Lua error that leaves the state usable.
func TestStringUnpackTooManyResults(t *testing.T) {
	L := newStringsState(t)
	_, err := strRun(L, `return string.unpack(string.rep("b", 1e6), string.rep("\0", 1e6))`)
	var apiErr *lua.ApiError
	if !errors.As(err, &apiErr) || apiErr.Type != lua.ApiErrorRun {
		t.Fatalf("want a Lua runtime error, got %#v", err)
	}
	got, err := strRun(L, `return string.unpack("B", string.pack("B", 7))`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []lua.LValue{pkNum(7), pkNum(2)}; !strSame(got, want) {
		t.Errorf("after overflow got %s, want %s", strShow(got), strShow(want))
	}
}

// TestOpenStringsWithoutStdlib checks that a bare state still gets both the
// string table and the method-call path.
func TestOpenStringsWithoutStdlib(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	OpenStrings(L)
	got, err := strRun(L, `return ("\255a"):upper(), string.pack(">I2", 258)`)
	if err != nil {
		t.Fatal(err)
	}
	if want := []lua.LValue{pkStr("\xffA"), pkStr("\x01\x02")}; !strSame(got, want) {
		t.Errorf("got %s, want %s", strShow(got), strShow(want))
	}
}

// TestStringPackNeverPanics feeds random formats and data through all three
// functions: whatever the input, the outcome must be a result or a Lua
// error, never a Go panic (which gopher-lua reports as ApiErrorPanic).
func TestStringPackNeverPanics(t *testing.T) {
	L := newStringsState(t)
	var calls []*lua.LFunction
	for _, code := range []string{
		`return string.unpack(f, d)`,
		`return string.unpack(f, d, -3)`,
		`return string.packsize(f)`,
		`return string.pack(f, 1, -1, 2^40, "ab", 0.5, "x", 300, -2^63)`,
		`return string.unpack(f, string.pack(f, 1, 2, 3, 4, 5, 6, 7, 8))`,
	} {
		fn, err := L.LoadString(code)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, fn)
	}
	const alphabet = "<>=!bBhHlLjJTiIfdnszxXc0123456789 "
	rng := rand.New(rand.NewPCG(1, 2))
	ok, failed := 0, 0
	for range 5000 {
		f := make([]byte, rng.IntN(8)+1)
		for i := range f {
			f[i] = alphabet[rng.IntN(len(alphabet))]
		}
		data := make([]byte, rng.IntN(40))
		for i := range data {
			data[i] = byte(rng.IntN(4) * 85) // 0x00, 0x55, 0xaa, 0xff
		}
		L.SetGlobal("f", pkStr(f))
		L.SetGlobal("d", pkStr(data))
		for _, fn := range calls {
			L.Push(fn)
			err := L.PCall(0, lua.MultRet, nil)
			L.SetTop(0)
			var apiErr *lua.ApiError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorRun:
				failed++
			default:
				t.Fatalf("format %q data %q: not a Lua error: %v", f, data, err)
			}
		}
	}
	// Guard against a generator that only ever produces errors (or never
	// does), which would make the loop above vacuous.
	if ok < 1000 || failed < 1000 {
		t.Errorf("unbalanced random inputs: %d successes, %d Lua errors", ok, failed)
	}
}
