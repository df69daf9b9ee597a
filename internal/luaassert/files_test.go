package luaassert

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHeaderOptions(t *testing.T) {
	dir := t.TempDir()
	for src, want := range map[string]string{
		"-- a test\n--\n-- option: serial\nlocal x = 1\n": "serial",
		"-- a test\nlocal x = 1\n-- option: serial\n":     "", // after the header: code, not an option
		"-- option: serail\n":                             "error",
		"-- a test mentioning option: serial in prose\n":  "",
		"--[[ option: serial ]]\n-- option: serial\n":     "serial",
	} {
		file := filepath.Join(dir, "t.lua")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		opts, err := headerOptions(file)
		switch {
		case want == "error":
			if err == nil || !strings.Contains(err.Error(), `unknown option "serail"`) {
				t.Errorf("%q: err = %v, want the unknown option named", src, err)
			}
		case err != nil:
			t.Errorf("%q: %v", src, err)
		case opts["serial"] != (want == "serial"):
			t.Errorf("%q: options %v, want %q", src, opts, want)
		}
	}
}
