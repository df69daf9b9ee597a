package ui

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// What the view costs a busy server with no page open: one op is a 64-byte
// round trip through the bundled Lua echo server (bench/echo_server),
// with and without a view. Compare ns/op and allocs/op:
//
//	go test -run '^$' -bench EchoView -benchmem ./ui/
func BenchmarkEchoView(b *testing.B) {
	for _, withView := range []bool{false, true} {
		name := "no-view"
		if withView {
			name = "view"
		}
		b.Run(name, func(b *testing.B) {
			opts := luabind.Options{Scripts: scripts.FS}
			if withView {
				v, err := Start(Options{Name: "bench", Dir: b.TempDir()})
				if err != nil {
					b.Fatal(err)
				}
				defer v.Close()
				opts.Trace = &luabind.TraceOptions{Off: true, Live: v.Sink()}
			}
			pr, pw := io.Pipe()
			opts.Stdout = pw
			rt := luabind.New(opts)
			defer rt.Close()
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() {
				rt.RunScript(ctx, "bench/echo_server", []string{"0"})
				close(done)
			}()
			defer func() { cancel(); <-done; pw.Close() }()
			line, _ := bufio.NewReader(pr).ReadString('\n')
			addr, ok := strings.CutPrefix(strings.TrimSpace(line), "server is listening on ")
			if !ok {
				b.Fatalf("bench/echo_server said %q", line)
			}
			go io.Copy(io.Discard, pr)
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Minute))
			msg, buf := make([]byte, 64), make([]byte, 64)
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
		})
	}
}
