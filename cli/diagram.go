package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/trace"
)

func newDiagramCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine:    "diagram [-o FILE.svg] TRACE.jsonl...",
		Short:        l.Sprintf("draw traces (--trace-json) as a sequence diagram"),
		Interspersed: true,
		Long: l.Sprintf(`
Diagram draws one or several traces written by --trace-json as a sequence
diagram (SVG); a server's and a client's traces are merged by time. Without
-o, the SVG goes to standard output when that is a file or a pipe
(sockplay diagram t.jsonl > t.svg), and on a terminal, where it would be
a screenful of XML, to a file named after the first trace (t.jsonl:
t.svg), as go tool pprof writes its graphs. -o - is standard output
always. See docs/TRACE.md.
`),
	}
	out := c.Flag.String("o", "", l.Sprintf("write the SVG to `FILE` (default: standard output, or on a terminal\nthe first trace's name with .svg)"))
	c.Run = func(io *stdio, files []string) int {
		if len(files) == 0 {
			return reportUsage(io.stderr, c.usageErrorf("no trace files given"))
		}
		var traces []*trace.Trace
		for _, f := range files {
			tr, err := trace.ReadFile(f)
			if err != nil {
				fmt.Fprintf(io.stderr, "%s: %v\n", c.title(), err)
				return exitError
			}
			traces = append(traces, tr)
		}
		d := diagram.BuildWith(diagram.Options{Lang: io.lang}, traces...)
		path := *out
		if path == "" && isTerminal(io.stdout) {
			path = strings.TrimSuffix(files[0], filepath.Ext(files[0])) + ".svg"
		}
		var err error
		if path == "" || path == "-" {
			err = d.WriteSVG(io.stdout)
		} else {
			err = writeDiagram(path, d)
		}
		if err != nil {
			fmt.Fprintf(io.stderr, "%s: %v\n", c.title(), err)
			return exitError
		}
		if *out == "" && path != "" {
			title := c.title()
			io.lang.Fprintf(io.stderr, "%s: wrote %s (-o FILE names it; -o - writes to the terminal)\n", title, path)
		}
		return exitOK
	}
	return c
}

func writeDiagram(path string, d *diagram.Diagram) error {
	var b bytes.Buffer
	if err := d.WriteSVG(&b); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
