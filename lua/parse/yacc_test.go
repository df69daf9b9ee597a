package parse

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/lua/ast"
	"github.com/sockplay/sockplay/lua/parse/internal/yaccparse"
)

// The hand-written parser must build the tree gopher-lua's goyacc parser
// built, for every program both accept: the compiler was written for that
// tree. These tests parse Lua files with both and compare.

// treeText prints a syntax tree with every node's type, line and last line,
// and numbers by the value the compiler gives them.
func treeText(v any) string {
	var b strings.Builder
	writeTree(&b, reflect.ValueOf(v), 0)
	return b.String()
}

func writeTree(b *strings.Builder, v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		writeTree(b, v.Elem(), depth)
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("nil\n")
			return
		}
		if num, ok := v.Interface().(*ast.NumberExpr); ok {
			fmt.Fprintf(b, "Number %v @%d,%d\n", compilerNumber(num.Value), num.Line(), num.LastLine())
			return
		}
		t := v.Elem().Type()
		b.WriteString(t.Name())
		if ph, ok := v.Interface().(ast.PositionHolder); ok {
			fmt.Fprintf(b, " @%d,%d", ph.Line(), ph.LastLine())
		}
		b.WriteString("\n")
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).Anonymous {
				continue
			}
			fmt.Fprintf(b, "%s  %s: ", indent, t.Field(i).Name)
			writeTree(b, v.Elem().Field(i), depth+2)
		}
	case reflect.Slice:
		if v.IsNil() {
			b.WriteString("nil slice\n")
			return
		}
		fmt.Fprintf(b, "[%d]\n", v.Len())
		for i := 0; i < v.Len(); i++ {
			fmt.Fprintf(b, "%s  - ", indent)
			writeTree(b, v.Index(i), depth+2)
		}
	case reflect.String:
		fmt.Fprintf(b, "%q\n", v.String())
	default:
		fmt.Fprintf(b, "%v\n", v.Interface())
	}
}

// compilerNumber is the value lua.parseNumber gives a NumberExpr, except
// that a numeral out of range counts as ±Inf, as in Lua: the compiler
// made gopher-lua's "1e500" NaN (TestNumberValues checks the new texts).
func compilerNumber(s string) string {
	if n, err := strconv.ParseInt(s, 0, 64); err == nil {
		return strconv.FormatFloat(float64(n), 'g', -1, 64)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil || err.(*strconv.NumError).Err == strconv.ErrRange {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	return "NaN"
}

// compareWithYacc parses src with both parsers. Both must accept it and
// agree, or both refuse it; it returns the new parser's error, if any.
func compareWithYacc(t *testing.T, name, src string) error {
	t.Helper()
	got, err := Parse(strings.NewReader(src), name)
	// gopher-lua's LoadFile blanked a first line starting with '#' before
	// parsing; the new parser skips it itself.
	if strings.HasPrefix(src, "#") {
		src = src[strings.IndexByte(src+"\n", '\n'):]
	}
	want, yerr := yaccparse.Parse(strings.NewReader(src), name)
	switch {
	case err == nil && yerr == nil:
		if g, w := treeText(got), treeText(want); g != w {
			t.Errorf("%s: trees differ:\n%s", name, firstDifference(g, w))
		}
	case err == nil:
		t.Errorf("%s: accepted, but gopher-lua's parser refused it: %v", name, yerr)
	case yerr == nil:
		t.Errorf("%s: refused, but gopher-lua's parser accepted it: %v", name, err)
	}
	return err
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			from := max(i-8, 0)
			return fmt.Sprintf("line %d of the dump\nnew:\n%s\ngoyacc:\n%s",
				i+1, strings.Join(g[from:min(i+4, len(g))], "\n"), strings.Join(w[from:min(i+4, len(w))], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(g), len(w))
}

// luaFiles lists the .lua files under those of the directories that exist.
func luaFiles(t *testing.T, dirs ...string) []string {
	var files []string
	for _, dir := range dirs {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".lua") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestParseMatchesYaccOnProject parses this project's Lua (bundled scripts,
// exercises, binding tests) and testdata/constructs.lua, which holds the
// corners of the grammar.
func TestParseMatchesYaccOnProject(t *testing.T) {
	files := luaFiles(t, "testdata", "../../scripts", "../../exercises", "../../luabind/testdata", "../../examples")
	if len(files) < 20 {
		t.Fatalf("only %d Lua files found: %v", len(files), files)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := compareWithYacc(t, f, string(src)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestParseMatchesYaccOnUpstream parses gopher-lua's own test scripts and
// Lua 5.1's test suite as gopher-lua ships it, from the module cache (go mod
// download github.com/yuin/gopher-lua@v1.1.2).
func TestParseMatchesYaccOnUpstream(t *testing.T) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skip("go env GOMODCACHE:", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "github.com/yuin/gopher-lua@v1.1.2")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("gopher-lua v1.1.2 is not in the module cache; go mod download github.com/yuin/gopher-lua@v1.1.2 to run this test")
	}
	files := luaFiles(t, filepath.Join(dir, "_glua-tests"), filepath.Join(dir, "_lua5.1-tests"))
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(filepath.Dir(f)) + "/" + filepath.Base(f)
		if deliberate, ok := upstreamDifferences[name]; ok {
			_, err := Parse(strings.NewReader(string(src)), name)
			if err == nil || !strings.Contains(err.Error(), deliberate) {
				t.Errorf("%s: want the error %q, got %v", name, deliberate, err)
			}
			continue
		}
		if err := compareWithYacc(t, name, string(src)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// upstreamDifferences are the files of gopher-lua's tests the parser
// refuses on purpose, with the error it gives.
var upstreamDifferences = map[string]string{}

// FuzzParseMatchesYacc: whatever both parsers accept, they build the same tree.
func FuzzParseMatchesYacc(f *testing.F) {
	for _, dir := range []string{"testdata", "../../scripts"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err == nil {
				f.Add(string(src))
			}
		}
	}
	f.Add("a = (f()) b = (...) c = {x = 1, [2] = 3; 4} d = -x^2 ^ -y .. z .. w")
	f.Fuzz(func(t *testing.T, src string) {
		got, err := Parse(strings.NewReader(src), "fuzz")
		want, yerr := yaccparse.Parse(strings.NewReader(src), "fuzz")
		if err == nil && yerr == nil {
			if g, w := treeText(got), treeText(want); g != w {
				t.Errorf("trees differ:\n%s", firstDifference(g, w))
			}
		}
	})
}

// BenchmarkParse parses testdata/constructs.lua and the bundled scripts
// with the hand-written parser and with gopher-lua's.
func BenchmarkParse(b *testing.B) {
	var srcs []string
	for _, dir := range []string{"testdata", "../../scripts"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*", "*.lua"))
		more, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
		for _, f := range append(files, more...) {
			src, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			srcs = append(srcs, string(src))
		}
	}
	for _, p := range []struct {
		name  string
		parse func(io.Reader, string) ([]ast.Stmt, error)
	}{{"new", Parse}, {"goyacc", yaccparse.Parse}} {
		b.Run(p.name, func(b *testing.B) {
			for range b.N {
				for _, src := range srcs {
					if _, err := p.parse(strings.NewReader(src), "b"); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
