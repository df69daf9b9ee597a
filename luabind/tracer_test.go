package luabind

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/trace"
)

// traced runs code (arg[1] is a temporary directory) with the trace on
// and returns the text lines and the JSON events.
func traced(t *testing.T, code string, opts TraceOptions) (string, []map[string]any) {
	t.Helper()
	var text, js, stderr syncbuf.Buffer
	if opts.Text == nil {
		opts.Text = &text
	}
	opts.JSON = &js
	rt := New(Options{Stderr: &stderr, Trace: &opts})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	if err := rt.RunString(ctx, "exchange", code, []string{t.TempDir()}); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}
	var events []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(js.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		var ev map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("JSON line %d %q: %v", i+1, line, err)
		}
		// Every field the runtime writes is one trace.Event reads back:
		// written again, the event is the same line.
		tr, err := trace.Read(strings.NewReader(line), "exchange")
		if err != nil {
			t.Fatalf("JSON line %d: %v", i+1, err)
		}
		if again, _ := tr.Events[0].JSONLine(); string(again) != line+"\n" {
			t.Errorf("JSON line %d does not round-trip through trace.Event:\nwritten %s\nread back %s", i+1, line, again)
		}
		for _, k := range []string{"t", "time", "task", "sock", "event", "family", "type"} {
			if _, ok := ev[k]; !ok {
				t.Errorf("JSON line %d lacks %q: %s", i+1, k, line)
			}
		}
		events = append(events, ev)
	}
	return text.String(), events
}

// normalize replaces the times and the ports of a text trace, which
// change from run to run.
func normalize(text string, ports map[string]string) string {
	text = regexp.MustCompile(`(?m)^trace \d+\.\d{6} `).ReplaceAllString(text, "trace T ")
	for port, name := range ports {
		text = regexp.MustCompile(`:`+port+`\b`).ReplaceAllString(text, ":"+name)
	}
	return text
}

// port is the port of an "host:port" field of ev.
func port(ev map[string]any, field string) string {
	s, _ := ev[field].(string)
	return s[strings.LastIndex(s, ":")+1:]
}

