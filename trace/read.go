package trace

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Trace is the events of one run, named for messages and diagrams (a
// file name).
type Trace struct {
	Name   string
	Events []Event
}

// Read parses JSON lines (--trace-json): one event per line, blank lines
// skipped. name is the trace's name in its errors and in the result.
func Read(r io.Reader, name string) (*Trace, error) {
	tr := &Trace{Name: name}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var ev Event
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			return nil, fmt.Errorf("%s:%d: not a trace event (JSON lines from --trace-json): %v", name, n, err)
		}
		if ev.Event == "" {
			return nil, fmt.Errorf("%s:%d: not a trace event: no \"event\" field", name, n)
		}
		tr.Events = append(tr.Events, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return tr, nil
}

// ReadFile reads a trace file; the trace is named by the file's base name.
func ReadFile(path string) (*Trace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, filepath.Base(path))
}
