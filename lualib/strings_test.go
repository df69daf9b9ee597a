package lualib

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	lua "github.com/sockplay/sockplay/lua"
)

// The byte-safe string functions and string.pack as a Go program sees
// them; what Lua sees of them is testdata/strings.lua.

// strRun executes code and returns its first result.
func strRun(t *testing.T, L *lua.LState, code string) lua.LValue {
	t.Helper()
	if err := L.DoString(code); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	defer L.SetTop(0)
	return L.Get(1)
}

// OpenStrings gives a bare state both the string table and the method
// calls on strings.
func TestOpenStringsWithoutStdlib(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	OpenStrings(L)
	if got := strRun(t, L, `return ("\255a"):upper() .. string.pack(">I2", 258)`); got != lua.LString("\xffA\x01\x02") {
		t.Errorf("got %q", got)
	}
}

// "=" packs in the machine's byte order, which Lua cannot tell.
func TestStringPackNativeOrder(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	OpenStrings(L)
	native := lua.LString(binary.NativeEndian.AppendUint16(nil, 1))
	if got := strRun(t, L, `return string.pack("=I2", 1)`); got != native {
		t.Errorf(`string.pack("=I2", 1) = %q, want %q`, got, native)
	}
	if got := strRun(t, L, `return string.unpack("=I2", string.pack("=I2", 1))`); got != lua.LNumber(1) {
		t.Errorf(`the round trip gives %v`, got)
	}
}

// TestStringPackNeverPanics feeds random formats and data through all three
// functions: whatever the input, the outcome must be a result or a Lua
// error, never a Go panic (which gopher-lua reports as ApiErrorPanic).
func TestStringPackNeverPanics(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	OpenStrings(L)
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
		L.SetGlobal("f", lua.LString(f))
		L.SetGlobal("d", lua.LString(data))
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
