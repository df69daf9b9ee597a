package scripts_test

// The tutorial's own Python programs (with the port as an argument, and
// the server saying which port it got) talk to the Lua ones.

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/leakcheck"
	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/luabind"
)

const (
	pyEchoClient = `import socket, sys
tcp_socket_client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp_socket_client.connect(('127.0.0.1', int(sys.argv[1])))

#客户端发送数据
tcp_socket_client.send('hello'.encode('utf-8'))
data_recv = tcp_socket_client.recv(1024)
print(data_recv)

tcp_socket_client.close()
`
	pyEchoServer = `import socket, sys

#定义tcp或udp套接字对象
tcp_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

tcp_socket.bind(('127.0.0.1', int(sys.argv[1])))
tcp_socket.listen(5)
print('server is listening on %s:%d' % tcp_socket.getsockname())

conn, addr = tcp_socket.accept()
print(conn, addr)

data_recv = conn.recv(1024)
print(data_recv)

conn.send(data_recv.upper())

conn.close()
tcp_socket.close()
`
	pyUDPClient = `import socket, sys
ip_port=('127.0.0.1',int(sys.argv[1]))
udp_sk=socket.socket(type=socket.SOCK_DGRAM)
udp_sk.sendto(b'hello',ip_port)
back_msg,addr=udp_sk.recvfrom(1024)
print(back_msg.decode('utf-8'),addr)
`
)

func python(t *testing.T, ctx context.Context, code string, args ...string) *exec.Cmd {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	file := filepath.Join(t.TempDir(), "prog.py")
	if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, py, append([]string{"-u", file}, args...)...)
	cmd.WaitDelay = stopTimeout
	return cmd
}

func TestPythonInterop(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}

	// Python clients, Lua servers.
	for _, tc := range []struct {
		client, server string
		want           string   // what the client prints; PORT: the server's port
		lines          []string // what the server prints after its first line (as server.expect)
	}{
		{pyEchoClient, "tcp/echo_server", "b'HELLO'\n", []string{`~^<socket fd=\d+, `, "b'hello'"}},
		{pyUDPClient, "udp/server", "hi ('127.0.0.1', PORT)\n", []string{"b'hello'"}},
	} {
		t.Run("python client, Lua "+tc.server, func(t *testing.T) {
			leakcheck.CheckGoroutines(t, stopTimeout)
			srv := startServer(t, tc.server, luabind.Options{}, "0")
			ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
			defer cancel()
			// What it prints is its stdout; its stderr may hold what
			// its launcher says of the environment (a shell wrapper's
			// warning that LC_ALL names a locale this machine lacks).
			cmd := python(t, ctx, tc.client, srv.port())
			var stderr syncbuf.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("python client: %v\n%s%s", err, out, stderr.String())
			}
			checkOutput(t, "python client", string(out), strings.ReplaceAll(tc.want, "PORT", srv.port()))
			srv.expect(t, tc.lines...)
			if err := srv.wait(t); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("Lua tcp/echo_client, python echo server", func(t *testing.T) {
		leakcheck.CheckGoroutines(t, stopTimeout)
		ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
		defer cancel()
		cmd := python(t, ctx, pyEchoServer, "0")
		var stderr syncbuf.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			cancel() // on failure, do not wait for the server's accept
			cmd.Wait()
		}()
		lines := bufio.NewScanner(stdout)
		if !lines.Scan() {
			t.Fatalf("python server said nothing; stderr: %s", stderr.String())
		}
		m := listeningRE.FindStringSubmatch(lines.Text())
		if m == nil {
			t.Fatalf("python server: %q", lines.Text())
		}
		_, port, _ := net.SplitHostPort(m[1])

		out := runClient(t, "tcp/echo_client", luabind.Options{}, port)
		checkOutput(t, "echo_client", out, "send (Enter: hello)> \nb'HELLO'\n") // no input: the prompt's line ended, then the tutorial's hello
		var rest []string
		for lines.Scan() {
			rest = append(rest, lines.Text())
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("python server: %v; stderr: %s", err, stderr.String())
		}
		if len(rest) != 2 || !strings.HasPrefix(rest[0], "<socket.socket fd=") || rest[1] != "b'hello'" {
			t.Errorf("python server printed %q", rest)
		}
	})
}
