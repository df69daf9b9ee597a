package luabind

// The LuaSocket dialect against LuaSocket itself: the scripts of
// testdata/luasocket run on sockplay (in-process runtimes) and on Lua 5.4
// with LuaSocket (lua5.4 and Debian's lua-socket; those cases skip
// without them), each side against the other and against itself.

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/outlines"
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
	lines  *outlines.Reader
	out    *syncbuf.Buffer // everything it printed, stderr included
	done   chan struct{}
	err    error // the run's result, once done is closed
	cancel context.CancelFunc
	rt     *Runtime // sockplay only
}

// startLua runs file with args on impl, stdin as its input (nil: none). It stops the
// script when the test ends.
func startLua(t *testing.T, impl, file string, stdin io.Reader, args ...string) *luaProc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), interopTimeout)
	p := &luaProc{name: impl + " " + filepath.Base(file),
		out: &syncbuf.Buffer{}, done: make(chan struct{}), cancel: cancel}
	pr, pw := io.Pipe()
	p.lines = outlines.Start(pr, 1000, 1<<20, p.out)
	switch impl {
	case onSockplay:
		p.rt = New(Options{Stdin: stdin, Stdout: pw, Stderr: pw})
		go func() {
			p.err = p.rt.RunFile(ctx, file, args)
			pw.Close()
			close(p.done)
		}()
	case onLuaSocket:
		cmd := exec.CommandContext(ctx, "lua5.4", append([]string{filepath.Base(file)}, args...)...)
		cmd.Dir = filepath.Dir(file)
		cmd.Stdin = stdin
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
		if c, ok := stdin.(io.Closer); ok {
			c.Close() // a script still reading its input sees its end
		}
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
	return p.lines.Next(t, interopLine, p.name, p.done, &p.err, p.out)
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
	p.lines.Drain() // the rest of the output
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
				peer := startLua(t, peerImpl, "testdata/luasocket/peer.lua", nil)
				port := peer.expect(t, `^listening (\d+)$`)[1]
				client := startLua(t, clientImpl, "testdata/luasocket/contracts.lua", nil, port)
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

// pairs runs fn for every (server, client) pair of implementations.
func forEachPair(t *testing.T, fn func(t *testing.T, server, client string)) {
	for _, server := range implementations() {
		for _, client := range implementations() {
			if server == onLuaSocket && client == onLuaSocket {
				continue
			}
			t.Run("server on "+server+", client on "+client, func(t *testing.T) {
				fn(t, server, client)
			})
		}
	}
}

const samples = "testdata/luasocket/samples/"

// TestLuaSocketSamples runs the pairs of testdata/luasocket/samples, which
// behave as LuaSocket's samples do, each side on each implementation.
func TestLuaSocketSamples(t *testing.T) {
	t.Run("udp echo", func(t *testing.T) {
		forEachPair(t, func(t *testing.T, server, client string) {
			srv := startLua(t, server, samples+"udp_echo_server.lua", nil)
			srv.expect(t, `^Binding to host '127\.0\.0\.1' and port 0\.\.\.$`)
			port := srv.expect(t, `^Waiting packets on 127\.0\.0\.1:(\d+)\.\.\.$`)[1]
			c := startLua(t, client, samples+"udp_echo_client.lua", strings.NewReader("hello\nworld\n\nnot sent\n"), "localhost", port)
			want := "Using remote host '127.0.0.1' and port " + port + "...\nhello\nworld\n"
			if out := c.wait(t); out != want {
				t.Errorf("client printed %q, want %q", out, want)
			}
			srv.expect(t, `^Echoing 'hello' to 127\.0\.0\.1:\d+$`)
			srv.expect(t, `^Echoing 'world' to 127\.0\.0\.1:\d+$`)
			srv.stop()
		})
	})
	t.Run("talker and listener", func(t *testing.T) {
		forEachPair(t, func(t *testing.T, server, client string) {
			srv := startLua(t, server, samples+"listener.lua", nil)
			srv.expect(t, `^Binding to host`)
			port := srv.expect(t, `^Waiting connection from talker on 127\.0\.0\.1:(\d+)\.\.\.$`)[1]
			c := startLua(t, client, samples+"talker.lua", strings.NewReader("line one\r\nline two\n\nnot sent\n"), "127.0.0.1", port)
			c.wait(t)
			srv.expect(t, `^Connected\. Here is the stuff:$`)
			srv.expect(t, `^line one$`)
			srv.expect(t, `^line two$`)
			srv.expect(t, `^closed$`)
			srv.wait(t)
		})
	})
	t.Run("daytime", func(t *testing.T) {
		forEachPair(t, func(t *testing.T, server, client string) {
			srv := startLua(t, server, samples+"daytime_server.lua", nil)
			port := srv.expect(t, `^daytime on 127\.0\.0\.1:(\d+)$`)[1]
			c := startLua(t, client, samples+"daytime_client.lua", nil, "127.0.0.1", port)
			out := c.wait(t)
			if !regexp.MustCompile(`^Using host '127\.0\.0\.1' and port \d+\.\.\.\n\w+day, \w+ \d\d, \d{4} \d\d:\d\d:\d\d-UTC\n$`).MatchString(out) {
				t.Errorf("client printed %q", out)
			}
			srv.stop()
		})
		for _, client := range implementations() {
			t.Run("no server, client on "+client, func(t *testing.T) {
				// A port nothing listens on: the client reports the
				// error, "connection refused" (from the ICMP reply).
				c := startLua(t, client, samples+"daytime_client.lua", nil, "127.0.0.1", freeUDPPort(t))
				out := c.wait(t)
				if !strings.HasSuffix(out, "\nconnection refused\n") {
					t.Errorf("client printed %q, want the refusal", out)
				}
			})
		}
	})
	t.Run("udp connect", func(t *testing.T) {
		forEachPair(t, func(t *testing.T, server, client string) {
			srvIn, srvFeed := io.Pipe()
			cliIn, cliFeed := io.Pipe()
			t.Cleanup(func() { srvFeed.Close(); cliFeed.Close() })
			srv := startLua(t, server, samples+"udp_connect_server.lua", srvIn)
			port := srv.expect(t, `^port (\d+)$`)[1]
			c := startLua(t, client, samples+"udp_connect_client.lua", cliIn, port)
			sc := c.expect(t, `^sc (\d+)$`)[1]
			io.WriteString(srvFeed, sc+"\n")
			srv.expect(t, `^setpeername 1(\.0)? udp\{connected\}$`)
			// From se: not the peer, dropped. From sc: received.
			io.WriteString(cliFeed, "\n")
			c.expect(t, `^sent from se$`)
			io.WriteString(cliFeed, "\n")
			c.expect(t, `^sent from sc$`)
			srv.expect(t, `^received this is a test from sc$`)
			// Unconnected, the socket has lost its port until it sends
			// again (Linux takes back a port that was bound to 0).
			srv.expect(t, `^setpeername 1(\.0)? udp\{unconnected\}$`)
			srv.expect(t, `^getsockname 127\.0\.0\.1 0$`)
			srvFeed.Close() // (lua5.4's Wait waits for its input to end)
			srv.wait(t)
			cliFeed.Close()
			c.wait(t)
		})
	})
	t.Run("unix stream", func(t *testing.T) {
		forEachPair(t, func(t *testing.T, server, client string) {
			dir, err := os.MkdirTemp("", "ls")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(dir) })
			path := filepath.Join(dir, "sock")
			srv := startLua(t, server, samples+"unix_stream_server.lua", nil, path)
			srv.expect(t, `^listening on `+regexp.QuoteMeta(path)+`$`)
			c := startLua(t, client, samples+"unix_stream_client.lua", strings.NewReader("one\ntwo\n"), path)
			c.wait(t)
			srv.expect(t, `^one$`)
			srv.expect(t, `^two$`)
			srv.expect(t, `^end: closed$`)
			srv.wait(t)
		})
	})
	t.Run("tinyirc", func(t *testing.T) {
		for _, server := range implementations() {
			t.Run("server on "+server, func(t *testing.T) {
				srv := startLua(t, server, samples+"tinyirc.lua", nil)
				m := srv.expect(t, `^Servers bound on (\d+) and (\d+)$`)
				a := dialLines(t, "127.0.0.1:"+m[1])
				srv.expect(t, `^Inserting client in set$`)
				b := dialLines(t, "127.0.0.1:"+m[2])
				srv.expect(t, `^Inserting client in set$`)
				a.send(t, "hello from a\r\n")
				srv.expect(t, `^Broadcasting line 'hello from a'$`)
				if got := b.line(t); got != "hello from a" {
					t.Errorf("b got %q", got)
				}
				b.send(t, "and from b\n")
				srv.expect(t, `^Broadcasting line 'and from b'$`)
				if got := a.line(t); got != "and from b" {
					t.Errorf("a got %q", got)
				}
				a.conn.Close()
				srv.expect(t, `^Removing client from set$`)
				srv.stop()
			})
		}
	})
}

