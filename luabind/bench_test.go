package luabind

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/bench"
	"github.com/sockplay/sockplay/internal/bsd"
	"github.com/sockplay/sockplay/internal/cputime"
	"github.com/sockplay/sockplay/scripts"
)

// Benchmarks of the recv/send path. They measure, they assert nothing
// about time: run them with
//
//	go test -run '^$' -bench . -benchmem ./luabind/
//	go test -run '^$' -bench EchoPingPong -cpuprofile cpu.prof ./luabind/

// startEcho runs a bundled Lua echo server and returns its address; it
// stops when the benchmark ends. bench/echo_server is the one the
// project's benchmark runs too (a task per client, recv(65536) then
// sendall, inside pcall); bench/luasocket_echo_server is the same echo in
// the LuaSocket dialect (select, receive, send per message).
func startEcho(b testing.TB, script string) string {
	addr, stop := runEchoScript(b, script)
	b.Cleanup(stop)
	return addr
}

// runEcho runs the Lua echo server and returns its address and what stops
// it (and waits until it has).
func runEcho(b testing.TB) (string, func()) {
	return runEchoScript(b, "bench/echo_server")
}

// runEchoScript is runEcho with another bundled echo server (one that
// prints "server is listening on HOST:PORT" first).
func runEchoScript(b testing.TB, script string) (string, func()) {
	pr, pw := io.Pipe()
	rt := New(Options{Stdout: pw, Scripts: scripts.FS, Trace: echoTrace})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		rt.RunScript(ctx, script, []string{"0"})
		close(done)
	}()
	stop := func() {
		cancel()
		<-done
		rt.Close()
		pw.Close()
	}
	line, err := bufio.NewReader(pr).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "server is listening on ")
	if err != nil || !ok {
		stop()
		b.Fatalf("%s said %q, %v", script, line, err)
	}
	go io.Copy(io.Discard, pr)
	return addr, stop
}

// BenchmarkEchoPingPong: one op is a 64-byte round trip through the Lua
// echo server, from a Go client; allocs/op include the client's (none).
func BenchmarkEchoPingPong(b *testing.B) {
	pingPong(b, startEcho(b, "bench/echo_server"))
}

// BenchmarkLSEchoPingPong is BenchmarkEchoPingPong through the same echo
// written in the LuaSocket dialect.
func BenchmarkLSEchoPingPong(b *testing.B) {
	pingPong(b, startEcho(b, "bench/luasocket_echo_server"))
}

// pingPong makes b.N 64-byte round trips through the echo server at addr.
func pingPong(b *testing.B, addr string) {
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
	cpu0 := cputime.Now()
	for i := 0; i < b.N; i++ {
		if err := bench.RoundTrip(c, msg, buf); err != nil {
			b.Fatal(err)
		}
	}
	cputime.Report(b, cpu0)
}

// BenchmarkEchoPingPongParallel: 50 clients at once, as loadgen's c=50.
func BenchmarkEchoPingPongParallel(b *testing.B) {
	pingPongParallel(b, startEcho(b, "bench/echo_server"))
}

// BenchmarkLSEchoPingPongParallel: 50 clients of the LuaSocket-dialect echo.
func BenchmarkLSEchoPingPongParallel(b *testing.B) {
	pingPongParallel(b, startEcho(b, "bench/luasocket_echo_server"))
}

func pingPongParallel(b *testing.B, addr string) {
	b.SetParallelism(25) // 2 cores × 25 = 50 clients
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	defer cputime.Report(b, cpu0)
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
			if err := bench.RoundTrip(c, msg, buf); err != nil {
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
	b.ReportAllocs()
	b.ResetTimer()
	if err := rt.RunString(context.Background(), "sendrecv.lua", bench.SendRecv, []string{strconv.Itoa(b.N)}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkIdleConnectionMemory reports what an idle connection costs the
// Lua echo server (a socket, a task, its goroutine, blocked in recv):
// heap and goroutine stacks per connection, 1000 connections.
// TestIdleTasksFit4KiBStacks checks the stack part of it.
func BenchmarkIdleConnectionMemory(b *testing.B) {
	const conns = 1000
	for i := 0; i < b.N; i++ {
		addr, stop := runEcho(b)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		clients, err := dialIdle(addr, make([]net.Conn, 0, conns))
		if err != nil {
			b.Fatal(err)
		}
		// Three times: garbage of the connections' start is freed; what
		// remains is per connection.
		for k := 0; k < 3; k++ {
			runtime.GC()
		}
		runtime.ReadMemStats(&after)
		// Live heap (HeapAlloc after the collections) and goroutine
		// stacks. The Go clients are in the same process: their net.Conn
		// values (about 0.3 KiB each) are included in heap.
		heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
		stack := float64(after.StackInuse) - float64(before.StackInuse)
		b.ReportMetric(heap/conns/1024, "heap-KiB/conn")
		b.ReportMetric(stack/conns/1024, "stack-KiB/conn")
		closeAll(clients)
		stop()
	}
}

// dialIdle fills clients, up to its capacity, with connections to the
// echo server at addr that have each echoed one byte: each has been served
// once and its task now waits in recv, idle, as in the bench's idle test.
// Every wait is bounded; the caller closes the connections, which it has
// also on an error. (The caller makes clients: the benchmark's slice
// stays out of the heap it measures.)
func dialIdle(addr string, clients []net.Conn) ([]net.Conn, error) {
	buf := make([]byte, 1)
	for len(clients) < cap(clients) {
		c, err := net.DialTimeout("tcp", addr, time.Minute)
		if err != nil {
			return clients, err
		}
		clients = append(clients, c)
		c.SetDeadline(time.Now().Add(time.Minute))
		if _, err := c.Write([]byte{'x'}); err != nil {
			return clients, err
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return clients, err
		}
	}
	return clients, nil
}

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		c.Close()
	}
}

// BenchmarkSenderAddr: one op is the address table recvfrom returns for a
// datagram's sender, the senders cycling over 50 ports of one host as the
// load generator's clients do (socket_replyaddr.go).
func BenchmarkSenderAddr(b *testing.B) {
	rt := New(Options{})
	defer rt.Close()
	s := &Socket{rt: rt, family: bsd.AF_INET}
	ip := netip.MustParseAddr("127.0.0.1")
	b.ReportAllocs()
	cpu0 := cputime.Now()
	for i := 0; b.Loop(); i++ {
		s.senderAddr(rt.L, inetAddr(ip, 40000+i%50))
	}
	cputime.Report(b, cpu0)
}
