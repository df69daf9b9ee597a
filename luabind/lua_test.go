package luabind

// The Lua test harness, as starlark-go's starlarktest does it: every
// testdata/*.lua runs in a fresh Runtime as a subtest, with the assert
// module of internal/luaassert, whose failures are reported to testing.T
// with the Lua file:line and do not stop the script. An uncaught error
// fails the test. The
// runtime's input (input(), io.read, io.stdin) is testdata/NAME.stdin if
// that file exists, else empty.

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/luaassert"
	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// luaTestTimeout bounds each Lua test file; a hang is a failure, not a
// stuck test binary.
const luaTestTimeout = 30 * time.Second

func TestLua(t *testing.T) {
	luaassert.RunFiles(t, "testdata", runLuaTest)
}

func runLuaTest(t *testing.T, file string) {
	var stdout, stderr syncbuf.Buffer
	var stdin io.Reader
	if data, err := os.ReadFile(strings.TrimSuffix(file, ".lua") + ".stdin"); err == nil {
		stdin = bytes.NewReader(data)
	}
	rt := New(Options{
		Stdin:   stdin,
		Stdout:  &stdout,
		Stderr:  &stderr,
		Modules: map[string]lua.LGFunction{"assert": luaassert.Loader(t)},
	})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	err := rt.RunFile(ctx, file, []string{t.TempDir()})
	if err != nil {
		if e, ok := err.(*Error); ok && e.Kind == Interrupted && ctx.Err() != nil {
			t.Errorf("%s did not finish within %v (a hang?)", file, luaTestTimeout)
		} else if ok && e.Traceback != "" {
			t.Errorf("%s\n%s", e.Msg, e.Traceback)
		} else {
			t.Errorf("uncaught: %v", err)
		}
	}
	if out := stdout.String(); out != "" {
		t.Logf("stdout:\n%s", out)
	}
	// A task that failed without being joined prints to stderr: in a test
	// that is an error nobody checked.
	if msg := stderr.String(); msg != "" {
		t.Errorf("stderr:\n%s", msg)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the run", n)
	}
}
