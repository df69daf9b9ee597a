package cli

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
)

// termGrace is how long a run may take to end after SIGTERM before the
// process exits anyway: a Go call that does not return must not keep a
// grader's job from ending. A variable for the tests.
var termGrace = 3 * time.Second

// interruptible returns a context that the first Ctrl-C (SIGINT) or
// SIGTERM cancels, so that a run ends cleanly: blocked calls return, busy
// loops stop, sockets are closed. A second signal exits the process at
// once with status 130, for a run that cannot stop (it waits outside Lua,
// in os.execute say); so does SIGTERM's grace (termGrace) running out.
// Either way the child processes of sandboxed runs are killed and their
// folders removed first. stop ends the watch; call it when the work is
// done.
//
// The REPL is not run under it: it takes Ctrl-C for the running line.
func interruptible(l i18n.Lang, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	// os.Interrupt is Ctrl-C (Ctrl-Break too on Windows); SIGTERM is
	// kill's, and on Windows the console being closed, the user logging
	// off or the system shutting down (Go delivers those as SIGTERM).
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	// done, not ctx.Done(): ctx is done as soon as the first Ctrl-C
	// cancels it, and the second must still be waited for.
	done := make(chan struct{})
	go func() {
		var first os.Signal
		select {
		case first = <-sigs:
		case <-done:
			return
		}
		cancel()
		var grace <-chan time.Time
		if first == syscall.SIGTERM {
			timer := time.NewTimer(termGrace)
			defer timer.Stop()
			grace = timer.C
		}
		select {
		case <-sigs:
		case <-grace:
			l.Fprintf(stderr, "\nsockplay: the run did not end within %v of SIGTERM\n", termGrace)
		case <-done:
			return
		}
		child.Cleanup()
		l.Fprintf(stderr, "\ninterrupted\n")
		os.Exit(exitInterrupted)
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		cancel()
	}
}
