package exercises_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/exercises"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/lua/ast"
	"github.com/sockplay/sockplay/lua/parse"
	"github.com/sockplay/sockplay/luatest"
	"github.com/sockplay/sockplay/scripts"
)

// The test binary is the program of the checks' child processes too.
func TestMain(m *testing.M) {
	luatest.ServeChild(scripts.FS)
	os.Exit(m.Run())
}

func TestListMatchesFolders(t *testing.T) {
	dirs := map[string]bool{}
	entries, err := fs.ReadDir(exercises.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			dirs[e.Name()] = true
		}
	}
	listed := map[string]bool{}
	for _, info := range exercises.List(i18n.English) {
		listed[info.Name] = true
		if !dirs[info.Name] {
			t.Errorf("%s is listed but has no folder", info.Name)
		}
		if info.Title == "" {
			t.Errorf("%s: its README has no title", info.Name)
		}
	}
	for d := range dirs {
		if !listed[d] {
			t.Errorf("folder %s is not in the list", d)
		}
	}
	if n := len(exercises.List(i18n.English)); n < 8 {
		t.Errorf("%d exercises, want at least 8", n)
	}
}

// Every exercise has its statement, a starter with TODOs, checks with a
// description and a hint each, and a solution; the checks default to the
// solution.
func TestLayout(t *testing.T) {
	for _, info := range exercises.List(i18n.English) {
		name := info.Name
		readme := read(t, name+"/README.md")
		for _, section := range []string{"## The task", "## What the checks test", "## Hints"} {
			if !strings.Contains(readme, section) {
				t.Errorf("%s/README.md lacks %q", name, section)
			}
		}
		if starter := read(t, name+"/"+name+".lua"); !strings.Contains(starter, "TODO") {
			t.Errorf("%s: the starter has no TODO", name)
		}
		if _, err := os.Stat(filepath.Join(name, "solution", name+".lua")); err != nil {
			t.Errorf("%s: no solution in the repository: %v", name, err)
		}
		if _, err := fs.Stat(exercises.FS, name+"/solution"); err == nil {
			t.Errorf("%s: the solution is embedded in the binary", name)
		}
		checks := read(t, name+"/"+name+"_test.lua")
		if !strings.Contains(checks, `test.target("solution/`+name+`.lua")`) {
			t.Errorf("%s: the checks do not default to the solution", name)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := fs.ReadFile(exercises.FS, path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(data)
}

// Every check passes on the solution and fails on the starter, run as
// `sockplay exercise check` runs them: from an extracted copy, in the
// sandbox. (The solution is the repository's: the binary has none.)
func TestChecksPassOnSolutionFailOnStarter(t *testing.T) {
	for _, info := range exercises.List(i18n.English) {
		name := info.Name
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			checks, err := exercises.Extract(name, dir)
			if err != nil {
				t.Fatal(err)
			}
			run := func(target string) *luatest.Result {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				return luatest.Run(ctx, checks, luatest.Options{Target: target, Sandbox: true, TrustTests: true, Scripts: scripts.FS, Isolate: &luatest.Isolation{}})
			}

			solution := run(filepath.Join(name, "solution", name+".lua"))
			if len(solution.Tests) < 3 {
				t.Errorf("%d checks, want at least 3", len(solution.Tests))
			}
			for _, r := range solution.Tests {
				if !r.Passed() {
					t.Errorf("%s fails on the solution:\n%s", r.Name, strings.Join(r.Failures, "\n"))
				}
				if r.Doc == "" || r.Hint == "" {
					t.Errorf("%s: no description or no hint above it (doc %q, hint %q)", r.Name, r.Doc, r.Hint)
				}
				if r.DocZh == "" || r.HintZh == "" {
					t.Errorf("%s: no Chinese description or hint above it (zh: %q, zh hint: %q)", r.Name, r.DocZh, r.HintZh)
				}
			}

			starter := run(filepath.Join(dir, name, name+".lua"))
			if len(starter.Tests) != len(solution.Tests) {
				t.Fatalf("%d checks ran on the starter, %d on the solution", len(starter.Tests), len(solution.Tests))
			}
			for _, r := range starter.Tests {
				if r.Passed() {
					t.Errorf("%s passes on the starter: it checks nothing the student has to do", r.Name)
				}
			}
		})
	}
}

// Every statement has its Chinese twin, README.zh.md, with a Chinese
// title and the same sections, and Start writes it for a Chinese user.
func TestStatementsInChinese(t *testing.T) {
	zh := exercises.List(i18n.Chinese)
	for i, info := range exercises.List(i18n.English) {
		name := info.Name
		if zh[i].Title == "" || zh[i].Title == info.Title || !strings.ContainsFunc(zh[i].Title, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("%s: Chinese title %q (English %q)", name, zh[i].Title, info.Title)
		}
		en, cn := read(t, name+"/README.md"), read(t, name+"/README.zh.md")
		if a, b := strings.Count(en, "\n## "), strings.Count(cn, "\n## "); a != b {
			t.Errorf("%s: README.md has %d sections, README.zh.md %d", name, a, b)
		}
		// What the checks compare the script's output with stays as it is.
		for _, want := range []string{"`server is listening on HOST:PORT`", "`os.exit(1)`", "`os.exit(2)`"} {
			if strings.Contains(en, want) && !strings.Contains(cn, want) {
				t.Errorf("%s: README.zh.md lacks %s", name, want)
			}
		}
	}
	dir := t.TempDir()
	files, err := exercises.Start("echo_upper", dir, i18n.Chinese)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(files[0]); string(got) != read(t, "echo_upper/README.zh.md") {
		t.Errorf("Start in Chinese wrote %s, not README.zh.md", files[0])
	}
}

func TestStart(t *testing.T) {
	dir := t.TempDir()
	files, err := exercises.Start("echo_upper", dir, i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "echo_upper.md"), filepath.Join(dir, "echo_upper.lua")}
	if strings.Join(files, " ") != strings.Join(want, " ") {
		t.Errorf("Start wrote %v, want %v", files, want)
	}
	got, _ := os.ReadFile(want[1])
	if string(got) != read(t, "echo_upper/echo_upper.lua") {
		t.Errorf("the starter differs from the embedded one")
	}
	// never overwrite the student's work
	if err := os.WriteFile(want[1], []byte("-- my work"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := exercises.Start("echo_upper", dir, i18n.English); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second Start: %v, want an error about the existing file", err)
	}
	if got, _ := os.ReadFile(want[1]); string(got) != "-- my work" {
		t.Errorf("Start overwrote the student's file")
	}
	if _, err := exercises.Start("nope", dir, i18n.English); err == nil || !strings.Contains(err.Error(), `no exercise named "nope"`) {
		t.Errorf("Start(nope): %v", err)
	}
}

// msgArg is the position of the message argument of the assert module's
// checks.
var msgArg = map[string]int{"eq": 3, "ne": 3, "true_": 2, "contains": 3, "matches": 3, "near": 4, "raises": 3, "fail": 1}

// The checks' own words reach a Chinese student in Chinese: every message
// an assertion of a bundled check gives is a table of both languages,
// {en = ..., zh = ...}, or test.say of one, or a value (a variable
// holding such a table, or data: a host, a port list), never English
// text alone. (docs/EXERCISES.md shows teachers the same.)
func TestCheckMessagesInBothLanguages(t *testing.T) {
	for _, info := range exercises.List(i18n.English) {
		file := info.Name + "/" + info.Name + "_test.lua"
		chunk, err := parse.Parse(strings.NewReader(read(t, file)), file)
		if err != nil {
			t.Fatal(err)
		}
		calls := 0
		eachCall(reflect.ValueOf(chunk), func(call *ast.FuncCallExpr) {
			get, ok := call.Func.(*ast.AttrGetExpr)
			if !ok {
				return
			}
			obj, ok1 := get.Object.(*ast.IdentExpr)
			key, ok2 := get.Key.(*ast.StringExpr)
			if !ok1 || !ok2 || obj.Value != "assert" || msgArg[key.Value] == 0 || len(call.Args) < msgArg[key.Value] {
				return
			}
			calls++
			if msg := call.Args[msgArg[key.Value]-1]; !bilingual(msg) {
				t.Errorf("%s:%d: assert.%s's message is in one language: give {en = ..., zh = ...}", file, msg.Line(), key.Value)
			}
		})
		if calls == 0 {
			t.Errorf("%s: no assertion with a message found: the walk misses them", file)
		}
	}
}

// bilingual reports whether a message expression says its words in both
// languages (or is a value, which may).
func bilingual(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.IdentExpr:
		return true
	case *ast.TableExpr:
		keys := map[string]bool{}
		for _, f := range e.Fields {
			if k, ok := f.Key.(*ast.StringExpr); ok {
				keys[k.Value] = true
			}
		}
		return keys["en"] && keys["zh"]
	case *ast.FuncCallExpr:
		get, ok := e.Func.(*ast.AttrGetExpr)
		if !ok {
			return false
		}
		obj, ok1 := get.Object.(*ast.IdentExpr)
		key, ok2 := get.Key.(*ast.StringExpr)
		return ok1 && ok2 && obj.Value == "test" && key.Value == "say" && len(e.Args) > 0 && bilingual(e.Args[0])
	}
	return false
}

// eachCall calls f with every function call in the syntax tree v.
func eachCall(v reflect.Value, f func(*ast.FuncCallExpr)) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			eachCall(v.Elem(), f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if call, ok := v.Interface().(*ast.FuncCallExpr); ok {
			f(call)
		}
		eachCall(v.Elem(), f)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			eachCall(v.Index(i), f)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				eachCall(v.Field(i), f)
			}
		}
	}
}
