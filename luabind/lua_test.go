package luabind

// The Lua test harness, as starlark-go's starlarktest does it: every
// testdata/*.lua runs in a fresh Runtime as a subtest, with the assert
// module of internal/luaassert, whose failures are reported to testing.T
// with the Lua file:line and do not stop the script. arg[1] is a
// temporary directory of the test's own. The options in the file's
// header comment (luaassert.Options) say how it runs: serial, in the
// sandbox, with an input file, a time limit, the error it must end with.

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/luaassert"
	"github.com/sockplay/sockplay/internal/syncbuf"
	lua "github.com/sockplay/sockplay/lua"
)

// luaTestTimeout bounds a Lua test's run where no option says otherwise.
const luaTestTimeout = luaassert.DefaultTimeout

// portableBackend reports whether the tests run on the portable backend
// (SOCKPLAY_BACKEND=portable, or a system other than Linux): a test of
// what only the Linux backend does skips then, saying what.
func portableBackend() bool { return newBackend().name() == "portable" }

// sandboxStopGrace is how long the sandbox has, past its own time limit,
// to stop a run before the harness calls it a hang.
const sandboxStopGrace = 15 * time.Second

func TestLua(t *testing.T) {
	luaassert.RunFiles(t, "testdata", runLuaTest)
}

func runLuaTest(t *testing.T, file string, opts luaassert.Options) {
	var stdout, stderr syncbuf.Buffer
	var stdin io.Reader
	if opts.Stdin != "" {
		data, err := os.ReadFile(filepath.Join(filepath.Dir(file), opts.Stdin))
		if err != nil {
			t.Fatal(err)
		}
		stdin = bytes.NewReader(data)
	}
	dir := t.TempDir()
	limit := opts.Limit()
	var sandbox *Sandbox
	if opts.Sandbox {
		// A sandboxed script may read itself, as the CLI lets it.
		sandbox = &Sandbox{TempDir: dir, Timeout: limit, MaxMemory: opts.MaxMemory, Read: []string{file}}
		limit += sandboxStopGrace
	}
	rt := New(Options{
		Stdin:   stdin,
		Stdout:  &stdout,
		Stderr:  &stderr,
		Modules: map[string]lua.LGFunction{"assert": luaassert.Loader(t)},
		Sandbox: sandbox,
	})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	err := rt.RunFile(ctx, file, []string{dir})
	msg := ""
	if e, ok := err.(*Error); ok && e.Kind == Interrupted && ctx.Err() != nil {
		t.Fatalf("%s did not finish within %v (a hang?), stopped at:\n%s\n%s", file, limit, e.Msg, e.Traceback)
	} else if ok {
		msg = strings.TrimSpace(e.Msg + "\n" + e.Traceback)
	} else if err != nil {
		msg = err.Error()
	}
	opts.CheckEnd(t, msg)
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
	if err != nil {
		// Whatever ended the run, the host goes on: the runtime runs the
		// next chunk.
		before := len(stdout.String())
		ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
		defer cancel()
		if err := rt.RunString(ctx, "next.lua", `print("still here")`, nil); err != nil || stdout.String()[before:] != "still here\n" {
			t.Errorf("the run after the error: %v, output %q", err, stdout.String()[before:])
		}
	}
}
