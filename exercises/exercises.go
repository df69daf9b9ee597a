// Package exercises holds the graded socket exercises, embedded in the
// sockplay binary for `sockplay exercise list|start|check`.
//
// Each exercise NAME is a folder:
//
//	NAME/README.md          the task, what the checks test, hints
//	NAME/README.zh.md       the same in Simplified Chinese
//	NAME/NAME.lua           the starter, with TODOs
//	NAME/NAME_test.lua      the checks (Lua tests, see package luatest)
//	NAME/solution/NAME.lua  a reference solution
//
// The solutions stay in the repository, out of the binary: students hold
// the binary, and a script of theirs could read it and cut a solution out
// (a test builds the binary and looks for them). The checks call
// test.target("solution/NAME.lua"): `sockplay test exercises/` in the
// repository runs them against the solutions, `sockplay exercise check
// NAME FILE` against FILE. A Go test proves that every check passes on
// the solution and fails on the starter.
package exercises

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/sockplay/sockplay/internal/i18n"
)

// FS holds every exercise folder, without its solution.
//
//go:embed */README.md */README.zh.md */*.lua
var FS embed.FS

// order is the tutorial's order, then beyond it. A test checks that it
// names every folder of FS.
var order = []string{
	"echo_upper",
	"loop_client",
	"serial_server",
	"concurrent_server",
	"time_server",
	"chat_relay",
	"file_transfer",
	"select_server",
	"port_scanner",
}

// Info describes an exercise.
type Info struct {
	Name  string // "echo_upper"
	Title string // the README's heading
}

// List returns the exercises in order, their titles in l.
func List(l i18n.Lang) []Info {
	infos := make([]Info, 0, len(order))
	for _, name := range order {
		infos = append(infos, Info{Name: name, Title: title(name, l)})
	}
	return infos
}

// statement is the file of exercise name's task in l: README.md, or
// README.zh.md beside it.
func statement(name string, l i18n.Lang) string {
	if l == i18n.Chinese {
		return name + "/README.zh.md"
	}
	return name + "/README.md"
}

func title(name string, l i18n.Lang) string {
	src, err := fs.ReadFile(FS, statement(name, l))
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(src), "\n")
	return strings.TrimSpace(strings.TrimLeft(line, "#"))
}

// Exists reports whether name is an exercise.
func Exists(name string) bool {
	for _, n := range order {
		if n == name {
			return true
		}
	}
	return false
}

func check(name string) error {
	if !Exists(name) {
		return fmt.Errorf("no exercise named %q (see 'sockplay exercise list')", name)
	}
	return nil
}

// Start writes the task of exercise name, in l, and its starter into
// dir, as NAME.md and NAME.lua, and returns their paths. It never
// overwrites a file.
func Start(name, dir string, l i18n.Lang) ([]string, error) {
	if err := check(name); err != nil {
		return nil, err
	}
	files := []struct{ from, to string }{
		{statement(name, l), name + ".md"},
		{name + "/" + name + ".lua", name + ".lua"},
	}
	var written []string
	for _, f := range files {
		to := filepath.Join(dir, f.to)
		if _, err := os.Stat(to); err == nil {
			return written, fmt.Errorf("%s already exists: not overwriting it (pick another folder: sockplay exercise start %s DIR)", to, name)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, f := range files {
		to := filepath.Join(dir, f.to)
		data, err := fs.ReadFile(FS, f.from)
		if err != nil {
			return written, err
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return written, err
		}
		written = append(written, to)
	}
	return written, nil
}

// Extract writes the folder of exercise name (its task, starter and
// checks: the binary holds no solution) into dir and returns the paths
// of its check files.
func Extract(name, dir string) (checks []string, err error) {
	if err := check(name); err != nil {
		return nil, err
	}
	err = fs.WalkDir(FS, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		to := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		data, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, "_test.lua") && path.Dir(p) == name {
			checks = append(checks, to)
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err == nil && len(checks) == 0 {
		err = errors.New("exercise " + name + " has no checks")
	}
	return checks, err
}
