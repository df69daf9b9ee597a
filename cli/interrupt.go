package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// interruptible returns a context that the first Ctrl-C (SIGINT) or
// SIGTERM cancels, so that a run ends cleanly: blocked calls return, busy
// loops stop, sockets are closed. A second one exits the process at once
// with status 130, for a run that cannot stop (it waits outside Lua, in
// os.execute say). stop ends the watch; call it when the work is done.
//
// The REPL is not run under it: it takes Ctrl-C for the running line.
func interruptible(stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	// done, not ctx.Done(): ctx is done as soon as the first Ctrl-C
	// cancels it, and the second must still be waited for.
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		select {
		case <-sigs:
			fmt.Fprintln(stderr, "\ninterrupted")
			os.Exit(exitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		cancel()
	}
}
