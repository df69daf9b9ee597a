package luabind

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// scriptDir writes a script's folder: main.lua, which requires helpers
// and tries what it must not reach, helpers.lua, a data file, a module
// in a subfolder and a link named like a module.
func scriptDir(t *testing.T) (dir, main string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "some", "dir")
	files := map[string]string{
		"main.lua": `local h = require("helpers")
print(h.greet("world"))
print(pcall(function() return io.open(DIR .. "/data.txt"):read("*a") end))
print((select(2, pcall(require, "sub.deep")):gsub("\n.*", "")))
print((select(2, pcall(require, "link")):gsub("\n.*", "")))
print(pcall(function() return io.open(DIR .. "/link.lua"):read("*a") end))
print(pcall(function() return io.open(DIR .. "/helpers.lua"):read("*a") end))
`,
		"helpers.lua":  `return {greet = function(n) return "hello " .. n end}`,
		"data.txt":     "secret data",
		"sub/deep.lua": `return "deep"`,
	}
	for name, text := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("data.txt", filepath.Join(dir, "link.lua")); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "main.lua")
}

// require finds the modules beside a script whatever the working
// directory, as Python's sys.path[0]; a run of code without a file
// (RunString) looks where it did before.
func TestRequireBesideTheScript(t *testing.T) {
	dir, main := scriptDir(t)
	t.Chdir(t.TempDir()) // not the script's folder
	rt, stdout, _ := newTestRuntime(t, Options{})
	ctx := testContext(t)
	if err := rt.RunString(ctx, "set.lua", "DIR = "+luaQuote(dir), nil); err != nil {
		t.Fatal(err)
	}
	if err := rt.RunFile(ctx, main, nil); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{"hello world\n", "true\tsecret data\n", "deep\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	before := len(out)
	err := rt.RunString(ctx, "after.lua", `print(package.path:find(DIR, 1, true) ~= nil)`, nil)
	if after := stdout.String()[before:]; err != nil || after != "false\n" {
		t.Errorf("after RunString, the script's folder on package.path: %v, %q", err, after)
	}
}

// Sandboxed, require may load the .lua files right in the script's
// folder, and nothing else there: not a subfolder's module, not a link
// named like a module. Nor may the script read their text, or its data
// (in a folder a teacher grades, a classmate's solution may lie beside
// it).
func TestSandboxedRequireBesideTheScript(t *testing.T) {
	dir, main := scriptDir(t)
	rt, stdout, _ := newTestRuntime(t, Options{Sandbox: &Sandbox{TempDir: t.TempDir(), Read: []string{main}}})
	ctx := testContext(t)
	if err := rt.RunString(ctx, "set.lua", "DIR = "+luaQuote(dir), nil); err != nil {
		t.Fatal(err)
	}
	if err := rt.RunFile(ctx, main, nil); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("output:\n%s", stdout.String())
	}
	if lines[0] != "hello world" {
		t.Errorf("require: %q", lines[0])
	}
	for i, want := range []string{"", `false	PermissionError: sandbox: reading "` + dir + `/data.txt" refused`,
		"module sub.deep not found:", "module link not found:",
		`false	PermissionError: sandbox: reading "` + dir + `/link.lua" refused`,
		`false	PermissionError: sandbox: reading "` + dir + `/helpers.lua" refused: scripts may read only their own files: `} {
		if i > 0 && !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d: %q, want it to start with %q", i+1, lines[i], want)
		}
	}
	if !strings.HasSuffix(lines[5], filepath.Join(dir, "*.lua")+" (with require)") {
		t.Errorf("the refusal does not say that the modules are for require: %q", lines[5])
	}
}

// ModuleFiles lists the regular .lua files beside a script: no data, no
// subfolder, no link.
func TestModuleFiles(t *testing.T) {
	dir, main := scriptDir(t)
	got := ModuleFiles(main)
	want := []string{filepath.Join(dir, "helpers.lua"), main}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("ModuleFiles = %q, want %q", got, want)
	}
}

func luaQuote(s string) string { return `"` + strings.ReplaceAll(s, `\`, `\\`) + `"` }

// A runtime that ran a file, then code without one, then the file
// again: the folder goes, and comes back once.
func TestScriptDirComesAndGoes(t *testing.T) {
	dir, main := scriptDir(t)
	rt, stdout, _ := newTestRuntime(t, Options{Sandbox: &Sandbox{TempDir: t.TempDir(), Read: []string{main}}})
	ctx := testContext(t)
	count := `local n = 0 for _ in package.path:gmatch("some/dir/%?%.lua") do n = n + 1 end print(n)`
	for i, run := range []func() error{
		func() error { return rt.RunString(ctx, "set.lua", "DIR = "+luaQuote(dir), nil) },
		func() error { return rt.RunFile(ctx, main, nil) },
		func() error { return rt.RunString(ctx, "count.lua", count, nil) },
		func() error { return rt.RunFile(ctx, main, nil) },
		func() error { return rt.RunString(ctx, "count.lua", count, nil) },
	} {
		if err := run(); err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
	}
	if got := strings.Count(stdout.String(), "hello world\n"); got != 2 {
		t.Errorf("the file ran %d times well:\n%s", got, stdout.String())
	}
	if !strings.HasSuffix(stdout.String(), "\n0\n") || strings.Count(stdout.String(), "\n0\n") != 2 {
		t.Errorf("after a run of code without a file, its folder is still on package.path:\n%s", stdout.String())
	}
}
