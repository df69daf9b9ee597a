package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/bench"
	"github.com/sockplay/sockplay/internal/cputime"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// What the view costs a busy server with no page open: one op is a 64-byte
// round trip through the bundled Lua echo server (bench/echo_server),
// with and without a view. Compare ns/op and allocs/op:
//
//	go test -run '^$' -bench EchoView -benchmem ./ui/
func BenchmarkEchoView(b *testing.B) { benchEchoViews(b, "tcp", "bench/echo_server") }

// benchEchoViews runs the round trips of benchEcho at 1 and 50 clients,
// without a view and with one.
func benchEchoViews(b *testing.B, network, script string) {
	for _, clients := range []int{1, 50} {
		for _, withView := range []bool{false, true} {
			name := fmt.Sprintf("c=%d/no-view", clients)
			if withView {
				name = fmt.Sprintf("c=%d/view", clients)
			}
			b.Run(name, func(b *testing.B) { benchEcho(b, network, script, clients, withView) })
		}
	}
}

// benchEcho runs a Lua echo server script, with a view or not, and as
// many Go clients as asked over network ("tcp", or "udp": a connected
// socket each), each doing 64-byte round trips.
func benchEcho(b *testing.B, network, script string, clients int, withView bool) {
	addr := startServer(b, script, withView)
	conns := make([]net.Conn, clients)
	for i := range conns {
		c, err := net.Dial(network, addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Minute))
		conns[i] = c
	}
	runClients(b, clients, func(i int, msg, buf []byte) error {
		return bench.RoundTrip(conns[i], msg, buf)
	})
}

// runClients times b.N ops shared among clients goroutines, client i
// doing op(i, msg, buf) with 64-byte buffers of its own, and reports the
// allocations and the process's CPU time per op (the clients' too: the
// same with a view and without).
func runClients(b *testing.B, clients int, op func(i int, msg, buf []byte) error) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Now()
	var wg sync.WaitGroup
	for i := range clients {
		n := b.N / clients
		if i < b.N%clients {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg, buf := make([]byte, 64), make([]byte, 64)
			for range n {
				if err := op(i, msg, buf); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	cputime.Report(b, cpu0)
}

// What the view costs a busy UDP server with no page open: one op is a
// 64-byte datagram's round trip through the bundled Lua UDP echo server
// (bench/udp_echo_server: a recvfrom and a sendto), with and without a
// view. Compare ns/op (cpu-ns/op) and allocs/op:
//
//	go test -run '^$' -bench DatagramView -benchmem ./ui/
func BenchmarkDatagramView(b *testing.B) { benchEchoViews(b, "udp", "bench/udp_echo_server") }

// startServer runs a bundled Lua server script that takes its port and
// says "server is listening on HOST:PORT", with a view without a page or
// not, until the benchmark ends, and returns its address.
func startServer(b *testing.B, script string, withView bool) string {
	opts := luabind.Options{Scripts: scripts.FS}
	if withView {
		v, err := Start(Options{Name: "bench", Dir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { v.Close() })
		opts.Trace = &luabind.TraceOptions{Off: true, Live: v.Sink()}
	}
	pr, pw := io.Pipe()
	opts.Stdout = pw
	rt := luabind.New(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		rt.RunScript(ctx, script, []string{"0"})
		close(done)
	}()
	// Cleanups run last in first: the run ends before the view closes.
	b.Cleanup(func() { cancel(); <-done; pw.Close(); rt.Close() })
	line, _ := bufio.NewReader(pr).ReadString('\n')
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "server is listening on ")
	if !ok {
		b.Fatalf("%s said %q", script, line)
	}
	go io.Copy(io.Discard, pr)
	return addr
}

// What the view costs a server per connection with no page open: one op
// is a connection to the Lua echo server (connect, a 64-byte round trip,
// close: the server records its accept, end of stream and close), from
// 10 Go clients at once, as the load generator's connect mode does.
//
//	go test -run '^$' -bench ConnectView -benchmem ./ui/
func BenchmarkConnectView(b *testing.B) {
	for _, withView := range []bool{false, true} {
		name := "no-view"
		if withView {
			name = "view"
		}
		b.Run(name, func(b *testing.B) {
			addr := startServer(b, "bench/echo_server", withView)
			runClients(b, 10, func(_ int, msg, buf []byte) error {
				return connectOnce(addr, msg, buf)
			})
		})
	}
}

// connectOnce connects to addr, sends msg, reads its echo into buf and
// closes.
func connectOnce(addr string, msg, buf []byte) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Minute))
	if _, err := c.Write(msg); err != nil {
		return err
	}
	_, err = io.ReadFull(c, buf)
	return err
}

// What the view costs one event, without the network: one op is
// send(64 bytes) + recv on a socketpair in one task (two events), with no
// trace, with the view, and with the JSON lines (--trace-json) for
// comparison.
//
//	go test -run '^$' -bench SendRecvView -benchmem ./ui/
func BenchmarkSendRecvView(b *testing.B) {
	for _, mode := range []string{"off", "view", "json", "nullsink"} {
		b.Run(mode, func(b *testing.B) {
			// A server always has a goroutine waiting for the network, as
			// the view's own server does: the runtime's idle threads then
			// wait in the poller, and a write wakes them.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer ln.Close()
			go ln.Accept()
			opts := luabind.Options{}
			switch mode {
			case "view":
				v, err := Start(Options{Name: "bench", Dir: b.TempDir()})
				if err != nil {
					b.Fatal(err)
				}
				defer v.Close()
				opts.Trace = &luabind.TraceOptions{Off: true, Live: v.Sink()}
			case "json":
				opts.Trace = &luabind.TraceOptions{JSON: io.Discard}
			case "nullsink":
				opts.Trace = &luabind.TraceOptions{Off: true, Live: nullSink{}}
			}
			rt := luabind.New(opts)
			defer rt.Close()
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cputime.Now()
			if err := rt.RunString(context.Background(), "sendrecv.lua", bench.SendRecv, []string{strconv.Itoa(b.N)}); err != nil {
				b.Fatal(err)
			}
			// CPU time is what a server that fills its cores pays, and
			// it varies less than the elapsed time on a shared machine.
			cputime.Report(b, cpu0)
		})
	}
}

type nullSink struct{}

func (nullSink) Attach(*luabind.Runtime)       {}
func (nullSink) TraceEvent(*luabind.LiveEvent) {}
func (nullSink) WantsData() bool               { return true }
