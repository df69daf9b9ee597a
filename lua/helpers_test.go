package lua

import (
	"strings"
	"testing"
)

// runLua runs src in a new state made with opts and returns what print
// and io.write wrote (without the last newline) and the error the chunk
// ended with.
func runLua(t *testing.T, opts Options, src string) (string, error) {
	t.Helper()
	L := NewState(opts)
	defer L.Close()
	out := capturePrint(L)
	err := L.DoString(src)
	return strings.TrimSuffix(out.String(), "\n"), err
}

// capturePrint makes print and io.write of L write to the returned
// buffer.
func capturePrint(L *LState) *strings.Builder {
	out := &strings.Builder{}
	L.SetGlobal("print", L.NewFunction(func(L *LState) int {
		for i := 1; i <= L.GetTop(); i++ {
			if i > 1 {
				out.WriteByte('\t')
			}
			out.WriteString(L.ToStringMeta(L.Get(i)).String())
		}
		out.WriteByte('\n')
		return 0
	}))
	if io, ok := L.GetGlobal("io").(*LTable); ok {
		io.RawSetString("write", L.NewFunction(func(L *LState) int {
			for i := 1; i <= L.GetTop(); i++ {
				out.WriteString(L.CheckString(i))
			}
			return 0
		}))
	}
	return out
}

// argReason is Lua code defining reason(e): an argument error without
// the function's name ("bad argument #2 (interval is empty)"), which the
// VM's messages word on their own.
const argReason = `local function reason(e) return (string.gsub(tostring(e), "bad argument (#%d+) to .* (%b())$", "bad argument %1 %2")) end
`

// runtimeOptions are the options sockplay's runtime (luabind) uses.
var runtimeOptions = Options{
	RegistrySize:        128,
	RegistryMaxSize:     256 * 1024,
	CallStackSize:       200,
	MinimizeStackMemory: true,
}

// bothOptions runs a subtest with the default options and with the
// runtime's, which take other paths in the call stack and registry.
func bothOptions(t *testing.T, f func(t *testing.T, opts Options)) {
	t.Run("default", func(t *testing.T) { f(t, Options{}) })
	t.Run("runtime", func(t *testing.T) { f(t, runtimeOptions) })
}

// expectOutput runs each case with both option sets and compares what it
// printed.
func expectOutput(t *testing.T, cases []struct{ name, src, want string }) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bothOptions(t, func(t *testing.T, opts Options) {
				got, err := runLua(t, opts, c.src)
				if err != nil {
					t.Fatalf("error: %v\noutput so far:\n%s", err, got)
				}
				if got != c.want {
					t.Errorf("printed\n%s\nwant\n%s", got, c.want)
				}
			})
		})
	}
}
