package trace

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// full is an event with every field set, so that a field added to Event
// must be added here too (TestFullHasEveryField) and then goes through
// the round trip.
func full() Event {
	n, backlog := 5, 128
	return Event{
		T: 0.405688, Time: "2026-11-25T15:50:11.69544426Z", Task: 1, Sock: 2,
		Event: "recv", Call: "recv_msg", Family: "AF_INET", Type: "SOCK_STREAM",
		Local: "127.0.0.1:8081", Remote: "127.0.0.1:41482", Bytes: &n, Bufsize: 1024,
		Data: "68656c6c6f", New: 3, Peer: 4, Backlog: &backlog, How: "SHUT_WR",
		Dur: 0.000008, Error: "ConnectionResetError: [Errno 104] Connection reset by peer", Errno: 104,
	}
}

func TestFullHasEveryField(t *testing.T) {
	v := reflect.ValueOf(full())
	for i := 0; i < v.NumField(); i++ {
		if v.Field(i).IsZero() {
			t.Errorf("full() leaves Event.%s unset: the round trip does not check it", v.Type().Field(i).Name)
		}
	}
}

// TestRoundTrip: what JSONLine writes, Read reads back identically, and
// writing it again gives the same bytes.
func TestRoundTrip(t *testing.T) {
	zeroBytes := 0
	for _, ev := range []Event{
		full(),
		{Time: "2026-11-25T15:50:11Z", Sock: 1, Event: "created", Family: "AF_UNIX", Type: "SOCK_DGRAM"},
		{Sock: 1, Event: "recv", Family: "AF_INET", Type: "SOCK_STREAM", Bytes: &zeroBytes}, // end of stream: bytes 0 is kept
	} {
		line, err := ev.JSONLine()
		if err != nil {
			t.Fatal(err)
		}
		tr, err := Read(strings.NewReader(string(line)), "rt")
		if err != nil {
			t.Fatal(err)
		}
		if len(tr.Events) != 1 || !reflect.DeepEqual(tr.Events[0], ev) {
			t.Errorf("wrote %s read back %+v", line, tr.Events)
			continue
		}
		again, _ := tr.Events[0].JSONLine()
		if string(again) != string(line) {
			t.Errorf("written again:\n%s\nfirst:\n%s", again, line)
		}
	}
}

// TestFieldsAreDocumented: the JSON fields are exactly the ones
// docs/TRACE.md's table lists, in its order.
func TestFieldsAreDocumented(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "docs", "TRACE.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([a-z]+)` \\|")
	var documented []string
	in := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "## "):
			in = line == "## The JSON lines"
		case in:
			if m := row.FindStringSubmatch(line); m != nil {
				documented = append(documented, m[1])
			}
		}
	}
	var fields []string
	typ := reflect.TypeOf(Event{})
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		fields = append(fields, name)
	}
	if !reflect.DeepEqual(fields, documented) {
		t.Errorf("Event's JSON fields:\n%q\ndocs/TRACE.md's table:\n%q", fields, documented)
	}
}

func TestRead(t *testing.T) {
	tr, err := Read(strings.NewReader("\n{\"event\":\"created\",\"sock\":1}\n\n"), "x")
	if err != nil || len(tr.Events) != 1 || tr.Name != "x" {
		t.Errorf("blank lines: %v %+v", err, tr)
	}
	for in, want := range map[string]string{
		"{\"event\":\"created\"}\nnot json\n": "x:2: not a trace event",
		"{\"sock\":1}\n":                      `x:1: not a trace event: no "event" field`,
	} {
		if _, err := Read(strings.NewReader(in), "x"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Read(%q): %v, want %q", in, err, want)
		}
	}
	if _, err := ReadFile("testdata/no-such-file.jsonl"); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestTextLine(t *testing.T) {
	ev := full()
	ev.Error, ev.Errno, ev.Call = "", 0, ""
	want := "trace 0.405688 task 1 sock 2 127.0.0.1:8081 → 127.0.0.1:41482 recv 5 B (bufsize 1024): 68 65 6c 6c 6f |hello|\n"
	if got := ev.TextLine(false); got != want {
		t.Errorf("recv:\n got %q\nwant %q", got, want)
	}
	colored := ev.TextLine(true)
	if plain := regexp.MustCompile("\x1b\\[[0-9]+m").ReplaceAllString(colored, ""); !strings.Contains(colored, ansiCyan+"recv"+ansiReset) || plain != want {
		t.Errorf("recv in colour: %q", colored)
	}
	zero := 0
	eos := Event{T: 1, Task: 1, Sock: 3, Event: "recv", Bytes: &zero, Bufsize: 10}
	if got := eos.TextLine(false); got != "trace 1.000000 task 1 sock 3 recv 0 B (bufsize 10): end of stream (the peer closed)\n" {
		t.Errorf("end of stream: %q", got)
	}
	refused := Event{Task: 1, Sock: 3, Event: "connect", Local: "", Remote: "127.0.0.1:1", Error: "ConnectionRefusedError: [Errno 111] Connection refused"}
	if got := refused.TextLine(false); got != "trace 0.000000 task 1 sock 3 (unnamed) → 127.0.0.1:1 connect failed: ConnectionRefusedError: [Errno 111] Connection refused\n" {
		t.Errorf("refused: %q", got)
	}
}

func TestEventHelpers(t *testing.T) {
	ev := full()
	if ev.ByteCount() != 5 || string(ev.DataBytes()) != "hello" || ev.CallName() != "recv_msg" {
		t.Errorf("ByteCount %d, DataBytes %q, CallName %q", ev.ByteCount(), ev.DataBytes(), ev.CallName())
	}
	if w := ev.Wall(); w < 1.7e9 || w > 1.8e9 {
		t.Errorf("Wall = %v", w)
	}
	bare := Event{T: 2.5, Event: "close"}
	if bare.ByteCount() != 0 || bare.CallName() != "close" || bare.Wall() != 2.5 {
		t.Errorf("without bytes, call and time: %d %q %v", bare.ByteCount(), bare.CallName(), bare.Wall())
	}
}