// eventSummary is the events with their stable fields, one per line.
func eventSummary(events []map[string]any, ports map[string]string) string {
	var b strings.Builder
	for _, ev := range events {
		b.WriteString(ev["event"].(string))
		for _, k := range []string{"sock", "task", "call", "type", "local", "remote", "bytes", "bufsize", "data", "new", "peer", "backlog", "how", "errno", "error"} {
			v, ok := ev[k]
			if !ok {
				continue
			}
			s := strings.Trim(string(mustJSON(v)), `"`)
			if k == "local" || k == "remote" {
				for p, name := range ports {
					s = strings.ReplaceAll(s, ":"+p, ":"+name)
				}
			}
			b.WriteString(" " + k + "=" + s)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestTraceTCP(t *testing.T) {
	text, events := traced(t, `
		local srv = socket.socket()
		srv:bind({"127.0.0.1", 0})
		srv:listen(3)
		local addr = srv:getsockname()
		local c = socket.socket()
		c:connect(addr)
		local conn = srv:accept()
		c:send("hello")
		assert(conn:recv(1024) == "hello")
		conn:sendall("HELLO, a reply\0\255")
		c:recv(100)
		c:shutdown(socket.SHUT_WR)
		assert(conn:recv(10) == "")
		conn:close()
		c:close()
		srv:close()
		local refused = socket.socket()
		local ok = pcall(refused.connect, refused, addr)
		assert(not ok)
		refused:close()
	`, TraceOptions{Bytes: 8})
	if len(events) < 6 {
		t.Fatalf("%d events:\n%s", len(events), text)
	}
	ports := map[string]string{port(events[1], "local"): "S", port(events[4], "local"): "C"}
	wantEvents := `created sock=1 task=1 type=SOCK_STREAM
bind sock=1 task=1 type=SOCK_STREAM local=127.0.0.1:S
listen sock=1 task=1 type=SOCK_STREAM local=127.0.0.1:S backlog=3
created sock=2 task=1 type=SOCK_STREAM
connect sock=2 task=1 type=SOCK_STREAM local=127.0.0.1:C remote=127.0.0.1:S
accept sock=1 task=1 type=SOCK_STREAM local=127.0.0.1:S remote=127.0.0.1:C new=3
send sock=2 task=1 type=SOCK_STREAM local=127.0.0.1:C remote=127.0.0.1:S bytes=5 data=68656c6c6f
recv sock=3 task=1 type=SOCK_STREAM local=127.0.0.1:S remote=127.0.0.1:C bytes=5 bufsize=1024 data=68656c6c6f
send sock=3 task=1 call=sendall type=SOCK_STREAM local=127.0.0.1:S remote=127.0.0.1:C bytes=16 data=48454c4c4f2c2061
recv sock=2 task=1 type=SOCK_STREAM local=127.0.0.1:C remote=127.0.0.1:S bytes=16 bufsize=100 data=48454c4c4f2c2061
shutdown sock=2 task=1 type=SOCK_STREAM local=127.0.0.1:C remote=127.0.0.1:S how=SHUT_WR
recv sock=3 task=1 type=SOCK_STREAM local=127.0.0.1:S remote=127.0.0.1:C bytes=0 bufsize=10
close sock=3 task=1 type=SOCK_STREAM local=127.0.0.1:S remote=127.0.0.1:C
close sock=2 task=1 type=SOCK_STREAM local=127.0.0.1:C remote=127.0.0.1:S
close sock=1 task=1 type=SOCK_STREAM local=127.0.0.1:S
created sock=4 task=1 type=SOCK_STREAM
`
	got := eventSummary(events, ports)
	if !strings.HasPrefix(got, wantEvents) {
		t.Errorf("JSON events:\n%s\nwant them to start with\n%s", got, wantEvents)
	}
	last := events[len(events)-2]
	if last["event"] != "connect" || last["errno"] != json.Number("111") ||
		last["error"] != "ConnectionRefusedError: [Errno 111] Connection refused" || port(last, "remote") != port(events[1], "local") {
		t.Errorf("refused connect: %v", last)
	}
	for _, ev := range events {
		if ev["event"] == "recv" || ev["event"] == "connect" || ev["event"] == "send" {
			if _, ok := ev["dur"]; !ok && ev["error"] == nil {
				t.Errorf("%v has no dur", ev)
			}
		}
	}

	wantText := `trace T task 1 sock 1 created AF_INET SOCK_STREAM
trace T task 1 sock 1 127.0.0.1:S bind
trace T task 1 sock 1 127.0.0.1:S listen backlog 3
trace T task 1 sock 2 created AF_INET SOCK_STREAM
trace T task 1 sock 2 127.0.0.1:C → 127.0.0.1:S connect
trace T task 1 sock 1 127.0.0.1:S → 127.0.0.1:C accept → sock 3
trace T task 1 sock 2 127.0.0.1:C → 127.0.0.1:S send 5 B: 68 65 6c 6c 6f |hello|
trace T task 1 sock 3 127.0.0.1:S → 127.0.0.1:C recv 5 B (bufsize 1024): 68 65 6c 6c 6f |hello|
trace T task 1 sock 3 127.0.0.1:S → 127.0.0.1:C send (sendall) 16 B: 48 45 4c 4c 4f 2c 20 61 |HELLO, a| …+8 B
trace T task 1 sock 2 127.0.0.1:C → 127.0.0.1:S recv 16 B (bufsize 100): 48 45 4c 4c 4f 2c 20 61 |HELLO, a| …+8 B
trace T task 1 sock 2 127.0.0.1:C → 127.0.0.1:S shutdown SHUT_WR
trace T task 1 sock 3 127.0.0.1:S → 127.0.0.1:C recv 0 B (bufsize 10): end of stream (the peer closed)
trace T task 1 sock 3 127.0.0.1:S → 127.0.0.1:C close
trace T task 1 sock 2 127.0.0.1:C → 127.0.0.1:S close
trace T task 1 sock 1 127.0.0.1:S close
trace T task 1 sock 4 created AF_INET SOCK_STREAM
`
	gotText := normalize(text, ports)
	if !strings.HasPrefix(gotText, wantText) {
		t.Errorf("text trace:\n%s\nwant it to start with\n%s", gotText, wantText)
	}
	if !regexp.MustCompile(`(?m)^trace T task 1 sock 4 \S+ → 127\.0\.0\.1:S connect failed: ConnectionRefusedError: \[Errno 111\] Connection refused$`).MatchString(gotText) {
		t.Errorf("no failed connect in the text trace:\n%s", gotText)
	}
	if strings.Contains(text, "\x1b[") {
		t.Errorf("colours without Color: %q", text)
	}
}

func TestTraceUDP(t *testing.T) {
	text, events := traced(t, `
		local a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		a:bind({"127.0.0.1", 0})
		local b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		b:bind({"127.0.0.1", 0})
		local task = spawn(function()
			local data, from = a:recvfrom(100)
			a:sendto(data:upper(), from)
		end)
		b:sendto("ping", a:getsockname())
		assert(b:recvfrom(100) == "PING")
		task:join()
		a:settimeout(0)
		assert(not pcall(a.recvfrom, a, 100))
		a:close()
		b:close()
	`, TraceOptions{})
	ports := map[string]string{port(events[1], "local"): "A", port(events[3], "local"): "B"}
	want := `created sock=1 task=1 type=SOCK_DGRAM
bind sock=1 task=1 type=SOCK_DGRAM local=127.0.0.1:A
created sock=2 task=1 type=SOCK_DGRAM
bind sock=2 task=1 type=SOCK_DGRAM local=127.0.0.1:B
sendto sock=2 task=1 type=SOCK_DGRAM local=127.0.0.1:B remote=127.0.0.1:A bytes=4 data=70696e67
recvfrom sock=1 task=2 type=SOCK_DGRAM local=127.0.0.1:A remote=127.0.0.1:B bytes=4 bufsize=100 data=70696e67
sendto sock=1 task=2 type=SOCK_DGRAM local=127.0.0.1:A remote=127.0.0.1:B bytes=4 data=50494e47
recvfrom sock=2 task=1 type=SOCK_DGRAM local=127.0.0.1:B remote=127.0.0.1:A bytes=4 bufsize=100 data=50494e47
recvfrom sock=1 task=1 type=SOCK_DGRAM local=127.0.0.1:A bufsize=100 errno=11 error=BlockingIOError: [Errno 11] Resource temporarily unavailable
close sock=1 task=1 type=SOCK_DGRAM local=127.0.0.1:A
close sock=2 task=1 type=SOCK_DGRAM local=127.0.0.1:B
`
	if got := eventSummary(events, ports); got != want {
		t.Errorf("JSON events:\n%s\nwant\n%s", got, want)
	}
	wantText := `trace T task 1 sock 2 127.0.0.1:B → 127.0.0.1:A sendto 4 B: 70 69 6e 67 |ping|
trace T task 2 sock 1 127.0.0.1:A → 127.0.0.1:B recvfrom 4 B (bufsize 100): 70 69 6e 67 |ping|
trace T task 2 sock 1 127.0.0.1:A → 127.0.0.1:B sendto 4 B: 50 49 4e 47 |PING|
trace T task 1 sock 2 127.0.0.1:B → 127.0.0.1:A recvfrom 4 B (bufsize 100): 50 49 4e 47 |PING|
trace T task 1 sock 1 127.0.0.1:A recvfrom failed: BlockingIOError: [Errno 11] Resource temporarily unavailable
`
	if got := normalize(text, ports); !strings.Contains(got, wantText) {
		t.Errorf("text trace:\n%s\nwant it to contain\n%s", got, wantText)
	}
}

func TestTraceUnix(t *testing.T) {
	text, events := traced(t, `
		local path = arg[1] .. "/t.sock"
		local srv = socket.socket(socket.AF_UNIX)
		srv:bind(path)
		srv:listen()
		local c = socket.socket(socket.AF_UNIX)
		c:connect(path)
		local conn = srv:accept()
		local f = c:makefile("w")
		f:write("line\n"):flush()
		assert(conn:makefile():readline() == "line\n")
		c:close()
		conn:close()
		srv:close()
		local p, q = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
		p:send("hi")
		assert(q:recv(10) == "hi")
		p:close()
		q:close()
	`, TraceOptions{})
	dir := strings.TrimSuffix(events[1]["local"].(string), "/t.sock")
	got := strings.ReplaceAll(eventSummary(events, nil), dir, "DIR")
	want := `created sock=1 task=1 type=SOCK_STREAM
bind sock=1 task=1 type=SOCK_STREAM local=DIR/t.sock
listen sock=1 task=1 type=SOCK_STREAM local=DIR/t.sock backlog=128
created sock=2 task=1 type=SOCK_STREAM
connect sock=2 task=1 type=SOCK_STREAM remote=DIR/t.sock
accept sock=1 task=1 type=SOCK_STREAM local=DIR/t.sock new=3
send sock=2 task=1 call=makefile type=SOCK_STREAM remote=DIR/t.sock bytes=5 data=6c696e650a
recv sock=3 task=1 call=makefile type=SOCK_STREAM local=DIR/t.sock bytes=5 bufsize=65536 data=6c696e650a
close sock=2 task=1 type=SOCK_STREAM remote=DIR/t.sock
close sock=3 task=1 type=SOCK_STREAM local=DIR/t.sock
close sock=1 task=1 type=SOCK_STREAM local=DIR/t.sock
created sock=4 task=1 call=socketpair type=SOCK_DGRAM peer=5
created sock=5 task=1 call=socketpair type=SOCK_DGRAM peer=4
send sock=4 task=1 type=SOCK_DGRAM bytes=2 data=6869
recv sock=5 task=1 type=SOCK_DGRAM bytes=2 bufsize=10 data=6869
close sock=4 task=1 type=SOCK_DGRAM
close sock=5 task=1 type=SOCK_DGRAM
`
	if got != want {
		t.Errorf("JSON events:\n%s\nwant\n%s", got, want)
	}
	for _, ev := range events {
		if ev["family"] != "AF_UNIX" {
			t.Errorf("family %v, want AF_UNIX", ev["family"])
		}
	}
	wantText := `trace T task 1 sock 2 (unnamed) → DIR/t.sock send (makefile) 5 B: 6c 69 6e 65 0a |line.|
trace T task 1 sock 3 DIR/t.sock recv (makefile) 5 B (bufsize 65536): 6c 69 6e 65 0a |line.|
`
	if got := strings.ReplaceAll(normalize(text, nil), dir, "DIR"); !strings.Contains(got, wantText) {
		t.Errorf("text trace:\n%s\nwant it to contain\n%s", got, wantText)
	}
}

// The framing calls show up as one event each, with the bytes on the wire.
func TestTraceFraming(t *testing.T) {
	_, events := traced(t, `
		local a, b = socket.socketpair()
		a:send_msg("hi")
		assert(b:recv_msg() == "hi")
		a:sendall("\0\0")
		a:close()
		assert(not pcall(b.recv_msg, b))
		b:close()
	`, TraceOptions{})
	got := eventSummary(events[2:], nil)
	want := `send sock=1 task=1 call=send_msg type=SOCK_STREAM bytes=6 data=000000026869
recv sock=2 task=1 call=recv_msg type=SOCK_STREAM bytes=6 data=000000026869
send sock=1 task=1 call=sendall type=SOCK_STREAM bytes=2 data=0000
close sock=1 task=1 type=SOCK_STREAM
recv sock=2 task=1 call=recv_msg type=SOCK_STREAM bytes=2 data=0000 error=ConnectionError: the peer closed the connection in the middle of a message: 2 of the 4 bytes of its length
close sock=2 task=1 type=SOCK_STREAM
`
	if got != want {
		t.Errorf("JSON events:\n%s\nwant\n%s", got, want)
	}
}

func TestTraceOptions(t *testing.T) {
	code := `
		local a, b = socket.socketpair()
		a:send(string.rep("x", 100))
		b:recv(100)
		a:close() b:close()`
	t.Run("colour", func(t *testing.T) {
		text, _ := traced(t, code, TraceOptions{Color: true})
		if !strings.Contains(text, "\x1b[32msend\x1b[0m") || !strings.Contains(text, "\x1b[36mrecv\x1b[0m") {
			t.Errorf("no colours: %q", text)
		}
	})
	t.Run("default 64 bytes", func(t *testing.T) {
		text, events := traced(t, code, TraceOptions{})
		if !strings.Contains(text, strings.Repeat("78 ", 63)+"78 |"+strings.Repeat("x", 64)+"| …+36 B\n") {
			t.Errorf("want 64 bytes dumped, then …+36 B:\n%s", text)
		}
		if d := events[2]["data"].(string); len(d) != 128 {
			t.Errorf("JSON data has %d hex digits, want 128", len(d))
		}
	})
	t.Run("no bytes", func(t *testing.T) {
		text, events := traced(t, code, TraceOptions{Bytes: -1})
		if !strings.Contains(text, " send 100 B\n") {
			t.Errorf("want no dump:\n%s", text)
		}
		if _, ok := events[2]["data"]; ok || events[2]["bytes"] != json.Number("100") {
			t.Errorf("want bytes without data: %v", events[2])
		}
	})
	t.Run("off until socket.trace(true)", func(t *testing.T) {
		text, events := traced(t, `
			local a = socket.socket()
			assert(socket.trace(true) == false)
			local b = socket.socket()
			socket.trace(false)
			a:close()
			b:close()`, TraceOptions{Off: true})
		if len(events) != 1 || events[0]["sock"] != json.Number("2") || strings.Count(text, "\n") != 1 {
			t.Errorf("want only sock 2's creation: %v\n%s", events, text)
		}
	})
}

// Without Options.Trace nothing is traced, and socket.trace(true) writes
// text lines to the runtime's stderr.
func TestTraceToStderr(t *testing.T) {
	var stderr bytes.Buffer
	rt := New(Options{Stderr: &stderr})
	defer rt.Close()
	if rt.Tracing() {
		t.Fatal("tracing is on by default")
	}
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	err := rt.RunString(ctx, "t", `
		socket.socket():close()
		socket.trace(true)
		local s = socket.socket()
		s:close()`, nil)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 2 || !strings.HasSuffix(lines[0], "sock 2 created AF_INET SOCK_STREAM") || !strings.HasSuffix(lines[1], "sock 2 close") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if !rt.Tracing() || !rt.SetTracing(false) || rt.Tracing() {
		t.Errorf("SetTracing does not turn it off")
	}
}

// A call that raises after its place in the output was kept (the
// sandbox refusing a connect) does not hold back the events after it.
func TestTraceAfterARaise(t *testing.T) {
	var text, js syncbuf.Buffer
	rt := New(Options{Sandbox: &Sandbox{}, Trace: &TraceOptions{Text: &text, JSON: &js}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	err := rt.RunString(ctx, "t", `
		local s = socket.socket()
		assert(not pcall(s.connect, s, {"192.0.2.1", 80}))
		s:close()`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(text.String(), "sock 1 close\n") || strings.Count(js.String(), "\n") != 2 {
		t.Errorf("the events after the refused connect are missing:\n%s", text.String())
	}
}

// In Chinese the text lines say their own words in Chinese, also when
// socket.trace(true) turns them on; the JSON lines are the same events
// as in English, in the same words.
func TestTraceInChinese(t *testing.T) {
	code := `
		local a, b = socket.socketpair()
		a:sendall("hello")
		assert(b:recv(100) == "hello")
		a:close()
		assert(b:recv(100) == "")
		b:close()`
	summaries := map[Language]string{}
	for _, l := range []Language{English, Chinese} {
		var text, js, stderr syncbuf.Buffer
		rt := New(Options{Stderr: &stderr, Lang: l, Trace: &TraceOptions{Text: &text, JSON: &js}})
		ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
		err := rt.RunString(ctx, "zh", code, nil)
		cancel()
		rt.Close()
		if err != nil {
			t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
		}
		var events []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(js.String()), "\n") {
			var ev map[string]any
			if err := json.Unmarshal([]byte(line), &ev); err != nil {
				t.Fatalf("JSON line %q: %v", line, err)
			}
			events = append(events, ev)
		}
		summaries[l] = eventSummary(events, nil)
		want := map[Language]string{
			English: `trace T task 1 sock 1 created (socketpair) AF_UNIX SOCK_STREAM (pair of sock 2)
trace T task 1 sock 2 created (socketpair) AF_UNIX SOCK_STREAM (pair of sock 1)
trace T task 1 sock 1 send (sendall) 5 B: 68 65 6c 6c 6f |hello|
trace T task 1 sock 2 recv 5 B (bufsize 100): 68 65 6c 6c 6f |hello|
trace T task 1 sock 1 close
trace T task 1 sock 2 recv 0 B (bufsize 100): end of stream (the peer closed)
trace T task 1 sock 2 close
`,
			Chinese: `trace T 任务 1 套接字 1 创建 (socketpair) AF_UNIX SOCK_STREAM （与套接字 2 成对）
trace T 任务 1 套接字 2 创建 (socketpair) AF_UNIX SOCK_STREAM （与套接字 1 成对）
trace T 任务 1 套接字 1 send (sendall) 5 字节: 68 65 6c 6c 6f |hello|
trace T 任务 1 套接字 2 recv 5 字节 (bufsize 100): 68 65 6c 6c 6f |hello|
trace T 任务 1 套接字 1 close
trace T 任务 1 套接字 2 recv 0 字节 (bufsize 100): 数据流结束（对端已关闭）
trace T 任务 1 套接字 2 close
`}[l]
		if got := normalize(text.String(), nil); got != want {
			t.Errorf("%v text lines:\n%s\nwant\n%s", l, got, want)
		}
	}
	if summaries[English] != summaries[Chinese] {
		t.Errorf("the JSON lines in Chinese:\n%s\nin English:\n%s", summaries[Chinese], summaries[English])
	}

	var stderr bytes.Buffer
	rt := New(Options{Stderr: &stderr, Lang: Chinese})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	if err := rt.RunString(ctx, "t", `socket.trace(true) socket.socket():close()`, nil); err != nil {
		t.Fatal(err)
	}
	if got := normalize(stderr.String(), nil); got != "trace T 任务 1 套接字 1 创建 AF_INET SOCK_STREAM\ntrace T 任务 1 套接字 1 close\n" {
		t.Errorf("socket.trace(true) in Chinese: %q", got)
	}
}
