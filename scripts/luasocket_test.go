package scripts_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// The bundled scripts in the LuaSocket dialect (luasocket/*), and the
// LuaSocket-dialect benchmark server, end to end.

func TestLuaSocketEcho(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "luasocket/echo_server", "", "0")

	// A client held open meanwhile: the server serves both at once.
	other, err := net.DialTimeout("tcp", srv.Addr, lineTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.SetDeadline(time.Now().Add(runTimeout))
	srv.expect(t, `~^client 127\.0\.0\.1 \d+ connected$`)

	out := mustRun(t, "luasocket/echo_client", "hello\nworld\n", srv.port())
	checkOutput(t, "luasocket/echo_client", out, "> hello\n> world\n> ")
	srv.expect(t, `~^client 127\.0\.0\.1 \d+ connected$`, "echo: hello", "echo: world", "client left: closed")

	if _, err := io.WriteString(other, "still here\r\n"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len("still here\n"))
	if _, err := io.ReadFull(other, buf); err != nil || string(buf) != "still here\n" {
		t.Fatalf("the other client got %q, %v", buf, err)
	}
	srv.expect(t, "echo: still here")
	srv.stop(t)
}

func TestLuaSocketEchoClientWithoutServer(t *testing.T) {
	checkGoroutines(t)
	out, err := runClient(t, "luasocket/echo_client", "hello\n", freeTCPPort(t))
	if err == nil || !regexp.MustCompile(`cannot connect to 127\.0\.0\.1:\d+: connection refused`).MatchString(err.Error()) {
		t.Fatalf("got %v (output %q), want the refusal", err, out)
	}
}

func TestLuaSocketTimeClient(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "udp/time_server", "", "0")
	out := mustRun(t, "luasocket/time_client", "%Y\n  %H:%M  \n", srv.port())
	prompt := regexp.QuoteMeta("time format (e.g. %Y %m %d)> ")
	want := regexp.MustCompile(`^` + prompt + `date: \d{4}\n` + prompt + `date: \d\d:\d\d\n` + prompt + `$`)
	if !want.MatchString(out) {
		t.Errorf("time_client printed %q", out)
	}
	srv.expect(t, "===>\tb'%Y'", `~^\d{4}\tstring$`, "===>\tb'%H:%M'", `~^\d\d:\d\d\tstring$`)
	srv.stop(t)

	// No server: the connected socket hears the refusal.
	out = mustRun(t, "luasocket/time_client", "%Y\n", freeUDPPort(t))
	checkOutput(t, "luasocket/time_client", out, "time format (e.g. %Y %m %d)> no answer: connection refused\n")
}

// TestBenchLuaSocketEchoServer: the benchmark's LuaSocket-dialect peer
// echoes every byte, to many clients at once, including more than the
// socket buffers hold (its sends wait for room).
func TestBenchLuaSocketEchoServer(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "bench/luasocket_echo_server", "", "0")
	const clients = 6
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		c, err := net.DialTimeout("tcp", srv.Addr, lineTimeout)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(runTimeout))
		go func() {
			defer c.Close()
			// Small round trips first, as the pingpong test does.
			for j := 0; j < 20; j++ {
				msg := binaryPayload(i*100+j, 64)
				if _, err := c.Write(msg); err != nil {
					errs <- err
					return
				}
				got := make([]byte, len(msg))
				if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
					errs <- fmt.Errorf("client %d round trip %d: %v", i, j, err)
					return
				}
			}
			// Then a stream, read while it is written.
			payload := binaryPayload(i, 2_000_000)
			go func() {
				for p := payload; len(p) > 0; {
					n := min(len(p), 65536)
					if _, err := c.Write(p[:n]); err != nil {
						return
					}
					p = p[n:]
				}
				c.(*net.TCPConn).CloseWrite()
			}()
			got, err := io.ReadAll(c)
			switch {
			case err != nil:
				errs <- fmt.Errorf("client %d: %v after %d bytes", i, err, len(got))
			case !bytes.Equal(got, payload):
				errs <- fmt.Errorf("client %d: %d bytes back, want %d", i, len(got), len(payload))
			default:
				errs <- nil
			}
		}()
	}
	for i := 0; i < clients; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	srv.stop(t)
	if s := srv.stderr.String(); s != "" {
		t.Errorf("stderr: %s", s)
	}
}

func freeTCPPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port)
}
