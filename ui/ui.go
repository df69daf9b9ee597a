// Package ui is sockplay's live view (--ui, docs/TRACE.md): a page
// served from the binary on 127.0.0.1 that shows a run as it happens —
// every socket with the kernel's own TCP state, the tasks and where each
// waits, and the sequence diagram that package diagram draws, growing as
// events come — updated over a WebSocket.
//
// Several processes share one view: the first run with --ui starts it
// (the host) and listens, besides its TCP port for the browser, on a
// Unix socket in a folder only its user may enter (DefaultDir); a later
// run finds that socket and sends its events there instead of starting a
// view of its own (a join), and the page draws each process in a band of
// its own. --ui-join URL joins a view by its address.
//
// Security: the view listens on loopback only, every request and
// WebSocket must carry the view's random token (403 without it, compared
// in constant time), and the Host and Origin headers must name the view
// itself (so a web page that rebinds a DNS name to 127.0.0.1 gets 403).
// The token is printed on stderr and lives nowhere a script can read: not
// in the environment, not in a file (the discovery socket is a socket,
// not a file, and the sandbox refuses AF_UNIX paths outside its own
// folder), so a sandboxed script that connects to the port gets 403.
//
// Cost: the runtime hands each event to a bounded buffer (sink.go) and
// goes on. With no page connected the view keeps the events, but after
// the first firstData sends and recvs only counts their bytes
// (luabind.TraceSink.WantsData): what a busy server pays for --ui is an
// atomic load and that count per send or recv. Snapshots are taken only
// while a page watches, and the view's goroutines sleep while none does,
// until one comes or the buffer is half full. When a page falls behind,
// what it missed is dropped and counted.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
)

// Options of a view.
type Options struct {
	// Name is the process as the view names it: the script, "REPL", ...
	Name string
	// Port is the port of a view this process starts; 0: a free one.
	Port int
	// Join is the URL of a view to join, as the view printed it (with its
	// token); "": start a view, or join the one Find finds.
	Join string
	// Find joins the view that runs already on this machine for this
	// user, found by its socket in Dir, if there is one.
	Find bool
	// Dir is the folder of the discovery socket; "": DefaultDir().
	Dir string
	// Stderr gets the view's messages (its address first), in Lang.
	Stderr io.Writer
	// Open, if set, opens the page in a browser (OpenBrowser).
	Open func(url string) error
	// Lang is the language of the messages on Stderr and, when this
	// process serves the view, of the page, its diagram and log, and the
	// server's answers (a joined process's page is the view's).
	Lang i18n.Lang
}

// A View is this process's part of a live view: the view itself (a
// host), or its connection to another process's view (a join).
type View struct {
	sink   *sink
	host   *host
	joined *joiner
	url    string
	stderr io.Writer
	lang   i18n.Lang
}

// Start starts a view, or joins one (Options.Join, Options.Find), and
// prints its address on Stderr:
//
//	ui: http://127.0.0.1:PORT/?token=...
func Start(opts Options) (*View, error) {
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if opts.Dir == "" {
		opts.Dir = DefaultDir()
	}
	v := &View{sink: newSink(sinkMax), stderr: opts.Stderr, lang: opts.Lang}
	l := opts.Lang
	switch {
	case opts.Join != "":
		j, err := joinURL(opts.Join, v.sink, opts)
		if err != nil {
			return nil, err
		}
		v.joined = j
	case opts.Find:
		if j, err := joinDir(opts.Dir, v.sink, opts); err == nil {
			v.joined = j
		}
	}
	if v.joined != nil {
		v.url = v.joined.viewURL
		pid := strconv.Itoa(v.joined.hostPID)
		fmt.Fprintln(opts.Stderr, "ui: "+l.Sprintf("%s (joined the view of process %s)", v.url, pid))
	} else {
		h, err := startHost(opts.Port, opts.Dir, v.sink, opts.Name, opts.Lang)
		if err != nil {
			return nil, err
		}
		v.host = h
		v.url = h.url
		fmt.Fprintf(opts.Stderr, "ui: %s\n", v.url)
	}
	if opts.Open != nil {
		if err := opts.Open(v.url); err != nil {
			var nb *noBrowserError
			if errors.As(err, &nb) {
				why := nb.Err.Error()
				fmt.Fprintln(opts.Stderr, "ui: "+l.Sprintf("could not open a browser (%s): set BROWSER to one, or open the address above yourself", why))
			} else {
				fmt.Fprintln(opts.Stderr, "ui: "+l.Sprintf("could not open a browser (%s): open the address above yourself", err.Error()))
			}
		}
	}
	return v, nil
}

// Sink is what the runtime sends its events to (luabind.TraceOptions.Live).
func (v *View) Sink() luabind.TraceSink { return v.sink }

// URL is the page's address, with its token.
func (v *View) URL() string { return v.url }

// leaveGrace is how long a view whose run has ended waits for a page to
// come back (a reload) before it closes.
const leaveGrace = 3 * time.Second

// Finish is called when the run has ended. A joined process sends what
// is left and leaves the view. A host marks its run ended on the page;
// if a page is open, the view stays, showing the end and the processes
// still joined, until the pages are closed or ctx is done (Ctrl-C), then
// closes.
func (v *View) Finish(ctx context.Context) {
	if v.joined != nil {
		v.joined.finish()
		return
	}
	h := v.host
	h.hub.endLocal()
	if h.hub.watchers.Load() > 0 {
		fmt.Fprintln(v.stderr, "ui: "+v.lang.Sprintf("the run has ended; the view stays open while a page shows it (close the page, or press Ctrl-C)"))
		h.hub.waitUnwatched(ctx, leaveGrace)
	}
	v.Close()
}

// Close closes the view (or leaves it) at once.
func (v *View) Close() {
	if v.joined != nil {
		v.joined.close()
		return
	}
	v.host.close()
}

// endLocal marks this process's run ended, and shows it.
func (h *hub) endLocal() {
	h.tick(true)
	h.mu.Lock()
	h.procs[0].ended = true
	h.mu.Unlock()
	if h.watchers.Load() > 0 {
		h.frame()
	}
}

// waitUnwatched returns when no page has been connected for grace, or
// when ctx is done.
func (h *hub) waitUnwatched(ctx context.Context, grace time.Duration) {
	timer := time.NewTimer(grace)
	defer timer.Stop()
	for {
		if h.watchers.Load() > 0 {
			timer.Stop()
		} else {
			timer.Reset(grace)
		}
		select {
		case <-ctx.Done():
			return
		case <-h.changed:
		case <-timer.C:
			if h.watchers.Load() == 0 {
				return
			}
		}
	}
}

// errNoView: no view to join.
var errNoView = errors.New("no view runs")
