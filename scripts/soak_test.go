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

// descriptors counts the process's descriptors once they have settled at
// want or below (a closed socket's descriptor goes when its run's
// cleanup has run).
func descriptors(t *testing.T, want int) int {
	return leakcheck.Settle(stopTimeout, want, func() int { return leakcheck.Descriptors(t) })
}

func TestSoakTCP(t *testing.T) {
	leakcheck.CheckGoroutines(t, stopTimeout)
	srv := startServer(t, "bench/echo_server", luabind.Options{}, "0")
	// The server is up with its listener: this is the baseline to return to.
	fdsBefore := leakcheck.Descriptors(t)
	goBefore := runtime.NumGoroutine()

	const clients = 300
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", srv.Addr)
			if err != nil {
				errs <- fmt.Errorf("client %d: dial: %v", i, err)
				return
			}
			tc := c.(*net.TCPConn)
			defer tc.Close()
			tc.SetDeadline(time.Now().Add(runTimeout))
			payload := binaryPayload(i, 1000+i*37)
			switch i % 3 {
			case 0: // polite: exchange, half-close, read to the end
				if _, err := tc.Write(payload); err != nil {
					errs <- fmt.Errorf("client %d: write: %v", i, err)
					return
				}
				tc.CloseWrite()
				got, err := io.ReadAll(tc)
				if err != nil || !bytes.Equal(got, payload) {
					errs <- fmt.Errorf("client %d: %d of %d bytes back, err %v, equal %v", i, len(got), len(payload), err, bytes.Equal(got, payload))
				}
			case 1: // abrupt: exchange, then reset (SO_LINGER 0)
				if _, err := tc.Write(payload); err != nil {
					errs <- fmt.Errorf("client %d: write: %v", i, err)
					return
				}
				got := make([]byte, len(payload))
				if _, err := io.ReadFull(tc, got); err != nil || !bytes.Equal(got, payload) {
					errs <- fmt.Errorf("client %d: echo before reset: %v", i, err)
				}
				tc.SetLinger(0)
			case 2: // vanishes mid-message: sends half, reads nothing, resets
				tc.Write(payload[:len(payload)/2])
				tc.SetLinger(0)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Every client has gone: the server is back to its listener alone.
	if n := descriptors(t, fdsBefore); n > fdsBefore {
		t.Errorf("descriptors: %d with the server idle before, %d after the clients left", fdsBefore, n)
	}
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
	srv.stop(t)
	// No error escaped the accept loop or a client's task.
	if s := srv.stderr.String(); s != "" {
		t.Errorf("server stderr:\n%s", s)
	}
}

func TestSoakUDP(t *testing.T) {
	leakcheck.CheckGoroutines(t, stopTimeout)
	srv := startServer(t, "bench/udp_echo_server", luabind.Options{}, "0")
	fdsBefore := leakcheck.Descriptors(t)

	const senders, rounds = 100, 20
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for i := 0; i < senders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("udp", srv.Addr)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
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
					errs <- fmt.Errorf("sender %d round %d: wrong echo", i, r)
					return
				}
			}
			if lost > rounds/2 {
				errs <- fmt.Errorf("sender %d: %d of %d datagrams unanswered", i, lost, rounds)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := descriptors(t, fdsBefore); n > fdsBefore {
		t.Errorf("descriptors: %d before, %d after", fdsBefore, n)
	}
	srv.stop(t)
	if s := srv.stderr.String(); s != "" {
		t.Errorf("server stderr:\n%s", s)
	}
}
