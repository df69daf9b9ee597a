package tutorial

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sockplay/sockplay/cli"
)

var update = flag.Bool("update", false, "re-record the traces in testdata/ and re-draw the diagrams in img/")

// The test binary doubles as the sockplay the pages run, as the root
// package's CLI tests and repl's do it: testscript.Main puts a copy of it named
// sockplay on the PATH, which runs the command line. Its results depend
// on the code as go test sees it, so a cached pass is never stale.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"sockplay": func() { cli.Main("test") }})
}

// pages lists the walk-through's pages: name → path, both languages.
func pages(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"*.md", "zh-CN/*.md"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) < 2 {
		t.Fatalf("no pages found: %v", out)
	}
	return out
}

// env is the environment of a page's commands: sockplay on PATH, no
// colours, no history, and the locale of the page's language.
func env(dir, page string) []string {
	var e []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case k == "PATH", k == "GORACE", k == "LANG", k == "LANGUAGE", k == "TERM", k == "NO_COLOR",
			strings.HasPrefix(k, "LC_"), strings.HasPrefix(k, "SOCKPLAY_"), k == "XDG_STATE_HOME":
			continue
		}
		e = append(e, kv)
	}
	lang := "C.UTF-8"
	if strings.HasPrefix(filepath.ToSlash(page), "zh-CN/") {
		lang = "zh_CN.UTF-8"
	}
	// PATH has the sockplay of TestMain first; a sockplay built with -race
	// would sleep a second at exit by default.
	return append(e, "PATH="+os.Getenv("PATH"), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"), "LANG="+lang,
		"TERM=dumb", "NO_COLOR=1", "SOCKPLAY_HISTORY=off", "XDG_STATE_HOME="+filepath.Join(dir, ".state"))
}

const (
	cmdTimeout   = 30 * time.Second // a foreground command
	startTimeout = 15 * time.Second // a background one's first line
	endTimeout   = 20 * time.Second // a background one's end
)

// A page being checked.
type pageRun struct {
	t     *testing.T
	path  string
	dir   string
	env   []string
	binds map[string]string // the page's port → this run's
	bgs   []*bgRun
}

type bgRun struct {
	p       *proc
	c       command
	prompts []string
	inputs  []string
}

func TestPages(t *testing.T) {
	for _, path := range pages(t) {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			t.Parallel()
			items, err := parsePage(path)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			r := &pageRun{t: t, path: path, dir: dir, env: env(dir, path), binds: map[string]string{}}
			t.Cleanup(func() {
				for _, bg := range r.bgs {
					bg.p.kill()
				}
			})
			for _, it := range items {
				r.item(it)
			}
			r.finishBackground()
		})
	}
}

func (r *pageRun) where(line int) string { return fmt.Sprintf("%s:%d", r.path, line) }

func (r *pageRun) item(it item) {
	switch {
	case it.heading > 0:
		if it.heading <= 2 {
			r.finishBackground()
		}
	case it.has("file"):
		name := it.args["file"]
		if err := os.WriteFile(filepath.Join(r.dir, name), []byte(strings.Join(it.body, "\n")+"\n"), 0o644); err != nil {
			r.t.Fatal(err)
		}
	case it.has("from"):
		r.excerpt(it)
	case it.has("repl"):
		r.repl(it)
	case it.lang == "console":
		cmds, err := it.commands()
		if err != nil {
			r.t.Fatalf("%s: %v", r.where(it.line), err)
		}
		if it.has("bg") {
			if len(cmds) != 1 {
				r.t.Fatalf("%s: a bg block holds one command, not %d", r.where(it.line), len(cmds))
			}
			r.background(it, cmds[0])
			return
		}
		for _, c := range cmds {
			r.foreground(it, c)
		}
	}
}

var number = regexp.MustCompile(`\b\d{2,5}\b`)

// subst puts this run's ports for the page's in a line to type.
func (r *pageRun) subst(s string) string {
	return number.ReplaceAllStringFunc(s, func(n string) string {
		if v, ok := r.binds[n]; ok {
			return v
		}
		return n
	})
}

func (r *pageRun) substAll(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(r.subst(l))
		b.WriteString("\n")
	}
	return b.String()
}

// check compares output with the expected lines and binds their ports.
func (r *pageRun) check(line int, what string, exp []string, out string) bool {
	r.t.Helper()
	b, ok := match(compileLines(exp), normalize(out), r.binds)
	if ok {
		r.binds = b
		return true
	}
	r.t.Errorf("%s: %s\n--- the page shows:\n%s\n--- it printed:\n%s", r.where(line), what,
		strings.Join(exp, "\n"), strings.Join(normalize(out), "\n"))
	return false
}

func (r *pageRun) foreground(it item, c command) {
	inputs := inputsOf(c.exp, it.prompts)
	out, err := run(r.t, r.subst(c.cmd), r.dir, r.env, r.substAll(inputs), cmdTimeout)
	if err != nil {
		r.t.Errorf("%s: $ %s: %v\n%s", r.where(c.line), c.cmd, err, out)
		return
	}
	r.check(c.line, "$ "+c.cmd, c.exp, typed(out, it.prompts, inputs))
}

