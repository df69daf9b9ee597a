// Package leakcheck is for tests that check a run leaves nothing behind:
// descriptors, sockets, goroutines. The counts are the process's own
// (Linux's /proc/self/fd, the Go runtime's goroutines); a count has no
// event to wait for, so the checks poll it until a deadline.
package leakcheck

import (
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// Descriptors counts the process's open descriptors; it skips the test
// where /proc/self/fd is not there.
func Descriptors(t testing.TB) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(entries)
}

// Sockets lists the socket inodes among the process's descriptors
// ("socket:[12345]"), sorted, as the kernel sees them.
func Sockets(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	var socks []string
	for _, e := range entries {
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err == nil && strings.HasPrefix(target, "socket:") {
			socks = append(socks, target)
		}
	}
	sort.Strings(socks)
	return socks
}

// Settle polls count until it is at most want or timeout has passed, and
// returns the last count.
func Settle(timeout time.Duration, want int, count func() int) int {
	deadline := time.Now().Add(timeout)
	n := count()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		n = count()
	}
	return n
}

// Goroutines waits until at most want goroutines run; after timeout it
// fails t with a dump of every goroutine and returns false.
func Goroutines(t testing.TB, want int, timeout time.Duration) bool {
	t.Helper()
	if n := Settle(timeout, want, runtime.NumGoroutine); n > want {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines, want at most %d:\n%s", n, want, buf)
		return false
	}
	return true
}

// CheckGoroutines checks, when t ends, that no more goroutines run than
// now. Call it first in a test: its cleanup then runs after the others.
func CheckGoroutines(t testing.TB, timeout time.Duration) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() { Goroutines(t, before, timeout) })
}
