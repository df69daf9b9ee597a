//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/syncbuf"
)

// TestOutOfDescriptors runs tcp/concurrent_server with few descriptors
// and connects more clients than it can hold: accept fails with EMFILE,
// which the script catches and reports; the clients it holds are still
// served, and once some leave, a new client is served too. The limit is
// set by the shell (ulimit -n), for the server process alone.
func TestOutOfDescriptors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", `ulimit -n 32 && exec "$0" run tcp/concurrent_server 0`, sockplay(t))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncbuf.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		cmd.Wait()
	}()
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	first := <-lines
	addr, ok := strings.CutPrefix(first, "server is listening on ")
	if !ok {
		t.Fatalf("first line %q; stderr %s", first, stderr.String())
	}
	ask := func(c net.Conn, msg string) error {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte(msg)); err != nil {
			return err
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil {
			return err
		}
		if string(got) != strings.ToUpper(msg) {
			return fmt.Errorf("got %q", got)
		}
		return nil
	}
	// More clients than 32 descriptors allow; the kernel queues them all.
	var conns []net.Conn
	for i := 0; i < 40; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	// Wait for the server to report that accept ran out of descriptors.
	for line := range lines {
		if strings.Contains(line, "accept failed: OSError: [Errno 24] Too many open files") {
			break
		}
	}
	go func() {
		for range lines { // keep the child's output flowing
		}
	}()
	// The first client was accepted before the limit: it is still served.
	if err := ask(conns[0], "first"); err != nil {
		t.Fatalf("first client: %v", err)
	}
	// Free descriptors: the clients that were accepted leave.
	for _, c := range conns[:20] {
		c.Close()
	}
	// The last client, queued while descriptors ran out, is served now.
	if err := ask(conns[len(conns)-1], "last"); err != nil {
		t.Fatalf("last client after descriptors were freed: %v; stderr %s", err, stderr.String())
	}
}
