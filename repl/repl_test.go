package repl

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/luabind"
)

// session is a REPL run in process on a pipe, for tests that must act
// between lines: send Ctrl-C, wait for output.
type session struct {
	t    *testing.T
	in   *io.PipeWriter
	out  *syncBuffer
	sigs chan os.Signal
	done chan error
	rt   *luabind.Runtime
	seen int // output offset already matched
}

func startSession(t *testing.T, opts Options) *session {
	t.Helper()
	return startSessionIn(t, luabind.English, opts)
}

// startSessionIn is startSession in the language l.
func startSessionIn(t *testing.T, l luabind.Language, opts Options) *session {
	t.Helper()
	return startSessionOn(t, luabind.Options{Scripts: os.DirFS("../scripts"), Lang: l}, opts)
}

// startSessionOn is startSession on a runtime made with ro.
func startSessionOn(t *testing.T, ro luabind.Options, opts Options) *session {
	t.Helper()
	pr, pw := io.Pipe()
	s := &session{t: t, in: pw, out: &syncBuffer{}, sigs: make(chan os.Signal, 4), done: make(chan error, 1)}
	s.rt = luabind.New(ro)
	opts.Stdin, opts.Stdout, opts.Stderr, opts.Signals = pr, s.out, s.out, s.sigs
	go func() { s.done <- Run(context.Background(), s.rt, opts) }()
	t.Cleanup(func() {
		pw.Close()
		s.wait()
		s.rt.Close()
	})
	return s
}

func (s *session) send(line string) {
	s.t.Helper()
	if _, err := io.WriteString(s.in, line+"\n"); err != nil {
		s.t.Fatalf("write %q: %v", line, err)
	}
}

// expect waits for text in the output after what was matched before.
func (s *session) expect(text string) {
	s.t.Helper()
	s.seen = s.out.waitFor(s.t, s.seen, text)
}

// wait returns Run's result, waiting at most 20 seconds.
func (s *session) wait() error {
	s.t.Helper()
	select {
	case err := <-s.done:
		s.done <- err // for the cleanup's wait
		return err
	case <-time.After(20 * time.Second):
		s.t.Fatalf("the REPL did not end; output:\n%s", s.out.String())
		return nil
	}
}

func TestPipedModeHasNoPromptsOrEscapes(t *testing.T) {
	out := &syncBuffer{}
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	err := Run(context.Background(), rt, Options{
		Stdin:  strings.NewReader("x = 1\nx + 1\nprint('hi')\nfor i = 1, 2 do\nio.write(i)\nend\nerror('e')\n\"s\"\n"),
		Stdout: out, Stderr: out, Banner: "not shown", Signals: make(chan os.Signal),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "2\nhi\n12stdin:1: e\n\"s\"\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestCtrlCInterruptsTheLineOnly(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`srv = socket.create_server({"127.0.0.1", 0})`)
	s.send(`server = spawn(function() while true do local c = srv:accept(); c:sendall(c:recv(100):upper()); c:close() end end)`)
	s.send(`kept = "state"; l = socket.create_server({"127.0.0.1", 0}); print("accepting"); l:accept()`)
	s.expect("accepting\n")
	s.sigs <- os.Interrupt
	s.expect("interrupted\n")
	s.send(`c = socket.create_connection(srv:getsockname(), 5); c:sendall("still up"); c:recv(100)`)
	s.expect(`"STILL UP"`)
	s.send(`kept, l:getsockname().host, server:status()`)
	s.expect(`"state"	"127.0.0.1"	"running"`)
	// A busy loop is interrupted too.
	s.send(`print("spinning"); while true do end`)
	s.expect("spinning\n")
	s.sigs <- os.Interrupt
	s.expect("interrupted\n")
	s.send(`server:status()`)
	s.expect(`"running"`)
	s.in.Close()
	if err := s.wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// A Chinese user reads that the line was interrupted in Chinese, whether
// it ran Lua or waited for input.
func TestCtrlCInChinese(t *testing.T) {
	s := startSessionIn(t, luabind.Chinese, Options{Transcript: true})
	s.send(`print("spinning"); while true do end`)
	s.expect("spinning\n")
	s.sigs <- os.Interrupt
	s.expect("已中断\n")
	s.send(`input("more? ")`)
	s.expect("more? ")
	s.sigs <- os.Interrupt
	s.expect("已中断\n")
	s.send(`"after"`)
	s.expect(`"after"`)
	// A task of :run that has the keyboard, stopped while it runs on.
	script := filepath.Join(t.TempDir(), "asks.lua")
	if err := os.WriteFile(script, []byte(`local l = input("? ") print("got " .. l) while true do sleep(0.01) end`), 0o644); err != nil {
		t.Fatal(err)
	}
	s.send(":run " + script)
	s.expect("? ")
	s.send("x")
	s.expect("got x\n")
	s.sigs <- os.Interrupt
	s.expect("已中断\n")
	s.send(`"end"`)
	s.expect(`"end"`)
	if strings.Contains(s.out.String(), "interrupted") {
		t.Errorf("English in the Chinese session:\n%s", s.out.String())
	}
}

func TestCtrlCAtThePromptDropsTheChunk(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`for i = 1, 3 do`)
	s.expect(">> ")
	s.sigs <- os.Interrupt
	s.expect("\n> ")
	s.send(`1 + 1`)
	s.expect("1 + 1\n2\n")
}

func TestInputReadsTheNextLine(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`name = input("name? ")`)
	s.expect("name? ")
	s.send("ada")
	s.send(`name`)
	s.expect(`"ada"`)
	// Ctrl-C while input() waits interrupts the line.
	s.send(`input("more? ")`)
	s.expect("more? ")
	s.sigs <- os.Interrupt
	s.expect("interrupted\n")
	s.send(`"after"`)
	s.expect(`"after"`)
}

func TestSignalsThatEndTheREPL(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`print("ready"); sleep(30)`)
	s.expect("ready\n")
	s.sigs <- syscall.SIGTERM
	var e *luabind.Error
	if err := s.wait(); !errors.As(err, &e) || e.Kind != luabind.Exit || e.Code != 128+15 {
		t.Errorf("Run: %v, want exit status 143", err)
	}
}

func TestExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name, input string
		code        int // -1: a nil error
	}{
		{"end of input", "x = 1\n", -1},
		{":quit", ":quit\nos.exit(4)\n", -1},
		{"os.exit(3)", "os.exit(3)\nprint('not reached')\n", 3},
		{"os.exit()", "os.exit()\n", 0},
		{"os.exit(false)", "os.exit(false)\n", 1},
		{"in a multi-line chunk", "if true then\nos.exit(5)\nend\n", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := luabind.New(luabind.Options{})
			defer rt.Close()
			out := &syncBuffer{}
			err := Run(context.Background(), rt, Options{Stdin: strings.NewReader(tc.input), Stdout: out, Stderr: out, Signals: make(chan os.Signal)})
			var e *luabind.Error
			switch {
			case tc.code < 0 && err != nil:
				t.Errorf("Run: %v, want nil", err)
			case tc.code >= 0 && (!errors.As(err, &e) || e.Kind != luabind.Exit || e.Code != tc.code):
				t.Errorf("Run: %v, want exit status %d", err, tc.code)
			}
			if strings.Contains(out.String(), "not reached") {
				t.Errorf("ran on after the end: %q", out.String())
			}
		})
	}
}

func TestOsExitInABackgroundTask(t *testing.T) {
	s := startSession(t, Options{Transcript: true})
	s.send(`spawn(function() sleep(0.01); os.exit(7) end)`)
	// The REPL waits at its prompt (the pipe stays open) and leaves.
	var e *luabind.Error
	if err := s.wait(); !errors.As(err, &e) || e.Kind != luabind.Exit || e.Code != 7 {
		t.Errorf("Run: %v, want exit status 7", err)
	}
	if n := s.rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the REPL ended", n)
	}
}

