package lua

import (
	"errors"
	"strings"
	"testing"
)

// goPanicTexts are what Go prints of a panic: none may reach a script.
var goPanicTexts = []string{"runtime error:", "goroutine ", "panic("}

// A Go function called from Lua that panics is a bug of the Go code: the
// panic becomes a Lua error that says so, names the function, keeps what
// Go said for a bug report, and has none of Go's own panic text. Each way
// Lua catches errors gets the same: pcall, a coroutine's resume, a
// wrapped coroutine, and PCall from Go, whose error is an ApiErrorPanic
// caused by a *GoPanic.
func TestGoPanicBecomesLuaError(t *testing.T) {
	panics := map[string]func(){
		"index":   func() { var s []int; _ = s[3] },
		"nil":     func() { var p *struct{ x int }; _ = p.x },
		"slice":   func() { s := []byte("ab"); n := -1; _ = s[:n] },
		"string":  func() { panic("plain string") },
		"error":   func() { panic(errors.New("an error value")) },
		"nilmap":  func() { var m map[string]int; m["x"] = 1 },
		"convert": func() { var v any = 1; _ = v.(string) },
	}
	details := map[string]string{
		"index": "index out of range [3] with length 0", "nil": "invalid memory address or nil pointer dereference",
		"slice": "slice bounds out of range [:-1]", "string": "plain string", "error": "an error value",
		"nilmap": "assignment to entry in nil map", "convert": "interface conversion",
	}
	for name, fn := range panics {
		t.Run(name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			out := capturePrint(L)
			L.SetGlobal("boom", L.NewFunction(func(L *LState) int { fn(); return 0 }))
			src := `print(pcall(boom))
print(coroutine.resume(coroutine.create(boom)))
print(coroutine.resume(coroutine.create(function() boom() end)))
print(pcall(coroutine.wrap(function() boom() end)))
local t = setmetatable({}, {__index = boom})
print(pcall(function() return t.x end))`
			if err := L.DoString(src); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(lines) != 5 {
				t.Fatalf("printed %q", out.String())
			}
			for _, line := range lines {
				checkGoPanicText(t, line, details[name])
			}

			// From Go, uncaught.
			err := L.DoString(`boom()`)
			var apiErr *ApiError
			var gp *GoPanic
			if !errors.As(err, &apiErr) || apiErr.Type != ApiErrorPanic || !errors.As(err, &gp) {
				t.Fatalf("DoString: %#v, want an ApiErrorPanic caused by a *GoPanic", err)
			}
			checkGoPanicText(t, apiErr.Object.String(), details[name])
			if gp.Function != "boom" {
				t.Errorf("GoPanic.Function = %q, want boom", gp.Function)
			}
		})
	}
}

func checkGoPanicText(t *testing.T, msg, detail string) {
	t.Helper()
	if !strings.Contains(msg, GoPanicText) || !strings.Contains(msg, detail) {
		t.Errorf("%q\nwant %q and %q in it", msg, GoPanicText, detail)
	}
	for _, bad := range goPanicTexts {
		if strings.Contains(msg, bad) {
			t.Errorf("%q has Go's %q", msg, bad)
		}
	}
}
