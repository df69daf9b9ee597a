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
// the server's port. Without trace, the run is not traced (nor drawn).
type traced struct {
	trace string
	args  string
	stdin string
	// afterServer: the run waits for the server to end first.
	afterServer bool
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
		server:  &traced{trace: "echo_server.jsonl", args: "tcp/echo_server 0"},
		clients: []traced{{trace: "echo_client.jsonl", args: "tcp/echo_client PORT", stdin: "hello\n"}}},
	{name: "refused", // the client a second time, after the one-shot server ended
		server: &traced{args: "tcp/echo_server 0"},
		clients: []traced{
			{args: "tcp/echo_client PORT", stdin: "hello\n"},
			{trace: "echo_client.jsonl", args: "tcp/echo_client PORT", afterServer: true},
		}},
	{name: "unix",
		server:  &traced{trace: "unix_echo_server.jsonl", args: "unix/echo_server echo.sock"},
		clients: []traced{{trace: "unix_echo_client.jsonl", args: "unix/echo_client echo.sock", stdin: "hello\n你好\n"}}},
	{name: "loop",
		server:  &traced{trace: "loop_server.jsonl", args: "tcp/loop_server 0"},
		clients: []traced{{trace: "loop_client.jsonl", args: "tcp/loop_client PORT", stdin: "abc\n你好\n"}}},
	{name: "multi",
		server:    &traced{trace: "multi_server.jsonl", args: "tcp/multi_server 0"},
		interrupt: true, settled: "closed the connection", settledN: 2,
		clients: []traced{
			{trace: "loop_client_1.jsonl", args: "tcp/loop_client PORT", stdin: "one\n"},
			{trace: "loop_client_2.jsonl", args: "tcp/loop_client PORT", stdin: "two\n"},
		}},
	{name: "concurrent",
		server:    &traced{trace: "concurrent_server.jsonl", args: "tcp/concurrent_server 0"},
		interrupt: true, settled: "closed the connection", settledN: 2,
		clients: []traced{{trace: "two_clients.jsonl", args: "-e '" + concurrentClient + "' PORT"}}},
	{name: "sticky",
		server:  &traced{trace: "sticky_server.jsonl", args: "tcp/sticky_server 0"},
		clients: []traced{{trace: "sticky_client.jsonl", args: "tcp/sticky_client PORT"}}},
	{name: "framed",
		server:  &traced{trace: "framed_server.jsonl", args: "tcp/framed_server 0"},
		clients: []traced{{trace: "framed_client.jsonl", args: "tcp/framed_client PORT", stdin: "hello\nworld\n"}}},
	{name: "udp",
		server:  &traced{trace: "udp_server.jsonl", args: "udp/server 0"},
		clients: []traced{{trace: "udp_client.jsonl", args: "udp/client PORT"}}},
	{name: "chat",
		server:    &traced{trace: "chat_server.jsonl", args: "udp/chat_server 0", stdin: "hi, this is Tom\n"},
		interrupt: true,
		clients:   []traced{{trace: "chat_client.jsonl", args: "udp/chat_client PORT", stdin: "Tom\nhello\n"}}},
	{name: "time",
		server:    &traced{trace: "time_server.jsonl", args: "udp/time_server 0"},
		interrupt: true,
		clients:   []traced{{trace: "time_client.jsonl", args: "udp/time_client PORT", stdin: "\n%Y-%m-%d\n"}}},
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
			for _, r := range sc.runs() {
				if r.trace != "" {
					traces = append(traces, r.trace)
				}
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

// runs are the scenario's runs, the server first.
func (sc scenario) runs() []traced {
	var runs []traced
	if sc.server != nil {
		runs = append(runs, *sc.server)
	}
	return append(runs, sc.clients...)
}

// command is the sockplay command line of a run.
func (r traced) command(port string) string {
	cmd := "sockplay "
	if !strings.HasPrefix(r.args, "-e ") {
		cmd += "run "
	}
	if r.trace != "" {
		cmd += "--trace-json " + r.trace + " "
	}
	return cmd + strings.ReplaceAll(r.args, "PORT", port)
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
		server, err = start(sc.server.command(""), dir, e, sc.server.stdin)
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
		if c.afterServer {
			if err := server.wait(endTimeout); err != nil {
				t.Fatal(err)
			}
		}
		cmd := c.command(port)
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
	for _, c := range sc.runs() {
		if c.trace == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, c.trace))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, c.trace), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
