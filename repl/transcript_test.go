package repl

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/luabind"
)

// Transcripts (testdata/*.txt) are REPL sessions as a terminal shows them,
// run in process with Options.Transcript:
//
//	> code            a line typed at the prompt (echoed after it)
//	>> code           a line typed at the continuation prompt
//	< text            a line read by input(), not shown here (input's
//	                  prompt and the echoed line are, as expected output)
//	# comment         ignored
//	anything else     expected output (stdout and stderr, in order)
//
// In expected output {*} matches any text within a line; {{port}} is
// replaced everywhere by a free loopback port.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no transcripts: %v", err)
	}
	// The REPL waits on a task it starts or stops (:run, :kill) until
	// the transcripts' deadline, not for the 2 seconds a user gets: a
	// loaded machine may take longer to settle a script. (The subtests
	// run in parallel, alone: none of the package's other tests is.)
	wait := taskWait
	taskWait = 25 * time.Second
	t.Cleanup(func() { taskWait = wait })
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			t.Parallel()
			runTranscript(t, file)
		})
	}
}

func runTranscript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "{{port}}", strconv.Itoa(freePort(t)))
	var input strings.Builder
	var want []string
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		line = strings.TrimRight(line, " ")
		switch {
		case strings.HasPrefix(line, "#"):
			continue
		case line == "<" || strings.HasPrefix(line, "< "):
			input.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "<"), " ") + "\n")
			continue
		case line == ">>" || strings.HasPrefix(line, ">> "):
			input.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, ">>"), " ") + "\n")
		case line == ">" || strings.HasPrefix(line, "> "):
			input.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, ">"), " ") + "\n")
		}
		want = append(want, line)
	}

	out := &syncBuffer{}
	var rt *luabind.Runtime
	rt = luabind.New(luabind.Options{Scripts: os.DirFS("../scripts"),
		Modules: map[string]lua.LGFunction{"transcript": transcriptModule(&rt)}})
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = Run(ctx, rt, Options{
		Stdin: strings.NewReader(input.String()), Stdout: out, Stderr: out,
		Transcript: true, Signals: make(chan os.Signal),
		ScriptNames: []string{"tcp/echo_server", "tcp/echo_client", "unix/echo_server"},
	})
	if err != nil {
		t.Errorf("Run: %v", err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		got = append(got, strings.TrimRight(line, " "))
	}
	if len(got) > 0 && got[len(got)-1] == ">" {
		got = got[:len(got)-1] // the prompt at which input ended
	}
	if !matchLines(want, got) {
		t.Errorf("%s: transcript differs\n--- want\n%s\n--- got\n%s", file, strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

// transcriptModule is the global transcript of the transcripts' Lua:
// transcript.warnings() is how many warnings the runtime has said, for a
// loop that must hold the runtime until it is warned about, however long
// a loaded machine takes to warn.
func transcriptModule(rt **luabind.Runtime) lua.LGFunction {
	return func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			"warnings": func(L *lua.LState) int {
				L.Push(lua.LNumber(len((*rt).Warnings())))
				return 1
			},
		}))
		return 1
	}
}

// matchLines compares line by line; {*} in want matches any text.
func matchLines(want, got []string) bool {
	if len(want) != len(got) {
		return false
	}
	for i := range want {
		pattern := "^" + strings.ReplaceAll(regexp.QuoteMeta(want[i]), regexp.QuoteMeta("{*}"), ".*") + "$"
		if !regexp.MustCompile(pattern).MatchString(got[i]) {
			return false
		}
	}
	return true
}

// freePort returns a loopback TCP port nobody listens on (just now).
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// syncBuffer is a bytes.Buffer safe for concurrent use, with a way to wait
// for text to appear.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the output from offset on contains s, and returns
// the offset just past it.
func (b *syncBuffer) waitFor(t *testing.T, offset int, s string) int {
	t.Helper()
	deadline := time.NewTimer(15 * time.Second)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		text := b.buf.String()
		if i := strings.Index(text[min(offset, len(text)):], s); i >= 0 {
			b.mu.Unlock()
			return min(offset, len(text)) + i + len(s)
		}
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		changed := b.changed
		b.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("no %q in the output within 15s; output:\n%s", s, fmt.Sprint(text))
		}
	}
}
