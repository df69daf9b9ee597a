//go:build linux || darwin

package repl_test

import (
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/ptytest"
	"golang.org/x/sys/unix"
)

// These tests run the REPL on a pseudo-terminal, in the sockplay command
// (see TestMain), as a user at a terminal meets it: liner's line editing,
// completion, history, and Ctrl-C, which the terminal turns into a SIGINT
// between prompts and into a key during one.

// startTerm starts sockplay's REPL on a terminal. env adds to the
// environment; history goes to $XDG_STATE_HOME, a fresh temporary
// directory unless env sets one. The REPL waits on a task it starts or
// stops (:run, Ctrl-C) until the test's deadline, not for the 2 seconds
// a user gets: a loaded machine may take longer to start a script.
func startTerm(t *testing.T, env ...string) *ptytest.Term {
	t.Helper()
	return startTermArgs(t, nil, env...)
}

// startTermArgs is startTerm with sockplay's arguments.
func startTermArgs(t *testing.T, args []string, env ...string) *ptytest.Term {
	t.Helper()
	cmd := exec.Command("sockplay", args...)
	cmd.Env = ptytest.Env(t, append([]string{taskWaitEnv + "=" + ptytest.Timeout.String()}, env...)...)
	tm := ptytest.Start(t, cmd)
	tm.Expect(":help for help")
	tm.Expect("> ")
	return tm
}

// ctrlD ends the session with Ctrl-D, which must exit with status 0.
func TestTerminalLineEditing(t *testing.T) {
	tm := startTerm(t)
	// Ctrl-A goes to the start of the line, where the missing p goes.
	tm.Type(`rint("edited")` + "\x01p\r")
	tm.Expect("edited\n> ")
	// Left arrow twice, then insert.
	tm.Type("x = 12\x1b[D\x1b[D9\r")
	tm.Line("x", "912\n")
	// Ctrl-U deletes back to the start; Up recalls the last line.
	tm.Type("garbage\x15x + 1\r")
	tm.Expect("913\n")
	tm.Type("\x1b[A\r")
	tm.Expect("x + 1\n913\n")
	tm.Quit()
}

func TestTerminalTabCompletion(t *testing.T) {
	tm := startTerm(t)
	tm.Line("s = socket.socket()", "> ")
	// One Tab completes what is common, a second lists the candidates.
	tm.Type("s:se\t\t")
	tm.ExpectRE(regexp.MustCompile(`\nsend .*sendall .*sendto .*setblocking .*setsockopt .*settimeout \n`))
	tm.Type("\x15socket.AF_\t\t")
	tm.Expect("AF_INET AF_INET6 AF_UNIX")
	// A single candidate is completed at once.
	tm.Type("\x15s:getsockn\t")
	tm.Expect("s:getsockname")
	tm.Type("()\r")
	tm.Expect("('0.0.0.0', 0)")
	tm.Type(":he\t")
	tm.Expect(":help")
	tm.Type(" lo\t\r")
	tm.Expect("local at the prompt")
}

func TestTerminalHistoryAcrossSessions(t *testing.T) {
	state := t.TempDir()
	tm := startTerm(t, "XDG_STATE_HOME="+state)
	tm.Line("histmark = 6 * 7", "> ")
	tm.Line("histmark", "42\n")
	tm.Quit()
	data, err := os.ReadFile(filepath.Join(state, "sockplay", "history"))
	if err != nil || string(data) != "histmark = 6 * 7\nhistmark\n" {
		t.Fatalf("history file %q, %v", data, err)
	}

	// A new session recalls both lines with Up.
	tm = startTerm(t, "XDG_STATE_HOME="+state)
	tm.Type("\x1b[A\x1b[A\r")
	tm.Expect("histmark = 6 * 7\n")
	tm.Line("histmark", "42\n")

	// SOCKPLAY_HISTORY=off keeps none.
	off := t.TempDir()
	tm = startTerm(t, "XDG_STATE_HOME="+off, "SOCKPLAY_HISTORY=off")
	tm.Line("1", "1\n")
	tm.Quit()
	if _, err := os.Stat(filepath.Join(off, "sockplay")); !os.IsNotExist(err) {
		t.Errorf("history written with SOCKPLAY_HISTORY=off: %v", err)
	}
}

func TestTerminalCtrlCAtThePrompt(t *testing.T) {
	tm := startTerm(t)
	// It drops an unfinished chunk...
	tm.Line("for i = 1, 3 do", ">> ")
	tm.Type("\x03")
	tm.Expect("^C\n> ")
	// ...and the line being typed.
	tm.Type("garbage\x03")
	tm.Expect("^C\n> ")
	tm.Line("1 + 1", "2\n")
	tm.Quit()
}

