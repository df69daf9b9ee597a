package luabind

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Benchmarks of the recv/send path. They measure, they assert nothing
// about time: run them with
//
//	go test -run '^$' -bench . -benchmem ./luabind/
//	go test -run '^$' -bench EchoPingPong -cpuprofile cpu.prof ./luabind/

// echoServerLua is bench/echo_server's loop: a task per client,
// recv(65536) then sendall.
const echoServerLua = `
local server = socket.socket()
server:bind({"127.0.0.1", 0})
server:listen(1024)
print(server:getsockname().port)
local function serve(conn)
  pcall(function()
    while true do
      local data = conn:recv(65536)
      if data == "" then return end
      conn:sendall(data)
    end
  end)
  conn:close()
end
while true do
  local conn = server:accept()
  conn:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
  spawn(serve, conn)
end
`

// startEcho runs the Lua echo server and returns its address.
func startEcho(b *testing.B) string {
	pr, pw := io.Pipe()
	rt := New(Options{Stdout: pw})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		rt.RunString(ctx, "echo.lua", echoServerLua, nil)
		close(done)
	}()
	b.Cleanup(func() {
		cancel()
		<-done
		rt.Close()
		pw.Close()
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	return "127.0.0.1:" + strings.TrimSpace(line)
}

// BenchmarkEchoPingPong: one op is a 64-byte round trip through the Lua
// echo server, from a Go client; allocs/op include the client's (none).
func BenchmarkEchoPingPong(b *testing.B) {
	addr := startEcho(b)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Minute))
	msg := make([]byte, 64)
	buf := make([]byte, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEchoPingPongParallel: 50 clients at once, as loadgen's c=50.
func BenchmarkEchoPingPongParallel(b *testing.B) {
	addr := startEcho(b)
	b.SetParallelism(25) // 2 cores × 25 = 50 clients
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		msg := make([]byte, 64)
		buf := make([]byte, 64)
		for pb.Next() {
			if _, err := c.Write(msg); err != nil {
				b.Error(err)
				return
			}
			if _, err := io.ReadFull(c, buf); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLuaSendRecv: one op is send(64 bytes) + recv on a socketpair,
// both in Lua in one task: the cost of the bindings without waiting.
func BenchmarkLuaSendRecv(b *testing.B) {
	rt := New(Options{})
	defer rt.Close()
	code := `
local a, b = socket.socketpair()
local msg = string.rep("x", 64)
for i = 1, tonumber(arg[1]) do
  a:send(msg)
  b:recv(65536)
end
a:close(); b:close()
`
	b.ReportAllocs()
	b.ResetTimer()
	if err := rt.RunString(context.Background(), "sendrecv.lua", code, []string{strconv.Itoa(b.N)}); err != nil {
		b.Fatal(err)
	}
}
