package scripts_test

import (
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/exercises"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/parse"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// The code sockplay ships runs clean under --strict: every global it reads
// by name is one the runtime defines or one the file assigns. The bundled
// scripts also run in strict mode in every test of this package
// (newRuntime); this check reads the code instead, so it covers every
// path of every file, the exercises' starters, solutions and checks too,
// which the check tests run against student code, not strictly.
func TestStrictClean(t *testing.T) {
	defined := runtimeGlobals(t)
	probe := "local function f() return True end\nx = 1\nprint(x, f(), string.upper(y))"
	if got := strings.Join(undefinedGlobals(t, "probe.lua", probe, defined), " "); got != "True y" {
		t.Fatalf("the check finds %q in the probe, want \"True y\"", got)
	}
	checked := 0
	check := func(fsys fs.FS, what string, extra ...string) {
		files, err := fs.Glob(fsys, "*/*.lua")
		if err != nil {
			t.Fatal(err)
		}
		more, _ := fs.Glob(fsys, "*.lua")
		deeper, _ := fs.Glob(fsys, "*/*/*.lua")
		files = append(append(files, more...), deeper...)
		if len(files) == 0 {
			t.Fatalf("no %s", what)
		}
		for _, file := range files {
			src, err := fs.ReadFile(fsys, file)
			if err != nil {
				t.Fatal(err)
			}
			allowed := defined
			if strings.HasSuffix(file, "_test.lua") {
				allowed = withNames(defined, extra...)
			}
			if undefined := undefinedGlobals(t, what+"/"+file, string(src), allowed); len(undefined) > 0 {
				t.Errorf("%s/%s reads globals it never assigns: %s", what, file, strings.Join(undefined, ", "))
			}
			checked++
		}
	}
	check(scripts.FS, "scripts")
	check(exercises.FS, "exercises", "test") // the checks' module (package luatest)
	if checked < 40 {
		t.Errorf("%d files checked; the bundled scripts and exercises are more", checked)
	}
}

// runtimeGlobals are the globals of a fresh runtime.
func runtimeGlobals(t *testing.T) map[string]bool {
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	sess := rt.NewSession()
	defer sess.Close()
	names := map[string]bool{}
	for _, n := range sess.Names(nil, false) {
		names[n] = true
	}
	if !names["socket"] || !names["print"] || !names["strict"] {
		t.Fatalf("the runtime's globals lack socket, print or strict: %v", names)
	}
	return names
}

func withNames(m map[string]bool, names ...string) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	for _, n := range names {
		out[n] = true
	}
	return out
}

// undefinedGlobals lists the globals src reads by name (GETGLOBAL) that
// are neither in defined nor assigned anywhere in src (SETGLOBAL).
func undefinedGlobals(t *testing.T, name, src string, defined map[string]bool) []string {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	read, assigned := map[string]bool{}, map[string]bool{}
	var walk func(p *lua.FunctionProto)
	walk = func(p *lua.FunctionProto) {
		for _, inst := range p.Code {
			op, bx := int(inst>>26), int(inst&0x3ffff) // gopher-lua's instruction layout
			switch op {
			case lua.OP_GETGLOBAL:
				read[lua.LVAsString(p.Constants[bx])] = true
			case lua.OP_SETGLOBAL:
				assigned[lua.LVAsString(p.Constants[bx])] = true
			}
		}
		for _, nested := range p.FunctionPrototypes {
			walk(nested)
		}
	}
	walk(proto)
	var undefined []string
	for g := range read {
		if !defined[g] && !assigned[g] {
			undefined = append(undefined, g)
		}
	}
	sort.Strings(undefined)
	return undefined
}
