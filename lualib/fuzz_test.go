package lualib_test

// Go fuzz targets of the libraries that read bytes a peer sent: the binary
// packing of string.pack/unpack and the encodings. Their seed corpora are
// testdata/fuzz/FuzzXxx; CI runs each for a few seconds (.ci/run):
//
//	go test -run '^$' -fuzz FuzzPack -fuzztime 5s ./lualib/

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// goPanic matches what Go prints of a panic, and what a recovered one
// becomes: none may reach a script.
var goPanic = regexp.MustCompile(`runtime error|goroutine \d+ \[|slice bounds|nil pointer|index out of range \[|` + regexp.QuoteMeta(lua.GoPanicText))

func fuzzState() *lua.LState {
	L := lua.NewState()
	lualib.OpenStrings(L)
	lualib.OpenEncoding(L)
	return L
}

// call calls the global function path ("string.unpack") with args and
// returns its results, or its error, failing on a Go panic.
func call(t *testing.T, L *lua.LState, path string, args ...lua.LValue) ([]lua.LValue, error) {
	t.Helper()
	parts := strings.Split(path, ".")
	fn := L.GetField(L.GetGlobal(parts[0]), parts[1])
	top := L.GetTop()
	err := L.CallByParam(lua.P{Fn: fn, NRet: lua.MultRet, Protect: true}, args...)
	if err != nil {
		var apiErr *lua.ApiError
		if errors.As(err, &apiErr) && apiErr.Type == lua.ApiErrorPanic || goPanic.MatchString(err.Error()) {
			t.Fatalf("%s: a Go panic: %v", path, err)
		}
		return nil, err
	}
	res := make([]lua.LValue, L.GetTop()-top)
	for i := range res {
		res[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return res, nil
}

func sameValue(a, b lua.LValue) bool {
	if x, ok := a.(lua.LNumber); ok {
		if y, ok := b.(lua.LNumber); ok && math.IsNaN(float64(x)) && math.IsNaN(float64(y)) {
			return true
		}
	}
	return a == b
}

// FuzzPack: unpacking any bytes with any format raises or returns
// values; packing those values again gives bytes that unpack to the same
// values; a fixed-size format's packsize is what pack writes.
func FuzzPack(f *testing.F) {
	L := fuzzState()
	f.Fuzz(func(t *testing.T, format string, data []byte, pos int) {
		if len(format) > 256 {
			return // a format is a few letters: longer ones only repeat these
		}
		args := []lua.LValue{lua.LString(format), lua.LString(data)}
		if pos != 0 {
			args = append(args, lua.LNumber(pos))
		}
		vals, err := call(t, L, "string.unpack", args...)
		if err != nil {
			return
		}
		vals = vals[:len(vals)-1] // the next position
		packed, err := call(t, L, "string.pack", append([]lua.LValue{lua.LString(format)}, vals...)...)
		if err != nil {
			return // 2^63 rounded from an 8-byte field does not pack back, for one
		}
		again, err := call(t, L, "string.unpack", lua.LString(format), packed[0])
		if err != nil {
			t.Fatalf("unpack(%q, pack(%q, ...)) = %v", format, format, err)
		}
		again = again[:len(again)-1]
		if len(again) != len(vals) {
			t.Fatalf("format %q: %d values, then %d", format, len(vals), len(again))
		}
		for i := range vals {
			if !sameValue(vals[i], again[i]) {
				t.Fatalf("format %q: value %d was %v, after pack and unpack %v", format, i+1, vals[i], again[i])
			}
		}
		if size, err := call(t, L, "string.packsize", lua.LString(format)); err == nil {
			if n := int(size[0].(lua.LNumber)); n != len(packed[0].(lua.LString)) {
				t.Fatalf("packsize(%q) = %d, pack wrote %d bytes", format, n, len(packed[0].(lua.LString)))
			}
		}
	})
}

// FuzzEncoding: decoding any bytes from any encoding and encoding the
// text back raise or work; what decodes strictly from UTF-8 or Latin-1
// (which hold every byte) encodes back to the same bytes.
func FuzzEncoding(f *testing.F) {
	L := fuzzState()
	f.Fuzz(func(t *testing.T, name string, data []byte, replace bool) {
		errs := lua.LString("strict")
		if replace {
			errs = "replace"
		}
		text, err := call(t, L, "encoding.decode", lua.LString(data), lua.LString(name), errs)
		if err != nil {
			return
		}
		back, err := call(t, L, "encoding.encode", text[0], lua.LString(name), lua.LString("replace"))
		if err != nil {
			t.Fatalf("encode(decode(data, %q), %q): %v", name, name, err)
		}
		if !utf8.ValidString(string(text[0].(lua.LString))) {
			t.Fatalf("decode(data, %q) is not UTF-8: %q", name, text[0])
		}
		norm := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(name))
		if !replace && (norm == "utf8" || norm == "latin1") && string(back[0].(lua.LString)) != string(data) {
			t.Fatalf("%q: %q decodes to %q and encodes back to %q", name, data, text[0], back[0])
		}
	})
}
