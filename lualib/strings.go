package lualib

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// gopher-lua's string library is Lua 5.1's with two faults for network
// code: upper/lower are Unicode-aware, so they rewrite binary data, and
// %q in string.format writes escapes Lua 5.1 does not read back. This
// file replaces both; pack.go adds Lua 5.3's string.pack family.

// OpenStrings installs into L's string library the byte-safe upper and
// lower, string.pack, string.unpack and string.packsize, and a
// string.format whose %q loads back. A state made with SkipOpenLibs gets
// the stock string library first.
func OpenStrings(L *lua.LState) {
	fns := map[string]*lua.LFunction{
		"upper":    L.NewFunction(strUpper),
		"lower":    L.NewFunction(strLower),
		"pack":     L.NewFunction(strPack),
		"unpack":   L.NewFunction(strUnpack),
		"packsize": L.NewFunction(strPacksize),
	}
	for _, t := range StringTables(L) {
		for name, fn := range fns {
			t.RawSetString(name, fn)
		}
		if orig, ok := t.RawGetString("format").(*lua.LFunction); ok && orig.IsG && len(orig.Upvalues) == 0 {
			t.RawSetString("format", L.NewFunction(strFormat(orig.GFunction)))
		}
	}
}

// string.format(fmt, ...) -> string
// gopher-lua's, except %q: it hands %q to Go's fmt, whose "\x00" escapes
// Lua 5.1 reads back as "x00". Here each %q argument becomes Quote's
// literal (a number first becomes its Lua 5.1 text), which loads back to
// the same bytes; the rest of the format goes to orig unchanged.
func strFormat(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		f, ok := L.Get(1).(lua.LString)
		if !ok || !strings.Contains(string(f), "q") {
			return orig(L)
		}
		var out strings.Builder
		arg := 1
		rewritten := false
		for i := 0; i < len(f); i++ {
			if f[i] != '%' {
				out.WriteByte(f[i])
				continue
			}
			if i+1 < len(f) && f[i+1] == '%' {
				out.WriteString("%%")
				i++
				continue
			}
			// A directive as Lua's scanformat reads it: flags, width,
			// precision, then the conversion letter.
			j := i + 1
			for j < len(f) && strings.IndexByte("-+ #0", f[j]) >= 0 {
				j++
			}
			for j < len(f) && (packIsDigit(f[j]) || f[j] == '.') {
				j++
			}
			if j >= len(f) {
				out.WriteString(string(f[i:]))
				break
			}
			arg++
			if f[j] != 'q' {
				out.WriteString(string(f[i : j+1]))
			} else {
				// Lua 5.1 ignores flags and width for %q.
				L.Replace(arg, lua.LString(Quote(strQuoteArg(L, arg))))
				out.WriteString("%s")
				rewritten = true
			}
			i = j
		}
		if rewritten {
			L.Replace(1, lua.LString(out.String()))
		}
		return orig(L)
	}
}

// strQuoteArg is the text %q quotes: a string, or a number as Lua 5.1
// writes it (LUA_NUMBER_FMT "%.14g", so 1/3 is 0.33333333333333).
func strQuoteArg(L *lua.LState, n int) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		f := float64(v)
		switch {
		case math.IsInf(f, 1):
			return "inf"
		case math.IsInf(f, -1):
			return "-inf"
		case math.IsNaN(f) && math.Signbit(f):
			return "-nan"
		case math.IsNaN(f):
			return "nan"
		}
		return strconv.FormatFloat(f, 'g', 14, 64)
	}
	strTypeError(L, n, "string")
	return ""
}

// StringTables returns the global string table and, if a script or
// embedder has made them diverge, the table strings index through for
// method calls: a function installed into only one of them would make
// s:upper() and string.upper(s) behave differently.
func StringTables(L *lua.LState) []*lua.LTable {
	var tabs []*lua.LTable
	global, _ := L.GetGlobal(lua.StringLibName).(*lua.LTable)
	if global != nil {
		tabs = append(tabs, global)
	}
	if mt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable); ok {
		if idx, ok := mt.RawGetString("__index").(*lua.LTable); ok && idx != global {
			tabs = append(tabs, idx)
		}
	}
	if len(tabs) == 0 {
		// A state built with SkipOpenLibs has neither; opening the stock
		// library first gives the method-call metatable and the remaining
		// Lua 5.1 functions that our five sit alongside.
		L.Push(L.NewFunction(lua.OpenString))
		L.Call(0, 1)
		tabs = append(tabs, L.CheckTable(-1))
		L.Pop(1)
	}
	return tabs
}

// string.upper(s) -> string
// Replaces gopher-lua's Unicode-aware version, which rewrites bytes that are
// not valid UTF-8 to U+FFFD and so corrupts binary protocol data.
func strUpper(L *lua.LState) int {
	L.Push(lua.LString(strMapASCII(strCheckString(L, 1), 'a', 'z', 'A'-'a')))
	return 1
}

// string.lower(s) -> string
// Replaced for the same reason as string.upper.
func strLower(L *lua.LState) int {
	L.Push(lua.LString(strMapASCII(strCheckString(L, 1), 'A', 'Z', 'a'-'A')))
	return 1
}

// strMapASCII is C toupper/tolower in the "C" locale: only the 26 letters
// of one case move, so every other byte (NUL, 0x80-0xff, broken UTF-8)
// survives and the length is preserved.
func strMapASCII(s string, lo, hi byte, delta int) string {
	b := []byte(s)
	for i, c := range b {
		if lo <= c && c <= hi {
			b[i] = byte(int(c) + delta)
		}
	}
	return string(b)
}
