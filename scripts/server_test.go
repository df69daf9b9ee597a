package scripts_test

// The Go side of the tests that stay in Go — the Python programs talking
// to the Lua ones, the soak tests, the traces and their diagram: a
// bundled server in a runtime of its own, its output line by line, and a
// client run to its end. The scripts' own end-to-end tests are
// testdata/*_test.lua.

import (
	"context"
	"errors"
	"io"
	"net"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/outlines"
	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// Every wait in these tests is bounded: a run by its context, a line of
// output or a socket read by a deadline.
const (
	runTimeout  = 30 * time.Second // a whole script run
	lineTimeout = 10 * time.Second // one line of a server's output
	stopTimeout = 5 * time.Second  // a cancelled run must return within this
)

// server is a bundled server script running in its own runtime, as if in
// its own process; its output arrives line by line.
type server struct {
	name   string
	rt     *luabind.Runtime
	cancel context.CancelFunc
	lines  *outlines.Reader
	stderr *syncbuf.Buffer
	done   chan struct{}
	err    error // the run's result, once done is closed

	Port int    // from the first line, "server is listening on HOST:PORT"
	Addr string // what follows "server is listening on "
}

var listeningRE = regexp.MustCompile(`^server is listening on (.+)$`)

// startServer runs script name with args in a runtime with opts (its
// input, its trace; the output is the server's), and waits for its first
// line, which must announce where it listens.
func startServer(t *testing.T, name string, opts luabind.Options, args ...string) *server {
	t.Helper()
	pr, pw := io.Pipe()
	s := &server{
		name:   name,
		stderr: &syncbuf.Buffer{},
		done:   make(chan struct{}),
	}
	opts.Stdout, opts.Stderr, opts.Scripts = pw, s.stderr, scripts.FS
	s.rt = luabind.New(opts)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	s.cancel = cancel
	s.lines = outlines.Start(pr, 10000, 4<<20, nil)
	go func() {
		s.err = s.rt.RunScript(ctx, name, args)
		pw.Close()
		close(s.done)
	}()
	t.Cleanup(func() {
		s.stop(t)
		s.rt.Close()
	})

	first := s.next(t)
	m := listeningRE.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("%s: first line %q, want \"server is listening on HOST:PORT\"", name, first)
	}
	s.Addr = m[1]
	if _, port, err := net.SplitHostPort(s.Addr); err == nil {
		s.Port, _ = strconv.Atoi(port)
		if s.Port == 0 {
			t.Fatalf("%s: listens on port 0, want the bound port: %q", name, first)
		}
	}
	return s
}

func (s *server) port() string { return strconv.Itoa(s.Port) }

// next returns the server's next line of output; a failure shows its
// stderr.
func (s *server) next(t *testing.T) string {
	t.Helper()
	return s.lines.Next(t, lineTimeout, s.name, s.done, &s.err, s.stderr)
}

// expect checks that the server's next lines are want, exactly or (for
// regexp entries starting with "~") by pattern.
func (s *server) expect(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		got := s.next(t)
		if strings.HasPrefix(w, "~") {
			if !regexp.MustCompile(w[1:]).MatchString(got) {
				t.Fatalf("%s printed %q, want a match of %s", s.name, got, w[1:])
			}
		} else if got != w {
			t.Fatalf("%s printed %q, want %q", s.name, got, w)
		}
	}
}

// ended waits up to timeout for the server's run to end, and reports
// whether it has.
func (s *server) ended(timeout time.Duration) bool {
	select {
	case <-s.done:
		return true
	default:
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-s.done:
		return true
	case <-timer.C:
		return false
	}
}

// wait waits for a server that ends by itself and returns its error.
func (s *server) wait(t *testing.T) error {
	t.Helper()
	if !s.ended(lineTimeout) {
		t.Fatalf("%s did not end within %v", s.name, lineTimeout)
	}
	s.checkClosed(t)
	return s.err
}

// stop cancels the server's run, as Ctrl-C does, and checks that it
// returns promptly, interrupted, with every socket closed.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if s.ended(0) {
		s.cancel()
		return
	}
	s.cancel()
	if !s.ended(stopTimeout) {
		t.Fatalf("%s still running %v after cancel", s.name, stopTimeout)
	}
	var lerr *luabind.Error
	if !errors.As(s.err, &lerr) || lerr.Kind != luabind.Interrupted {
		t.Errorf("%s after cancel: %#v, want an Interrupted error", s.name, s.err)
	}
	s.checkClosed(t)
}

func (s *server) checkClosed(t *testing.T) {
	t.Helper()
	if n := s.rt.OpenSockets(); n != 0 {
		t.Errorf("%s: %d sockets still open after the run", s.name, n)
	}
}

// runClient runs script name with args to its end in a runtime with opts
// (its input, its trace); it fails the test if the run fails, leaves a
// socket open or writes to stderr, and returns what it printed.
func runClient(t *testing.T, name string, opts luabind.Options, args ...string) string {
	t.Helper()
	var out, errOut syncbuf.Buffer
	opts.Stdout, opts.Stderr, opts.Scripts = &out, &errOut, scripts.FS
	rt := luabind.New(opts)
	defer rt.Close()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	if err := rt.RunScript(ctx, name, args); err != nil {
		t.Fatalf("%s: %v\noutput: %s%s", name, err, out.String(), errOut.String())
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%s: %d sockets still open after the run", name, n)
	}
	if s := errOut.String(); s != "" {
		t.Errorf("%s: stderr: %s", name, s)
	}
	return out.String()
}

func checkOutput(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s printed\n%q\nwant\n%q", name, got, want)
	}
}