func TestTerminalCtrlCDuringAccept(t *testing.T) {
	tm := startTerm(t)
	tm.Line(`srv = socket.create_server({"127.0.0.1", 0})`, "> ")
	tm.Line(`server = spawn(function() while true do local c = srv:accept(); c:sendall(c:recv(100):upper()); c:close() end end)`, "> ")
	tm.Line(`l = socket.create_server({"127.0.0.1", 0}); print("accepting"); l:accept()`, "accepting\n")
	tm.Type("\x03") // a SIGINT from the terminal: the line runs, not a prompt
	tm.Expect("interrupted\n> ")
	tm.Line(`c = socket.create_connection(srv:getsockname(), 5); c:sendall("still answering"); c:recv(100)`, `"STILL ANSWERING"`)
	tm.Line(`l:getsockname().host, server:status()`, `"127.0.0.1"	"running"`)
	// A recv that nothing answers, the same way.
	tm.Line(`a, b = socket.socketpair(); print("receiving"); a:recv(10)`, "receiving\n")
	tm.Type("\x03")
	tm.Expect("interrupted\n> ")
	tm.Line(`b:sendall("late"); a:recv(10)`, `"late"`)
	tm.Quit()
}

func TestTerminalBackgroundServerAndClient(t *testing.T) {
	tm := startTerm(t)
	tm.Line(":run tcp/echo_server 0", "runs in the background")
	port := tm.ExpectRE(regexp.MustCompile(`server is listening on 127\.0\.0\.1:(\d+)\n`))[1]
	tm.Expect("> ")
	tm.Line(`c = socket.create_connection({"127.0.0.1", `+port+`}); c:sendall("hello, server"); c:recv(100)`, `"HELLO, SERVER"`)
	tm.Line(`c:close()`, "> ")
	tm.Line(`os.exit(3)`, "")
	if code := tm.Wait(); code != 3 {
		t.Errorf("exit status %d after os.exit(3)", code)
	}
}

// Output of a background task that arrives while the user types shows at
// once, above the prompt, which comes back below it with the half-typed
// line: never inside the line being edited, never waiting for Enter. A
// line the task has not finished waits.
func TestTerminalShowsBackgroundOutputAtOnce(t *testing.T) {
	tm := startTerm(t)
	tm.Line(`l = socket.create_server({"127.0.0.1", 0}); print("port", l:getsockname().port)`, "port\t")
	port := tm.ExpectRE(regexp.MustCompile(`^(\d+)\n`))[1]
	tm.Line(`spawn(function() local c = l:accept(); print("bg-output"); io.write("bg-part"); c:sendall("printed"); c:close() end)`, "> ")
	tm.Type("typed = 1")
	tm.Expect("typed = 1")
	// Make the task print, and wait until it has (it answers after).
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(ptytest.Timeout))
	if reply, err := io.ReadAll(c); string(reply) != "printed" {
		t.Fatalf("reply %q, %v", reply, err)
	}
	// The line, at once; then the prompt and the typed text again.
	if got := tm.Expect("bg-output\n> typed = 1"); got != "bg-output\n> typed = 1" {
		t.Errorf("the terminal showed %q; want the line, then the prompt and the typed text again", got)
	}
	// Typing goes on where it was; the unfinished line shows after Enter.
	tm.Type("5\r")
	if got := tm.Expect("bg-part"); got != "5\nbg-part" {
		t.Errorf("after Enter the terminal showed %q", got)
	}
	tm.Line("typed", "15\n")
}

func TestTerminalInput(t *testing.T) {
	tm := startTerm(t)
	// input writes its prompt, then liner writes it again over it (after
	// a \r) and reads the keys.
	tm.Line(`name = input("name? ")`, "name? name? ")
	tm.Type("ada\r")
	tm.Expect("ada\n> ")
	tm.Line("name", `"ada"`)
	// Ctrl-C at input's prompt interrupts the line.
	tm.Line(`input("more? ")`, "more? more? ")
	tm.Type("\x03")
	tm.Expect("interrupted\n> ")
	tm.Line(`"after"`, `"after"`)
}

