package trace

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/i18n"
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

// Each kind of text line, in English and in Chinese: the line's own
// words are translated; the calls, constants, addresses, numbers, data
// and the error (Python's) are the same; the JSON line is the same too.
func TestTextLineLanguages(t *testing.T) {
	n5, n0, n11, backlog := 5, 0, 11, 5
	for _, tc := range []struct {
		ev     Event
		en, zh string
	}{
		{Event{T: 0.5, Task: 1, Sock: 1, Event: "created", Call: "socketpair", Family: "AF_UNIX", Type: "SOCK_STREAM", Peer: 2},
			"trace 0.500000 task 1 sock 1 created (socketpair) AF_UNIX SOCK_STREAM (pair of sock 2)",
			"trace 0.500000 任务 1 套接字 1 创建 (socketpair) AF_UNIX SOCK_STREAM （与套接字 2 成对）"},
		{Event{Task: 2, Sock: 1, Event: "listen", Local: "127.0.0.1:8081", Backlog: &backlog},
			"trace 0.000000 task 2 sock 1 127.0.0.1:8081 listen backlog 5",
			"trace 0.000000 任务 2 套接字 1 127.0.0.1:8081 listen backlog 5"},
		{Event{Task: 1, Sock: 1, Event: "accept", Local: "/tmp/s", New: 3},
			"trace 0.000000 task 1 sock 1 /tmp/s accept → sock 3",
			"trace 0.000000 任务 1 套接字 1 /tmp/s accept → 套接字 3"},
		{Event{Task: 1, Sock: 3, Event: "send", Call: "sendall", Local: "/tmp/s", Remote: "", Bytes: &n11, Data: "6162"},
			"trace 0.000000 task 1 sock 3 /tmp/s send (sendall) 11 B: 61 62 |ab| …+9 B",
			"trace 0.000000 任务 1 套接字 3 /tmp/s send (sendall) 11 字节: 61 62 |ab| …另有 9 字节"},
		{Event{Task: 1, Sock: 3, Event: "recv", Remote: "/tmp/s", Bytes: &n5, Bufsize: 1024, Data: "68656c6c6f"},
			"trace 0.000000 task 1 sock 3 (unnamed) → /tmp/s recv 5 B (bufsize 1024): 68 65 6c 6c 6f |hello|",
			"trace 0.000000 任务 1 套接字 3 （未命名） → /tmp/s recv 5 字节 (bufsize 1024): 68 65 6c 6c 6f |hello|"},
		{Event{Task: 1, Sock: 3, Event: "recv", Bytes: &n0, Bufsize: 10},
			"trace 0.000000 task 1 sock 3 recv 0 B (bufsize 10): end of stream (the peer closed)",
			"trace 0.000000 任务 1 套接字 3 recv 0 字节 (bufsize 10): 数据流结束（对端已关闭）"},
		{Event{Task: 1, Sock: 3, Event: "shutdown", How: "SHUT_WR"},
			"trace 0.000000 task 1 sock 3 shutdown SHUT_WR",
			"trace 0.000000 任务 1 套接字 3 shutdown SHUT_WR"},
		{Event{Task: 1, Sock: 3, Event: "recvfrom", Local: "127.0.0.1:9", Error: "TimeoutError: timed out"},
			"trace 0.000000 task 1 sock 3 127.0.0.1:9 recvfrom failed: TimeoutError: timed out",
			"trace 0.000000 任务 1 套接字 3 127.0.0.1:9 recvfrom 失败：TimeoutError: timed out"},
		// A send that failed after some bytes went: the error, then the count.
		{Event{Task: 1, Sock: 3, Event: "send", Bytes: &n5, Error: "BrokenPipeError: [Errno 32] Broken pipe"},
			"trace 0.000000 task 1 sock 3 send failed: BrokenPipeError: [Errno 32] Broken pipe 5 B",
			"trace 0.000000 任务 1 套接字 3 send 失败：BrokenPipeError: [Errno 32] Broken pipe 5 字节"},
	} {
		json, _ := tc.ev.JSONLine()
		if got := tc.ev.TextLine(false); got != tc.en+"\n" {
			t.Errorf("English:\n got %q\nwant %q", got, tc.en+"\n")
		}
		if got := tc.ev.TextLineIn(false, i18n.English); got != tc.en+"\n" {
			t.Errorf("TextLineIn English:\n got %q\nwant %q", got, tc.en+"\n")
		}
		if got := tc.ev.TextLineIn(false, i18n.Chinese); got != tc.zh+"\n" {
			t.Errorf("Chinese:\n got %q\nwant %q", got, tc.zh+"\n")
		}
		colored := tc.ev.TextLineIn(true, i18n.Chinese)
		if plain := regexp.MustCompile("\x1b\\[[0-9]+m").ReplaceAllString(colored, ""); plain != tc.zh+"\n" {
			t.Errorf("Chinese in colour, without its colours: %q", plain)
		}
		if again, _ := tc.ev.JSONLine(); string(again) != string(json) {
			t.Errorf("the JSON line changed: %s, then %s", json, again)
		}
	}
	if ShowAddr("") != "(unnamed)" || ShowAddrIn(i18n.Chinese, "") != "（未命名）" || ShowAddrIn(i18n.Chinese, "/tmp/s") != "/tmp/s" {
		t.Errorf("ShowAddr: %q, %q, %q", ShowAddr(""), ShowAddrIn(i18n.Chinese, ""), ShowAddrIn(i18n.Chinese, "/tmp/s"))
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
