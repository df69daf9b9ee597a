package luabind

// The LuaSocket dialect against LuaSocket itself: the scripts of
// testdata/luasocket run on sockplay (in-process runtimes) and on Lua 5.4
// with LuaSocket (lua5.4 and Debian's lua-socket; those cases skip
// without them), each side against the other and against itself.

import (
	"bufio"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
)

const (
	interopTimeout = 90 * time.Second // one script's whole run
	interopLine    = 20 * time.Second // one expected line of output
)

// The two implementations a script runs on.
const (
	onSockplay  = "sockplay"
	onLuaSocket = "lua5.4"
)

// haveLuaSocket reports whether lua5.4 with LuaSocket (socket and
// socket.unix) is installed.
var haveLuaSocket = sync.OnceValue(func() bool {
	lua, err := exec.LookPath("lua5.4")
	if err != nil {
		return false
	}
	return exec.Command(lua, "-e", `require("socket"); require("socket.unix")`).Run() == nil
})

// implementations are those to run on: sockplay always, LuaSocket if
// installed.
func implementations() []string {
	if haveLuaSocket() {
		return []string{onSockplay, onLuaSocket}
	}
	return []string{onSockplay}
}

// luaProc is a Lua script running on one implementation; its output
// arrives line by line.
type luaProc struct {
	name   string
	lines  chan string
	out    *syncbuf.Buffer // everything it printed, stderr included
	done   chan struct{}
	err    error // the run's result, once done is closed
	cancel context.CancelFunc
	rt     *Runtime // sockplay only
}

// startLua runs file with args on impl, stdin as its input. It stops the
// script when the test ends.
func startLua(t *testing.T, impl, file, stdin string, args ...string) *luaProc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), interopTimeout)
	p := &luaProc{name: impl + " " + filepath.Base(file), lines: make(chan string, 1000),
		out: &syncbuf.Buffer{}, done: make(chan struct{}), cancel: cancel}
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			p.out.Write([]byte(sc.Text() + "\n"))
			p.lines <- sc.Text()
		}
		close(p.lines)
		io.Copy(io.Discard, pr)
	}()
	switch impl {
	case onSockplay:
		p.rt = New(Options{Stdin: strings.NewReader(stdin), Stdout: pw, Stderr: pw})
		go func() {
			p.err = p.rt.RunFile(ctx, file, args)
			pw.Close()
			close(p.done)
		}()
	case onLuaSocket:
		cmd := exec.CommandContext(ctx, "lua5.4", append([]string{filepath.Base(file)}, args...)...)
		cmd.Dir = filepath.Dir(file)
		cmd.Stdin = strings.NewReader(stdin)
		cmd.Stdout, cmd.Stderr = pw, pw
		cmd.WaitDelay = 5 * time.Second
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			p.err = cmd.Wait()
			pw.Close()
			close(p.done)
		}()
	}
	t.Cleanup(func() {
		p.cancel()
		<-p.done
		if p.rt != nil {
			if n := p.rt.OpenSockets(); n != 0 {
				t.Errorf("%s: %d sockets open after the run", p.name, n)
			}
			p.rt.Close()
		}
	})
	return p
}

// next returns the script's next line of output.
func (p *luaProc) next(t *testing.T) string {
	t.Helper()
	timer := time.NewTimer(interopLine)
	defer timer.Stop()
	select {
	case line, ok := <-p.lines:
		if !ok {
			<-p.done
			t.Fatalf("%s ended before the expected output (%v):\n%s", p.name, p.err, p.out)
		}
		return line
	case <-timer.C:
		t.Fatalf("%s: no output within %v:\n%s", p.name, interopLine, p.out)
	}
	return ""
}

// expect reads the next line and checks it against the regular expression.
func (p *luaProc) expect(t *testing.T, pattern string) []string {
	t.Helper()
	line := p.next(t)
	m := regexp.MustCompile(pattern).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("%s printed %q, want a match of %s\nall output:\n%s", p.name, line, pattern, p.out)
	}
	return m
}

// wait waits for the script to end by itself and returns its output.
func (p *luaProc) wait(t *testing.T) string {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(interopTimeout):
		t.Fatalf("%s did not end:\n%s", p.name, p.out)
	}
	for range p.lines { // the rest of the output
	}
	if p.err != nil {
		t.Errorf("%s: %v\n%s", p.name, p.err, p.out)
	}
	return p.out.String()
}

// stop ends a script that serves until stopped.
func (p *luaProc) stop() {
	p.cancel()
	<-p.done
}

var resultLine = regexp.MustCompile(`(?m)^RESULT passed=(\d+) failed=(\d+)$`)

// TestLuaSocketContracts runs contracts.lua against peer.lua, each on
// each implementation.
func TestLuaSocketContracts(t *testing.T) {
	if !haveLuaSocket() {
		t.Log("lua5.4 with LuaSocket is not installed: sockplay against itself only")
	}
	for _, peerImpl := range implementations() {
		for _, clientImpl := range implementations() {
			if peerImpl == onLuaSocket && clientImpl == onLuaSocket {
				continue // LuaSocket against itself checks the test, not sockplay
			}
			t.Run("peer on "+peerImpl+", client on "+clientImpl, func(t *testing.T) {
				peer := startLua(t, peerImpl, "testdata/luasocket/peer.lua", "")
				port := peer.expect(t, `^listening (\d+)$`)[1]
				client := startLua(t, clientImpl, "testdata/luasocket/contracts.lua", "", port)
				out := client.wait(t)
				m := resultLine.FindStringSubmatch(out)
				if m == nil {
					t.Fatalf("no RESULT line:\n%s", out)
				}
				if m[2] != "0" || strings.Contains(out, "FAIL ") {
					t.Errorf("%s failed:\n%s", client.name, out)
				}
				if m[1] == "0" {
					t.Errorf("no check passed:\n%s", out)
				}
				peer.expect(t, `^peer done$`)
			})
		}
	}
}
