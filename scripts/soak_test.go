package scripts_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// The soak tests: many clients against the bundled benchmark servers,
// leaving in every way a client can. Sized for CI: bounded in count, each
// client's work bounded by a deadline, loopback only.

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd:", err)
	}
	return len(entries)
}

// settle polls until count() is at most want or the deadline passes, and
// returns the last count. Polling a count has no event to wait for.
func settle(want int, count func() int) int {
	deadline := time.Now().Add(stopTimeout)
	n := count()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		n = count()
	}
	return n
}

func TestSoakTCP(t *testing.T) {
	checkGoroutines(t)
	srv := startServer(t, "bench/echo_server", "", "0")
	// The server is up with its listener: this is the baseline to return to.
	fdsBefore := openFDs(t)
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
	if n := settle(fdsBefore, func() int { return openFDs(t) }); n > fdsBefore {
		t.Errorf("descriptors: %d with the server idle before, %d after the clients left", fdsBefore, n)
	}
	if n := settle(goBefore, runtime.NumGoroutine); n > goBefore {
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
	checkGoroutines(t)
	srv := startServer(t, "bench/udp_echo_server", "", "0")
	fdsBefore := openFDs(t)

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
	if n := settle(fdsBefore, func() int { return openFDs(t) }); n > fdsBefore {
		t.Errorf("descriptors: %d before, %d after", fdsBefore, n)
	}
	srv.stop(t)
	if s := srv.stderr.String(); s != "" {
		t.Errorf("server stderr:\n%s", s)
	}
}
