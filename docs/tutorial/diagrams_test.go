package tutorial

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A diagram of the walk-through: a server and its clients, each run with
// --trace-json, drawn by sockplay diagram. img/NAME.svg is drawn from the
// traces in testdata/NAME/.
type scenario struct {
	name      string
	server    *traced // nil: the clients alone
	interrupt bool    // Ctrl-C ends the server once the clients are done
	settled   string  // and it has printed this settledN times
	settledN  int
	clients   []traced
}

// A traced run: sockplay run --trace-json TRACE ARGS, PORT in ARGS being
// the server's port.
type traced struct {
	trace string
	args  string
	stdin string
}

const concurrentClient = `local port = tonumber(arg[1])
local a = socket.create_connection({"127.0.0.1", port})
local b = socket.create_connection({"127.0.0.1", port})
a:sendall("from a") print(a:recv(1024))
b:sendall("from b") print(b:recv(1024))
a:sendall("a again") print(a:recv(1024))
a:close() b:close()`

var scenarios = []scenario{
	{name: "echo",
		server:  &traced{"echo_server.jsonl", "tcp/echo_server 0", ""},
		clients: []traced{{"echo_client.jsonl", "tcp/echo_client PORT", "hello\n"}}},
	{name: "refused",
		clients: []traced{{"echo_client.jsonl", "tcp/echo_client 1", ""}}},
	{name: "unix",
		server:  &traced{"unix_echo_server.jsonl", "unix/echo_server echo.sock", ""},
		clients: []traced{{"unix_echo_client.jsonl", "unix/echo_client echo.sock", "hello\n"}}},
	{name: "loop",
		server:  &traced{"loop_server.jsonl", "tcp/loop_server 0", ""},
		clients: []traced{{"loop_client.jsonl", "tcp/loop_client PORT", "abc\n你好\n"}}},
	{name: "multi",
		server:    &traced{"multi_server.jsonl", "tcp/multi_server 0", ""},
		interrupt: true, settled: "closed the connection", settledN: 2,
		clients: []traced{
			{"loop_client_1.jsonl", "tcp/loop_client PORT", "one\n"},
			{"loop_client_2.jsonl", "tcp/loop_client PORT", "two\n"},
		}},
	{name: "concurrent",
		server:    &traced{"concurrent_server.jsonl", "tcp/concurrent_server 0", ""},
		interrupt: true, settled: "closed the connection", settledN: 2,
		clients: []traced{{"two_clients.jsonl", "-e '" + concurrentClient + "' PORT", ""}}},
	{name: "sticky",
		server:  &traced{"sticky_server.jsonl", "tcp/sticky_server 0", ""},
		clients: []traced{{"sticky_client.jsonl", "tcp/sticky_client PORT", ""}}},
	{name: "framed",
		server:  &traced{"framed_server.jsonl", "tcp/framed_server 0", ""},
		clients: []traced{{"framed_client.jsonl", "tcp/framed_client PORT", "hello\nworld\n"}}},
	{name: "udp",
		server:  &traced{"udp_server.jsonl", "udp/server 0", ""},
		clients: []traced{{"udp_client.jsonl", "udp/client PORT", ""}}},
	{name: "chat",
		server:    &traced{"chat_server.jsonl", "udp/chat_server 0", "hi Tom here\n"},
		interrupt: true,
		clients:   []traced{{"chat_client.jsonl", "udp/chat_client PORT", "Tom\nhello\n"}}},
	{name: "time",
		server:    &traced{"time_server.jsonl", "udp/time_server 0", ""},
		interrupt: true,
		clients:   []traced{{"time_client.jsonl", "udp/time_client PORT", "\n%H:%M\n"}}},
}

var listening = regexp.MustCompile(`server is listening on 127\.0\.0\.1:(\d+)\n|server is listening on \S+\n`)

func TestDiagrams(t *testing.T) {
	seen := map[string]bool{}
	for _, sc := range scenarios {
		seen[sc.name+".svg"] = true
		t.Run(sc.name, func(t *testing.T) {
			if *update {
				record(t, sc)
			}
			data := filepath.Join("testdata", sc.name)
			var traces []string
			if sc.server != nil {
				traces = append(traces, sc.server.trace)
			}
			for _, c := range sc.clients {
				traces = append(traces, c.trace)
			}
			out := filepath.Join(t.TempDir(), sc.name+".svg")
			if *update {
				out, _ = filepath.Abs(filepath.Join("img", sc.name+".svg"))
			}
			cmd := "sockplay diagram " + strings.Join(traces, " ") + " -o " + out
			if got, err := run(t, cmd, data, env(data, ""), "", cmdTimeout); err != nil || got != "" {
				t.Fatalf("%s (in %s): %v\n%s", cmd, data, err, got)
			}
			drawn, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := wellFormed(drawn); err != nil {
				t.Errorf("the diagram drawn from %s is not well-formed XML: %v", data, err)
			}
			committed, err := os.ReadFile(filepath.Join("img", sc.name+".svg"))
			if err != nil {
				t.Fatalf("%v (go test -run TestDiagrams -update draws it)", err)
			}
			if !bytes.Equal(drawn, committed) {
				t.Errorf("img/%s.svg is not what sockplay diagram draws from %s now: run go generate ./docs/tutorial (go test -run TestDiagrams -update), and look at the result", sc.name, data)
			}
		})
	}
	// Every image is one of these, and both languages show it.
	imgs, _ := filepath.Glob("img/*")
	for _, img := range imgs {
		if !seen[filepath.Base(img)] {
			t.Errorf("%s is not drawn by any scenario of diagrams_test.go", img)
		}
	}
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// record runs a scenario and keeps its traces in testdata/NAME/.
func record(t *testing.T, sc scenario) {
	dir := t.TempDir()
	e := env(dir, "")
	port := ""
	var server *proc
	if sc.server != nil {
		var err error
		server, err = start("sockplay run --trace-json "+sc.server.trace+" "+sc.server.args, dir, e, sc.server.stdin)
		if err != nil {
			t.Fatal(err)
		}
		defer server.kill()
		if !server.waitFor(startTimeout, func(out string) bool { return listening.MatchString(out) }) {
			t.Fatalf("%s: the server did not say where it listens:\n%s", sc.name, server.output())
		}
		port = listening.FindStringSubmatch(server.output())[1]
	}
	for _, c := range sc.clients {
		cmd := "sockplay run --trace-json " + c.trace + " " + strings.ReplaceAll(c.args, "PORT", port)
		if strings.HasPrefix(c.args, "-e ") {
			cmd = "sockplay --trace-json " + c.trace + " " + strings.ReplaceAll(c.args, "PORT", port)
		}
		out, err := run(t, cmd, dir, e, c.stdin, cmdTimeout)
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		t.Logf("$ %s\n%s", cmd, out)
	}
	if server != nil {
		if sc.interrupt {
			if !server.waitFor(endTimeout, func(out string) bool { return strings.Count(out, sc.settled) >= sc.settledN }) {
				t.Fatalf("%s: the server did not print %q %d times:\n%s", sc.name, sc.settled, sc.settledN, server.output())
			}
			server.interrupt()
		}
		if err := server.wait(endTimeout); err != nil {
			t.Fatal(err)
		}
		t.Logf("the server:\n%s", server.output())
	}
	data := filepath.Join("testdata", sc.name)
	os.RemoveAll(data)
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	traces := []traced{}
	if sc.server != nil {
		traces = append(traces, *sc.server)
	}
	for _, c := range append(traces, sc.clients...) {
		b, err := os.ReadFile(filepath.Join(dir, c.trace))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, c.trace), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