func (r *pageRun) background(it item, c command) {
	inputs := inputsOf(c.exp, it.prompts)
	p, err := start(r.subst(c.cmd), r.dir, r.env, r.substAll(inputs))
	if err != nil {
		r.t.Fatalf("%s: $ %s: %v", r.where(c.line), c.cmd, err)
	}
	bg := &bgRun{p: p, c: c, prompts: it.prompts, inputs: inputs}
	r.bgs = append(r.bgs, bg)
	if len(c.exp) == 0 {
		return
	}
	// Go on once it has said where it listens: its lines up to the first
	// with a port, or its first line.
	n := 1
	for i, l := range c.exp {
		if len(compileLine(l).ports) > 0 {
			n = i + 1
			break
		}
	}
	first := compileLines(c.exp[:n])
	var binds map[string]string
	ok := p.waitFor(startTimeout, func(out string) bool {
		lines := normalize(typed(out, it.prompts, inputs))
		if strings.Count(out, "\n") < n || len(lines) < n {
			return false
		}
		b, ok := match(first, lines[:n], r.binds)
		binds = b
		return ok
	})
	if !ok {
		r.t.Fatalf("%s: $ %s: its first lines did not come within %v\n--- the page shows:\n%s\n--- it printed:\n%s",
			r.where(c.line), c.cmd, startTimeout, strings.Join(c.exp[:n], "\n"), p.output())
	}
	r.binds = binds
}

// finishBackground ends the background commands: each is interrupted
// where its output shows ^C, and must then end; its whole output is
// checked.
func (r *pageRun) finishBackground() {
	bgs := r.bgs
	r.bgs = nil
	for _, bg := range bgs {
		r.finish(bg)
	}
}

func (r *pageRun) finish(bg *bgRun) {
	c := bg.c
	exp := c.exp
	shown := func() string {
		return strings.Join(normalize(typed(bg.p.output(), bg.prompts, bg.inputs)), "\n")
	}
	for i, l := range c.exp {
		before, after, ok := strings.Cut(l, "^C")
		if !ok {
			continue
		}
		// Wait for what it prints before Ctrl-C (the last line as far as
		// the ^C), then press it.
		want := compileLines(append(append([]string{}, c.exp[:i]...), before))
		ok = bg.p.waitFor(endTimeout, func(out string) bool {
			out = strings.ReplaceAll(ansi.ReplaceAllString(typed(out, bg.prompts, bg.inputs), ""), "\r", "")
			lines := strings.Split(out, "\n")
			for j := range lines {
				lines[j] = strings.TrimRight(lines[j], " \t")
			}
			_, ok := match(want, lines, r.binds)
			return ok
		})
		if !ok {
			bg.p.kill()
			r.t.Errorf("%s: $ %s: before ^C, the page shows:\n%s\n--- it printed:\n%s", r.where(c.line), c.cmd,
				strings.Join(c.exp[:i+1], "\n"), shown())
			return
		}
		bg.p.interrupt()
		exp = append(append(append([]string{}, c.exp[:i]...), before+after), c.exp[i+1:]...)
		break
	}
	if err := bg.p.wait(endTimeout); err != nil {
		r.t.Errorf("%s: %v\n%s", r.where(c.line), err, shown())
		return
	}
	r.check(c.line, "$ "+c.cmd+" (in the background)", exp, typed(bg.p.output(), bg.prompts, bg.inputs))
}

func (r *pageRun) repl(it item) {
	in, out := it.replLines()
	got, err := run(r.t, "sockplay -i", r.dir, r.env, r.substAll(in), cmdTimeout)
	if err != nil {
		r.t.Errorf("%s: the REPL session: %v\n%s", r.where(it.line), err, got)
		return
	}
	r.check(it.line, "the REPL session", out, got)
}

// excerpt checks that a piece of a bundled script shown on the page is in
// the script, pieces in order.
func (r *pageRun) excerpt(it item) {
	name := it.args["from"]
	src, err := run(r.t, "sockplay show "+name, r.dir, r.env, "", cmdTimeout)
	if err != nil {
		r.t.Fatalf("%s: sockplay show %s: %v", r.where(it.line), name, err)
	}
	var pieces [][]string
	cur := []string{}
	for _, l := range it.body {
		if t := strings.TrimSpace(l); t == "..." || t == "-- ..." {
			pieces, cur = append(pieces, cur), []string{}
			continue
		}
		cur = append(cur, l)
	}
	pieces = append(pieces, cur)
	rest := src
	for _, p := range pieces {
		if len(p) == 0 {
			continue
		}
		s := strings.Join(p, "\n") + "\n"
		i := strings.Index(rest, s)
		if i < 0 {
			r.t.Errorf("%s: this is not in `sockplay show %s` (or not in this order):\n%s", r.where(it.line), name, s)
			return
		}
		rest = rest[i+len(s):]
	}
}
