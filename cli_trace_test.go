package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A script whose two ends talk over a socketpair: a known exchange
// without ports.
const pairScript = `
local a, b = socket.socketpair()
a:sendall("hello")
print(b:recv(100))
a:close()
b:close()
print(arg[1])
`

func TestTraceFlags(t *testing.T) {
	script := writeScript(t, "pair.lua", pairScript)
	dir := t.TempDir()

	// --trace: one line per event on stderr, no colour (not a terminal).
	r := runCLI(t, "", "--trace", script, "--trace")
	if r.code != 0 || r.stdout != "hello\n--trace\n" {
		t.Fatalf("--trace: %+v (the script's own --trace argument is its arg[1])", r)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if len(lines) != 6 || !regexp.MustCompile(`^trace \d+\.\d{6} task 1 sock 1 send \(sendall\) 5 B: 68 65 6c 6c 6f \|hello\|$`).MatchString(lines[2]) {
		t.Errorf("--trace wrote\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "\x1b[") {
		t.Errorf("colours on a pipe")
	}

	// run --trace-json with --trace-bytes: only JSON, with that many bytes.
	js := filepath.Join(dir, "t.jsonl")
	r = runCLI(t, "", "run", "--trace-json", js, "--trace-bytes=2", script)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("--trace-json: %+v", r)
	}
	data, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var events []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		events = append(events, ev)
	}
	if len(events) != 6 || events[2]["event"] != "send" || events[2]["data"] != "6865" || events[2]["bytes"] != 5.0 {
		t.Errorf("JSON trace:\n%s", data)
	}

	// --diagram: the SVG is written when the run ends.
	svg := filepath.Join(dir, "flow.svg")
	r = runCLI(t, "", "run", "--diagram", svg, script)
	if r.code != 0 || !strings.Contains(r.stderr, "diagram written to "+svg) {
		t.Fatalf("--diagram: %+v", r)
	}
	if b, err := os.ReadFile(svg); err != nil || !strings.Contains(string(b), "<svg") || !strings.Contains(string(b), "sendall 5 bytes") {
		t.Errorf("--diagram wrote %.300q, %v", b, err)
	}

	// -e takes trace options too.
	r = runCLI(t, "", "--trace-bytes", "0", "-e", "socket.socket():close()")
	if r.code != 0 || !strings.Contains(r.stderr, "sock 1 created AF_INET SOCK_STREAM") {
		t.Errorf("--trace-bytes 0 -e: %+v", r)
	}
}

// --trace with no script: the REPL (-i, or a terminal) or, piped, stdin as
// the script, traced as a script file would be.
func TestTraceREPLAndStdin(t *testing.T) {
	r := runCLI(t, "s = socket.socket()\ns:bind({'127.0.0.1', 0})\n", "--trace", "-i")
	if r.code != 0 || !strings.Contains(r.stderr, "sock 1 created AF_INET SOCK_STREAM") || !strings.Contains(r.stderr, " bind") {
		t.Errorf("--trace -i: %+v", r)
	}
	r = runCLI(t, "socket.socket():close()\nprint('done')\n", "--trace")
	if r.code != 0 || r.stdout != "done\n" || !strings.Contains(r.stderr, "sock 1 created") || !strings.Contains(r.stderr, "close") {
		t.Errorf("--trace with a piped script: %+v", r)
	}
}

func TestTraceFlagErrors(t *testing.T) {
	script := writeScript(t, "pair.lua", pairScript)
	for _, args := range [][]string{
		{"run", "--trace-json"},
		{"--trace-bytes", "many", script},
		{"--trace-bytes=-1", script},
		{"--trace=yes", script},
		{"--trace-json", filepath.Join(t.TempDir(), "no", "such", "dir.jsonl"), script},
		{"--diagram", "", script},
	} {
		r := runCLI(t, "", args...)
		if r.code != exitUsage || r.stderr == "" || r.stdout != "" {
			t.Errorf("sockplay %q: %+v, want a usage error", args, r)
		}
	}
}

func TestDiagramCommand(t *testing.T) {
	server := filepath.Join("diagram", "testdata", "echo_server.jsonl")
	client := filepath.Join("diagram", "testdata", "echo_client.jsonl")
	out := filepath.Join(t.TempDir(), "echo.svg")
	r := runCLI(t, "", "diagram", server, client, "-o", out)
	if r.code != 0 || r.stdout != "" || r.stderr != "" {
		t.Fatalf("diagram: %+v", r)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(b), `data-endpoint="127.0.0.1:8081"`) || !strings.Contains(string(b), "echo_server.jsonl + echo_client.jsonl") {
		t.Errorf("diagram wrote %.300q, %v", b, err)
	}
	if r := runCLI(t, "", "diagram", server); r.code != 0 || !strings.HasPrefix(r.stdout, "<?xml") {
		t.Errorf("diagram to stdout: code %d, %.100q", r.code, r.stdout)
	}
	if r := runCLI(t, "", "diagram"); r.code != exitUsage || !strings.Contains(r.stderr, "usage: sockplay diagram") {
		t.Errorf("diagram without traces: %+v", r)
	}
	if r := runCLI(t, "", "diagram", "no-such.jsonl"); r.code != exitError || !strings.Contains(r.stderr, "no-such.jsonl") {
		t.Errorf("diagram of a missing file: %+v", r)
	}
	notJSON := writeScript(t, "x.jsonl", "print('not a trace')\n")
	if r := runCLI(t, "", "diagram", notJSON); r.code != exitError || !strings.Contains(r.stderr, "x.jsonl:1: not a trace event") {
		t.Errorf("diagram of a Lua file: %+v", r)
	}
	if r := runCLI(t, "", "diagram", server, "-x"); r.code != exitUsage {
		t.Errorf("unknown option: %+v", r)
	}
}
