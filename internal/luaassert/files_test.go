package luaassert

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadOptions(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		src  string
		want Options
		err  string // in the error, if one is expected
	}{
		{src: "-- a test\n--\n-- option: serial\nlocal x = 1\n", want: Options{Serial: true}},
		{src: "-- a test\nlocal x = 1\n-- option: serial\n"}, // after the header: code, not an option
		{src: "-- a test mentioning option: serial in prose\n"},
		{src: "--[[ option: serial ]]\n-- option: serial\n", want: Options{Serial: true}},
		{src: "-- option: sandbox\n-- option: timeout 1500ms\n-- option: memory 64MiB\n-- option: stdin in.txt\n",
			want: Options{Sandbox: true, Timeout: 1500 * time.Millisecond, MaxMemory: 64 << 20, Stdin: "in.txt"}},
		{src: "-- option: error t.lua:3: ... sandbox: time limit ... 1s\n",
			want: Options{Error: []string{"t.lua:3:", "sandbox: time limit", "1s"}}},
		{src: "-- option: serail\n", err: "option serail: unknown"},
		{src: "-- option: timeout\n", err: "option timeout: a value expected"},
		{src: "-- option: timeout soon\n", err: `"soon" is not a duration`},
		{src: "-- option: serial yes\n", err: `option serial: takes no value, got "yes"`},
		{src: "-- option: sandbox\n-- option: memory 64MB\n", err: `"64MB" is not a size`},
		{src: "-- option: memory 64MiB\n", err: "it needs option sandbox"},
	} {
		file := filepath.Join(dir, "t.lua")
		if err := os.WriteFile(file, []byte(tc.src), 0o644); err != nil {
			t.Fatal(err)
		}
		opts, err := ReadOptions(file)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err = %v, want one containing %q", tc.src, err, tc.err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.src, err)
		case !reflect.DeepEqual(opts, tc.want):
			t.Errorf("%q: options %+v, want %+v", tc.src, opts, tc.want)
		}
	}
}

// recorder is a testing.TB that keeps its failures.
type failRecorder struct {
	testing.TB
	failures []string
}

func (r *failRecorder) Helper() {}
func (r *failRecorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, format)
}

func TestCheckEnd(t *testing.T) {
	want := Options{Error: []string{"t.lua:3:", "time limit", "1s"}}
	for _, tc := range []struct {
		opts   Options
		msg    string
		passes bool
	}{
		{Options{}, "", true},
		{Options{}, "t.lua:1: boom", false},
		{want, "t.lua:3: sandbox: time limit: the run took longer than 1s", true},
		{want, "", false},
		{want, "1s t.lua:3: time limit", false}, // out of order
		{want, "t.lua:4: sandbox: time limit: 1s", false},
	} {
		r := &failRecorder{TB: t}
		tc.opts.CheckEnd(r, tc.msg)
		if passes := len(r.failures) == 0; passes != tc.passes {
			t.Errorf("%+v with %q: passes %v, want %v", tc.opts, tc.msg, passes, tc.passes)
		}
	}
}
