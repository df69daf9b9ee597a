package luabind

import (
	"context"
	"strconv"
	"testing"
)

// Benchmarks of global variables: reads and calls of globals are the hot
// path of every script (print, socket, string, a script's own global
// functions). One op is one loop iteration; they assert nothing about
// time:
//
//	go test -run '^$' -bench Global -benchmem ./luabind/
func benchGlobals(b *testing.B, code string) {
	rt := New(Options{})
	defer rt.Close()
	b.ReportAllocs()
	b.ResetTimer()
	if err := rt.RunString(context.Background(), "globals.lua", code, []string{strconv.Itoa(b.N)}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGlobalRead: four reads of globals that exist.
func BenchmarkGlobalRead(b *testing.B) {
	benchGlobals(b, `
local x
for i = 1, tonumber(arg[1]) do
  x = socket; x = string; x = print; x = arg
end`)
}

// BenchmarkGlobalCall: a call of a global Lua function and of a global Go
// function.
func BenchmarkGlobalCall(b *testing.B) {
	benchGlobals(b, `
function f(n) return n end
for i = 1, tonumber(arg[1]) do
  f(i); type(i)
end`)
}

// BenchmarkGlobalWrite: an assignment to a global that exists.
func BenchmarkGlobalWrite(b *testing.B) {
	benchGlobals(b, `
g = 0
for i = 1, tonumber(arg[1]) do
  g = i
end`)
}

// BenchmarkGlobalMiss: a read of a global that was never assigned, the
// same place every time (its warning, if any, is written once).
func BenchmarkGlobalMiss(b *testing.B) {
	benchGlobals(b, `
local x
for i = 1, tonumber(arg[1]) do
  x = never_assigned
end`)
}