// freeUDPPort is a UDP port on 127.0.0.1 that nothing uses (just freed).
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port)
}

// lineConn is a TCP client that speaks in lines, every read bounded.
type lineConn struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialLines(t *testing.T, addr string) *lineConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, interopLine)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &lineConn{conn: c, r: bufio.NewReader(c)}
}

func (c *lineConn) send(t *testing.T, s string) {
	t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(interopLine))
	if _, err := io.WriteString(c.conn, s); err != nil {
		t.Fatal(err)
	}
}

func (c *lineConn) line(t *testing.T) string {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(interopLine))
	s, err := c.r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a line: %v (got %q)", err, s)
	}
	return strings.TrimRight(s, "\r\n")
}

// TestLuaSocketFilters compares what ltn12, mime and socket.url make of
// LuaSocket's test inputs on sockplay and on LuaSocket.
func TestLuaSocketFilters(t *testing.T) {
	sp := startLua(t, onSockplay, "testdata/luasocket/filters.lua", nil).wait(t)
	if !strings.Contains(sp, "b64 round trip: true\n") || !strings.Contains(sp, "qp binary round trip: true\n") {
		t.Errorf("sockplay's round trips failed:\n%.2000s", sp)
	}
	if !haveLuaSocket() {
		t.Skip("lua5.4 with LuaSocket is not installed: nothing to compare with")
	}
	ls := startLua(t, onLuaSocket, "testdata/luasocket/filters.lua", nil).wait(t)
	if sp == ls {
		return
	}
	spLines, lsLines := strings.Split(sp, "\n"), strings.Split(ls, "\n")
	for i := 0; i < max(len(spLines), len(lsLines)); i++ {
		var a, b string
		if i < len(spLines) {
			a = spLines[i]
		}
		if i < len(lsLines) {
			b = lsLines[i]
		}
		if a != b {
			t.Errorf("line %d differs:\nsockplay:  %.300q\nLuaSocket: %.300q", i+1, a, b)
		}
	}
}
