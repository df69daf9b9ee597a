package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/ui"
)

// The run flags of the live view (package ui): --ui, --ui-port, --ui-join,
// --open. They are run flags like the others (runflags.go calls these).

func (f *runFlags) registerUI(l i18n.Lang, fs *flag.FlagSet) {
	f.uiPort = -1
	fs.BoolVar(&f.ui, "ui", false, l.Sprintf("a live view of the run in the browser: sockets with their\nkernel state, tasks, the sequence diagram (docs/TRACE.md);\njoins the view of another --ui run if one is open"))
	fs.Var(portValue(&f.uiPort), "ui-port", l.Sprintf("the live view's `PORT` on 127.0.0.1 (default: a free one);\nimplies --ui, and starts a view of its own"))
	fs.Var(urlValue(&f.uiJoin), "ui-join", l.Sprintf("join the live view at `URL`, as a --ui run printed it;\nimplies --ui"))
	fs.BoolVar(&f.open, "open", false, l.Sprintf("open the live view in the browser ($BROWSER, else the\nsystem's); implies --ui"))
}

func (f *runFlags) wantsUI() bool { return f.ui || f.uiPort >= 0 || f.uiJoin != "" || f.open }

func (f *runFlags) checkUI() error {
	if f.uiPort >= 0 && f.uiJoin != "" {
		return errors.New(f.lang.Sprintf("--ui-port and --ui-join conflict: --ui-port starts a view of its own, --ui-join joins another"))
	}
	return nil
}

// runLabel names what a run runs, for the live view.
func runLabel(p runPlan, code bool) string {
	switch {
	case code:
		return "-e"
	case p.target == "-" || p.stdin:
		return "stdin"
	case p.target != "":
		return p.target
	}
	return "REPL"
}

// prepareUI starts the live view, or joins one, and sends it the run's
// events. When the run ends, a view a page still shows stays until the
// page is closed or Ctrl-C.
func (f *runFlags) prepareUI(opts *luabind.Options, stderr io.Writer) (func(int) int, error) {
	if !f.wantsUI() {
		return nil, nil
	}
	var view *ui.View
	var err error
	if childRun != nil && childRun.UIJoin != "" {
		// A sandboxed run's child: the parent holds the view (runSandboxed)
		// and has printed its address.
		view, err = ui.Start(ui.Options{Name: f.label, Join: childRun.UIJoin, Stderr: io.Discard})
	} else {
		view, err = f.startView(stderr)
	}
	if err != nil {
		return nil, err
	}
	if opts.Trace == nil {
		// The view alone: no lines, and socket.trace(true) writes them
		// to stderr as it would without the view.
		opts.Trace = &luabind.TraceOptions{Text: stderr, Color: colorTerminal(stderr), Off: true}
	}
	opts.Trace.Live = view.Sink()
	return func(status int) int {
		finishView(view)
		return status
	}, nil
}

// startView starts the live view of this run, or joins one, as the flags
// say.
func (f *runFlags) startView(stderr io.Writer) (*ui.View, error) {
	uo := ui.Options{Name: f.label, Port: max(f.uiPort, 0), Join: f.uiJoin, Find: f.uiPort < 0 && f.uiJoin == "", Stderr: stderr, Lang: f.lang}
	if f.open {
		uo.Open = ui.OpenBrowser
	}
	view, err := ui.Start(uo)
	if err != nil {
		return nil, fmt.Errorf("--ui: %v", err)
	}
	return view, nil
}

// finishView ends the view when the run has ended: it stays while a page
// shows it, until Ctrl-C.
func finishView(view *ui.View) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	view.Finish(ctx)
}

// portValue is a TCP port, 0 to 65535 (a negative value shows as none).
func portValue(p *int) checked[int] {
	return checked[int]{p, func(s string) (int, error) {
		var n int
		if _, err := fmt.Sscan(s, &n); err != nil || n < 0 || n > 65535 || fmt.Sprint(n) != s {
			return 0, badValue("not a port (0 to 65535; 0: a free one)")
		}
		return n, nil
	}, func(n int) string {
		if n < 0 {
			return ""
		}
		return fmt.Sprint(n)
	}}
}

// urlValue is a view's address.
func urlValue(p *string) checked[string] {
	return textValue(p, i18n.Key("needs the view's address (http://127.0.0.1:PORT/?token=...)"))
}
