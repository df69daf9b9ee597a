// Package diagram draws socket traces (the JSON lines that sockplay's
// --trace-json writes, see docs/TRACE.md) as sequence diagrams in SVG: one
// lifeline per endpoint, the connect/accept handshake, each send with its
// bytes and the recv calls that took them, FIN and close, UDP datagrams,
// errors. Several traces (a server's and a client's, from two processes)
// are merged by time and matched by their address pairs.
//
// The package is plain Go with no dependencies: it reads the JSON, not
// the runtime that wrote it.
package diagram

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Event is one line of a trace. The fields are the stable JSON fields of
// docs/TRACE.md.
type Event struct {
	T       float64 `json:"t"`    // seconds since the trace started
	Time    string  `json:"time"` // wall clock, RFC 3339; orders events of several traces
	Task    int     `json:"task"`
	Sock    int     `json:"sock"`
	Event   string  `json:"event"` // created bind listen connect accept send recv sendto recvfrom shutdown close
	Call    string  `json:"call"`  // the Lua call when it differs: sendall, send_msg, recv_msg, makefile, ...
	Family  string  `json:"family"`
	Type    string  `json:"type"`
	Local   string  `json:"local"`
	Remote  string  `json:"remote"`
	Bytes   *int    `json:"bytes"`
	Bufsize int     `json:"bufsize"`
	Data    string  `json:"data"` // hex of the first bytes
	New     int     `json:"new"`
	Peer    int     `json:"peer"`
	Backlog *int    `json:"backlog"`
	How     string  `json:"how"`
	Dur     float64 `json:"dur"`
	Error   string  `json:"error"`
	Errno   int     `json:"errno"`
}

// Trace is the events of one run, named for the diagram (a file name).
type Trace struct {
	Name   string
	Events []Event
}

// Read parses a trace: one JSON object per line, blank lines skipped.
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

// bytesOf is the event's byte count (0 when it has none).
func (e *Event) bytesOf() int {
	if e.Bytes == nil {
		return 0
	}
	return *e.Bytes
}

func (e *Event) isData() bool { return e.Bytes != nil }

// data is the recorded first bytes of the event's data.
func (e *Event) data() []byte {
	b, _ := hex.DecodeString(e.Data)
	return b
}

// callName is what the script called: the call, else the event.
func (e *Event) callName() string {
	if e.Call != "" {
		return e.Call
	}
	return e.Event
}

// wall is the event's wall-clock time in seconds; traces without a time
// field fall back to t.
func (e *Event) wall() float64 {
	if t, err := time.Parse(time.RFC3339Nano, e.Time); err == nil {
		return float64(t.UnixNano()) / 1e9
	}
	return e.T
}
