package scripts_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/leakcheck"
	"github.com/sockplay/sockplay/luabind"
)

// The soak tests: many clients against the bundled benchmark servers,
// leaving in every way a client can. Sized for CI: bounded in count, each
// client's work bounded by a deadline, loopback only.

// binaryPayload is every byte value, then n pseudo-random bytes.
func binaryPayload(seed, n int) []byte {
	p := make([]byte, 0, 256+n)
	for i := 0; i < 256; i++ {
		p = append(p, byte(i))
	}
	x := uint32(seed)*2654435761 + 1
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p = append(p, byte(x))
	}
	return p
}

// soak runs client(i, conn) for n clients of srv at once, each with a
// connection of its own on network, and fails t with every error they
// return. Then the process must be back to the descriptors it had before
// (the server idle with its listener).
func soak(t *testing.T, srv *server, network string, n int, client func(i int, c net.Conn) error) {
	t.Helper()
	fdsBefore := leakcheck.Descriptors(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial(network, srv.Addr)
			if err != nil {
				errs <- fmt.Errorf("client %d: dial: %v", i, err)
				return
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(runTimeout))
			if err := client(i, c); err != nil {
				errs <- fmt.Errorf("client %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := leakcheck.Settle(stopTimeout, fdsBefore, func() int { return leakcheck.Descriptors(t) }); n > fdsBefore {
		t.Errorf("descriptors: %d with the server idle before, %d after the clients left", fdsBefore, n)
	}
}

// stopQuiet stops srv, which must not have written to stderr: no error
// escaped its accept loop or a client's task.
func stopQuiet(t *testing.T, srv *server) {
	t.Helper()
	srv.stop(t)
	if s := srv.stderr.String(); s != "" {
		t.Errorf("server stderr:\n%s", s)
	}
}

func TestSoakTCP(t *testing.T) {
	leakcheck.CheckGoroutines(t, stopTimeout)
	srv := startServer(t, "bench/echo_server", luabind.Options{}, "0")
	// The server is up with its listener: this is the baseline to return to.
	goBefore := runtime.NumGoroutine()
	soak(t, srv, "tcp", 300, func(i int, c net.Conn) error {
		tc := c.(*net.TCPConn)
		payload := binaryPayload(i, 1000+i*37)
		switch i % 3 {
		case 0: // polite: exchange, half-close, read to the end
			if _, err := tc.Write(payload); err != nil {
				return fmt.Errorf("write: %v", err)
			}
			tc.CloseWrite()
			got, err := io.ReadAll(tc)
			if err != nil || !bytes.Equal(got, payload) {
				return fmt.Errorf("%d of %d bytes back, err %v, equal %v", len(got), len(payload), err, bytes.Equal(got, payload))
			}
		case 1: // abrupt: exchange, then reset (SO_LINGER 0)
			if _, err := tc.Write(payload); err != nil {
				return fmt.Errorf("write: %v", err)
			}
			got := make([]byte, len(payload))
			if _, err := io.ReadFull(tc, got); err != nil || !bytes.Equal(got, payload) {
				return fmt.Errorf("echo before reset: %v", err)
			}
			tc.SetLinger(0)
		case 2: // vanishes mid-message: sends half, reads nothing, resets
			tc.Write(payload[:len(payload)/2])
			tc.SetLinger(0)
		}
		return nil
	})
	if n := leakcheck.Settle(stopTimeout, goBefore, runtime.NumGoroutine); n > goBefore {
		t.Errorf("goroutines: %d with the server idle before, %d after the clients left", goBefore, n)
	}
	// Still serving.
	c, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(runTimeout))
	c.Write([]byte("still there"))
	got := make([]byte, 11)
	if _, err := io.ReadFull(c, got); err != nil || string(got) != "still there" {
		t.Errorf("after the soak: %q, %v", got, err)
	}
	c.Close()
	stopQuiet(t, srv)
}

func TestSoakUDP(t *testing.T) {
	leakcheck.CheckGoroutines(t, stopTimeout)
	srv := startServer(t, "bench/udp_echo_server", luabind.Options{}, "0")
	const rounds = 20
	soak(t, srv, "udp", 100, func(i int, c net.Conn) error {
		buf := make([]byte, 2048)
		lost := 0
		for r := 0; r < rounds; r++ {
			msg := binaryPayload(i*rounds+r, 100+r)
			c.Write(msg)
			// UDP may lose a datagram under load; a lost one is
			// retried once, a wrong one is an error.
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, err := c.Read(buf)
			if err != nil {
				lost++
				continue
			}
			if !bytes.Equal(buf[:n], msg) {
				return fmt.Errorf("round %d: wrong echo", r)
			}
		}
		if lost > rounds/2 {
			return fmt.Errorf("%d of %d datagrams unanswered", lost, rounds)
		}
		return nil
	})
	stopQuiet(t, srv)
}
