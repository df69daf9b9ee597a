package scripts_test

import (
	"context"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/leakcheck"
	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/scripts"
)

// TestLua runs the bundled scripts' end-to-end tests, testdata/*_test.lua,
// with the runner teachers use (`sockplay test scripts/testdata` runs
// them too): each file a subtest, the files in parallel, each Lua test a
// subtest of its file. When they are all done, the process has as many
// descriptors and goroutines as before: every socket and task of every
// run is gone.
func TestLua(t *testing.T) {
	files, err := luatest.Files([]string{"testdata"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*_test.lua")
	}
	// The network poller's own descriptors open with the first socket.
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
		ln.Close()
	}
	leakcheck.CheckGoroutines(t, stopTimeout)
	fds := leakcheck.Descriptors(t)
	t.Cleanup(func() {
		if n := leakcheck.Settle(stopTimeout, fds, func() int { return leakcheck.Descriptors(t) }); n > fds {
			t.Errorf("descriptors: %d before the tests, %d after", fds, n)
		}
	})
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), "_test.lua"), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			luatest.Run(ctx, []string{file}, luatest.Options{
				Scripts:   scripts.FS,
				IOTimeout: lineTimeout,
				Strict:    true, // a bundled script reads no global it never assigned
				// The command client's test reads a 100 KB reply whole.
				OutputLimit: 1 << 20,
				Report: func(r *luatest.TestResult) {
					t.Run(r.Name, func(t *testing.T) {
						if r.Output != "" {
							t.Log(r.Output)
						}
						for _, f := range r.Failures {
							t.Error(f)
						}
					})
				},
			})
		})
	}
}

func TestListMatchesEmbeddedFiles(t *testing.T) {
	embedded := map[string]bool{}
	err := fs.WalkDir(scripts.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			embedded[strings.TrimSuffix(path, ".lua")] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, info := range scripts.List() {
		if listed[info.Name] {
			t.Errorf("%s listed twice", info.Name)
		}
		listed[info.Name] = true
		if !embedded[info.Name] {
			t.Errorf("%s is listed but not embedded", info.Name)
		}
		if info.Summary == "" || strings.HasPrefix(info.Summary, "-") {
			t.Errorf("%s: summary %q", info.Name, info.Summary)
		}
		if info.SummaryZh == "" || strings.HasPrefix(info.SummaryZh, "-") {
			t.Errorf("%s: no Chinese summary (a second line \"-- zh: ...\"): %q", info.Name, info.SummaryZh)
		}
		src, _ := fs.ReadFile(scripts.FS, info.Name+".lua")
		if !strings.Contains(string(src), "sockplay run "+info.Name) {
			t.Errorf("%s: its header does not say how to run it (sockplay run %s)", info.Name, info.Name)
		}
		if !strings.Contains(string(src), "Tutorial") && !strings.Contains(string(src), "tutorial") {
			t.Errorf("%s: its header names no tutorial section", info.Name)
		}
	}
	for name := range embedded {
		if !listed[name] {
			t.Errorf("%s is embedded but missing from the list", name)
		}
	}
	if l := scripts.List(); len(l) == 0 || l[0].Name != "demo" {
		t.Errorf("the list should start with the demo")
	}
}

func TestSummary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		summary   func([]byte) string
		src, want string
	}{
		{"Summary", scripts.Summary, "-- An echo server.\n--\n-- More.\n", "An echo server."},
		{"Summary", scripts.Summary, "--- Three dashes\n", "Three dashes"},
		{"Summary", scripts.Summary, "local x = 1\n", ""},
		{"Summary", scripts.Summary, "", ""},
		{"SummaryZh", scripts.SummaryZh, "-- An echo server.\n-- zh: 回显服务端。\n-- More.\n", "回显服务端。"},
		{"SummaryZh", scripts.SummaryZh, "-- An echo server.\n--\n-- zh: later\n", ""},
		{"SummaryZh", scripts.SummaryZh, "-- An echo server.\n", ""},
		{"SummaryZh", scripts.SummaryZh, "-- zh: first\n", ""},
	} {
		if got := tc.summary([]byte(tc.src)); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.name, tc.src, got, tc.want)
		}
	}
}

// Every bundled TCP server is in tcp_test.lua's test_servers_rerun_at_once,
// which checks that it can be run again at once on its port.
func TestEveryTCPServerRerunTested(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "tcp_test.lua"))
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(string(src), "function test_servers_rerun_at_once()")
	if !ok {
		t.Fatal("tcp_test.lua has no test_servers_rerun_at_once")
	}
	body, _, _ = strings.Cut(body, "\nend\n")
	n := 0
	for _, info := range scripts.List() {
		if strings.HasPrefix(info.Name, "tcp/") && strings.HasSuffix(info.Name, "_server") {
			n++
			if !strings.Contains(body, `{"`+info.Name+`"`) {
				t.Errorf("%s is not in test_servers_rerun_at_once", info.Name)
			}
		}
	}
	if n < 9 {
		t.Errorf("found %d TCP servers, want at least 9", n)
	}
}