func TestOsExitInABackgroundScriptEndsOnlyIt(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "quitter.lua")
	if err := os.WriteFile(script, []byte(`print("quitting"); os.exit(2)`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startSession(t, Options{Transcript: true})
	s.send(":run " + script)
	s.expect("quitting\n")
	// Wait for the script to end (it does just after printing).
	deadline := time.Now().Add(15 * time.Second)
	for {
		s.send(`:jobs`)
		s.expect("> :jobs\n")
		end := s.out.waitFor(t, s.seen, "\n")
		line := s.out.String()[s.seen:end]
		s.seen = end
		if strings.Contains(line, "cancelled") {
			break
		}
		if !strings.Contains(line, "running") || time.Now().After(deadline) {
			t.Fatalf(":jobs shows %q", line)
		}
		time.Sleep(5 * time.Millisecond) // polling the task's state, bounded by the deadline
	}
	s.send(`"still here"`)
	s.expect(`"still here"`)
}

func TestInitRunsBeforeThePrompt(t *testing.T) {
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	out := &syncBuffer{}
	err := Run(context.Background(), rt, Options{
		Stdin: strings.NewReader("greeting, arg[1], arg[2], local_kept\n"), Stdout: out, Stderr: out,
		Init: `greeting = "hi"; local local_kept = 1`, InitArgs: []string{"a", "b c"}, Signals: make(chan os.Signal),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "\"hi\"\t\"a\"\t\"b c\"\t1\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

func TestSocketsAreClosedWhenTheREPLEnds(t *testing.T) {
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	err := Run(context.Background(), rt, Options{
		Stdin:   strings.NewReader("srv = socket.create_server({'127.0.0.1', 0})\nspawn(function() srv:accept() end)\n"),
		Signals: make(chan os.Signal),
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the REPL ended", n)
	}
}

func TestHelp(t *testing.T) {
	out := &syncBuffer{}
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	input := ":help\n:help socket\n:help keys\n:help tasks\n:h locals\n"
	if err := Run(context.Background(), rt, Options{Stdin: strings.NewReader(input), Stdout: out, Stderr: out, Signals: make(chan os.Signal)}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, c := range commands {
		if !strings.Contains(text, ":"+c.name) {
			t.Errorf(":help lacks :%s", c.name)
		}
	}
	for _, want := range []string{
		"local x = 1 sets the global x",                           // the choice about locals
		"shows at once, above the prompt",                         // the choice about background output
		"s:recv(1024)", "create_server", "ConnectionRefusedError", // the API
		"Ctrl-R", "Tab", "SOCKPLAY_HISTORY", // the keys
		"spawn(function()", ":kill N", // tasks
	} {
		if !strings.Contains(text, want) {
			t.Errorf(":help lacks %q", want)
		}
	}
	// The socket API fits on one screen.
	if n := strings.Count(helpTopics["socket"], "\n"); n > 24 {
		t.Errorf(":help socket is %d lines, more than a screen", n)
	}
}

func TestConsoleHoldsOutputWhileReading(t *testing.T) {
	var out syncBuffer
	c := newConsole(&out)
	task := c.writer(&out)
	io.WriteString(task, "before\n")
	c.beginPrompt("> ")
	io.WriteString(task, "while typing\n")
	if got := out.String(); got != "before\n> " {
		t.Fatalf("output shown during the prompt: %q", got)
	}
	c.endRead("typed", true, true)
	if got, want := out.String(), "before\n> typed\nwhile typing\n"; got != want {
		t.Errorf("after Enter: %q, want %q", got, want)
	}
	// A prompt after a partial line starts a new line.
	io.WriteString(task, "partial")
	c.beginPrompt("> ")
	c.endRead("", false, true)
	if got := out.String(); !strings.HasSuffix(got, "partial\n> ") {
		t.Errorf("prompt after a partial line: %q", got)
	}
	// input()'s prompt is what follows the last newline.
	io.WriteString(task, "name? \x1b[1m")
	if got := c.beginInput(true); got != "name? [1m" {
		t.Errorf("input prompt %q", got)
	}
	c.release()
}

func TestConsoleDropsTheOldestHeldOutput(t *testing.T) {
	var out syncBuffer
	c := newConsole(&out)
	task := c.writer(&out)
	c.beginPrompt("")
	chunk := strings.Repeat("x", 1023) + "\n"
	for range 2 * maxHeld / len(chunk) {
		io.WriteString(task, chunk)
	}
	c.release()
	got := out.String()
	if !strings.HasPrefix(got, "[") || !strings.Contains(got, "bytes of background output dropped") || len(got) > maxHeld+200 {
		t.Errorf("held output not bounded: %d bytes, starting %q", len(got), got[:min(len(got), 80)])
	}
}