func TestTerminalSIGTERMRestoresTheTerminal(t *testing.T) {
	tm := startTerm(t)
	tm.Line("x = 1", "> ")
	tm.Process().Signal(syscall.SIGTERM)
	if code := tm.Wait(); code != 128+15 {
		t.Errorf("exit status %d after SIGTERM, want 143", code)
	}
	// liner's raw mode is undone: the terminal echoes and edits lines again.
	mode, err := unix.IoctlGetTermios(int(tm.File().Fd()), ioctlGetTermios)
	if err != nil {
		t.Fatal(err)
	}
	if mode.Lflag&unix.ECHO == 0 || mode.Lflag&unix.ICANON == 0 {
		t.Errorf("terminal left in raw mode: lflag %#x", mode.Lflag)
	}
}

// A client started with :run has the keyboard, and says so: every line
// typed is its own, also a line typed while it waits for a reply, until
// Ctrl-D ends its input; then the prompt is back. Ctrl-C while it waits
// stops it.
func TestTerminalRunClientHasTheKeyboard(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	reply := make(chan struct{})
	got := make(chan string, 10) // what the server received
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 100)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					got <- string(buf[:n])
					<-reply // the test says when: the client waits meanwhile
					c.Write(append([]byte("re "), buf[:n]...))
				}
			}()
		}
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	tm := startTerm(t)
	tm.Line(":run tcp/loop_client "+port, "reads the keyboard: what you type goes to it. Ctrl-D ends its input, Ctrl-C stops it; then the > prompt is back.\n>>>")
	tm.Type("one\r")
	tm.Expect("one\n")
	tm.Type("two\r") // typed while the client waits for its reply
	reply <- struct{}{}
	tm.Expect("b're one'\n>>>")
	reply <- struct{}{}
	tm.Expect("two\nb're two'\n>>>")
	tm.Type("\x04")
	tm.Expect("\n> ")
	tm.Line("1 + 1", "2\n> ")

	// Ctrl-C while it waits for a reply stops it.
	tm.Line(":run tcp/loop_client "+port, "then the > prompt is back.\n>>>")
	tm.Type("three\r")
	tm.Expect("three\n")
	// Once the server has the line, the REPL has handed it over, and a
	// Ctrl-C is a signal again (not a key).
	for msg := ""; msg != "three"; {
		select {
		case msg = <-got:
		case <-time.After(ptytest.Timeout):
			t.Fatal("the server did not get the line")
		}
	}
	tm.Type("\x03")
	tm.Expect("interrupted\n")
	tm.Expect("> ")
	tm.Line(":jobs", "cancelled")
	close(reply)
}

// After :run the prompt comes back once the script has settled, as a
// notebook's once a cell has run: everything a script that is quickly
// done prints comes before it, also what its spawned task prints after a
// stretch of work; a client that waits for a reply gives the prompt back
// while it waits, and its reply shows above the prompt when it comes.
// The REPL's bound on that wait is an hour here: a prompt that waited
// for it would not come within the test's deadline.
func TestTerminalRunGivesThePromptBackWhenSettled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	reply := make(chan struct{})
	served := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(2 * ptytest.Timeout))
		buf := make([]byte, 100)
		if _, err := c.Read(buf); err != nil {
			served <- err
			return
		}
		<-reply // the test says when: the client waits in recv meanwhile
		_, err = c.Write([]byte("HI"))
		served <- err
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	dir := t.TempDir()
	quick := filepath.Join(dir, "quick.lua")
	client := filepath.Join(dir, "client.lua")
	for file, code := range map[string]string{
		quick: `print("one")
local n = 0
for i = 1, 1e4 do n = n + i end -- work, no wait
print("two")
spawn(function() for i = 1, 1e4 do n = n + i end print("three") end)`,
		client: `local c = socket.create_connection({"127.0.0.1", ` + port + `})
c:sendall("hello")
print("reply: " .. c:recv(100))
c:close()`,
	} {
		if err := os.WriteFile(file, []byte(code), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tm := startTerm(t, taskWaitEnv+"=1h")
	tm.Line(":run "+quick, "runs in the background")
	if got := tm.Expect("> "); got != " (:jobs lists tasks, :kill 1 stops it)\none\ntwo\nthree\n> " {
		t.Errorf("after :run of a quick script the terminal showed %q", got)
	}
	tm.Line(":run "+client, "runs in the background")
	if got := tm.Expect("> "); got != " (:jobs lists tasks, :kill 3 stops it)\n> " {
		t.Errorf("after :run of a waiting client the terminal showed %q", got)
	}
	tm.Type("typed = 1")
	tm.Expect("typed = 1")
	close(reply)
	if got := tm.Expect("reply: HI\n> typed = 1"); got != "reply: HI\n> typed = 1" {
		t.Errorf("the reply showed as %q; want it above the prompt and the typed text", got)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	tm.Type("5\r")
	tm.Line("typed", "15\n")
	tm.Quit()
}
