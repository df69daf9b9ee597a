package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestBuiltByGoRun(t *testing.T) {
	for path, want := range map[string]bool{
		filepath.FromSlash("/tmp/go-build2931/b001/exe/sockplay"): true,
		filepath.FromSlash("/home/me/go/bin/sockplay"):            false,
		filepath.FromSlash("/tmp/exe/sockplay"):                   false,
		filepath.FromSlash("/tmp/go-build1/b001/sockplay.test"):   false,
		filepath.FromSlash("/root/.cache/go-build/40/406b8b57151d52dbc515afee5dd9f34292a36d29e60d920b48f7d64fe5885f49-d/sockplay"): true,
		filepath.FromSlash("/root/.cache/go-build/41/406b8b57151d52dbc515afee5dd9f34292a36d29e60d920b48f7d64fe5885f49-d/sockplay"): false,
		filepath.FromSlash("/home/me/40/40-d/sockplay"): false,
	} {
		if got := builtByGoRun(path); got != want {
			t.Errorf("builtByGoRun(%s) = %v, want %v", path, got, want)
		}
	}
}

// A program run by its path is named by that path; on the PATH, by its
// name.
func TestCommandName(t *testing.T) {
	saved := os.Args[0]
	defer func() { os.Args[0] = saved }()
	for arg0, want := range map[string]string{
		"sockplay":                  "sockplay",
		filepath.FromSlash("./sp"):  filepath.FromSlash("./sp"),
		filepath.FromSlash("bin/x"): filepath.FromSlash("bin/x"),
	} {
		os.Args[0] = arg0
		if got := commandName(); got != want {
			t.Errorf("started as %s: commandName() = %q, want %q", arg0, got, want)
		}
	}
}
