package cli

import (
	"flag"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
)

// Every pair of run flags, with each kind of script and with stdin a
// terminal or not, either plans a run or is refused with a message that
// names both sides of the conflict. (What each run then does is tested by
// testdata/script/flags.txtar; a script cannot give sockplay a terminal.)
func TestRunFlagPairs(t *testing.T) {
	// A value for each flag that takes one; a new run flag needs one here.
	values := map[string]string{
		"e": "print(1)", "trace-bytes": "8", "trace-json": "t.jsonl",
		"diagram": "d.svg", "timeout": "5s",
		"memory": "64MiB", "cpu": "5s", "files": "64", "file-size": "1MiB", "allow-read": "data",
		"ui-port": "0", "ui-join": "http://127.0.0.1:1/?token=x",
	}
	limits := map[string]bool{"--memory": true, "--cpu": true, "--files": true, "--file-size": true}
	flags := map[string][]string{}
	var probe runFlags
	probe.register(i18n.English, flag.NewFlagSet("probe", flag.ContinueOnError))
	probe.fs.VisitAll(func(fl *flag.Flag) {
		args := []string{dashed(fl.Name)}
		if b, ok := fl.Value.(boolFlag); !ok || !b.IsBoolFlag() {
			v, ok := values[fl.Name]
			if !ok {
				t.Fatalf("no sample value for %s in this test", dashed(fl.Name))
			}
			args = append(args, v)
		}
		flags[dashed(fl.Name)] = args
	})
	scripts := map[string][]string{"no script": nil, "FILE": {"f.lua", "x"}, "-": {"-"}}
	for a, aArgs := range flags {
		for b, bArgs := range flags {
			if a >= b {
				continue
			}
			for script, sArgs := range scripts {
				for _, terminal := range []bool{false, true} {
					args := append(append(append([]string{}, aArgs...), bArgs...), sArgs...)
					c := &Command{UsageLine: "[run flags]"}
					var f runFlags
					f.register(i18n.English, &c.Flag)
					rest, err := c.parse(args)
					if err != nil {
						t.Errorf("%q: %v", args, err)
						continue
					}
					p, err := f.plan(rest, false, terminal)
					repl := a == "-i" || b == "-i" || script == "no script" && a != "-e" && b != "-e" && terminal
					// The limits are a process's: refused where the
					// REPL stays in this one (a console on Windows).
					replHere := repl && !(child.Supported && (!terminal || child.TerminalSupported))
					var want []string // the sides a refusal must name
					switch {
					case repl && script == "-" && a != "-e" && b != "-e":
						want = []string{"-i", "-"}
					case replHere && limits[a] && limits[b]:
						want = []string{"limits a sandboxed script's own process", "REPL"}
					case replHere && limits[a]:
						want = []string{a, "REPL"}
					case replHere && limits[b]:
						want = []string{b, "REPL"}
					case repl && (a == "--timeout" || b == "--timeout"):
						want = []string{"--timeout", "REPL"}
					case a == "--ui-join" && b == "--ui-port":
						want = []string{"--ui-port", "--ui-join"}
					}
					switch {
					case want == nil && err != nil:
						t.Errorf("%q (stdin a terminal: %v): refused: %v", args, terminal, err)
					case want != nil && err == nil:
						t.Errorf("%q (stdin a terminal: %v): planned %+v, want a refusal naming %q", args, terminal, p, want)
					case err != nil:
						for _, w := range want {
							if !strings.Contains(err.Error(), w) {
								t.Errorf("%q: %q does not name %s", args, err, w)
							}
						}
					case p.repl != repl:
						t.Errorf("%q (stdin a terminal: %v): REPL %v, want %v", args, terminal, p.repl, repl)
					}
				}
			}
		}
	}
}
