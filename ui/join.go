package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/trace"
)

// Joins: a run that joins a view sends its events, and while a page
// watches its snapshots, to the process that serves the view, over a
// WebSocket (from the discovery socket, or by URL with the token). Each
// message is one JSON object:
//
//	joined → view: {"type":"hello","name":...,"pid":...}
//	               {"type":"events","events":[...],"dropped":N}
//	               {"type":"snapshot","snapshot":{...}}
//	               {"type":"end"}
//	view → joined: {"type":"welcome","url":...,"pid":...}
//	               {"type":"watch","on":true|false}

type joinMsg struct {
	Type     string            `json:"type"`
	Name     string            `json:"name,omitempty"`
	PID      int               `json:"pid,omitempty"`
	URL      string            `json:"url,omitempty"`
	On       bool              `json:"on,omitempty"`
	Events   []wireEvent       `json:"events,omitempty"`
	Dropped  int64             `json:"dropped,omitempty"`
	Snapshot *luabind.Snapshot `json:"snapshot,omitempty"`
}

// A wireEvent is an event as a joined process sends it: the trace.Event,
// and what the data events it left out carried.
type wireEvent struct {
	trace.Event
	Skipped *luabind.Skipped `json:"skipped,omitempty"`
}

// snapshotEvery is how often a joined process sends its snapshot while
// a page watches.
const snapshotEvery = 200 * time.Millisecond

// joiner is the joined side.
type joiner struct {
	conn    *websocket.Conn
	sink    *sink
	viewURL string
	hostPID int
	watch   atomic.Bool
	gone    atomic.Bool // the view's process went away

	stop   chan struct{}
	done   chan struct{}
	closed sync.Once
	stderr io.Writer
	lang   i18n.Lang // of what it writes on stderr
}

// joinURL joins the view at rawURL (as the view printed it).
func joinURL(rawURL string, s *sink, opts Options) (*joiner, error) {
	l := opts.Lang
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Query().Get("token") == "" {
		return nil, errors.New("--ui-join " + rawURL + ": " + l.Sprintf("not the address of a view (http://127.0.0.1:PORT/?token=..., as a --ui run prints it)"))
	}
	if host := u.Hostname(); host != "127.0.0.1" && host != "localhost" && host != "::1" {
		return nil, errors.New("--ui-join " + rawURL + ": " + l.Sprintf("a view is on this machine only (127.0.0.1, localhost or ::1)"))
	}
	ws := url.URL{Scheme: "ws", Host: u.Host, Path: "/join", RawQuery: url.Values{"token": {u.Query().Get("token")}}.Encode()}
	j, err := dialJoin(ws.String(), nil, s, opts)
	if err != nil {
		return nil, fmt.Errorf("--ui-join %s: %v", rawURL, err)
	}
	return j, nil
}

// joinDir joins the view whose discovery socket is in dir; errNoView if
// none answers.
func joinDir(dir string, s *sink, opts Options) (*joiner, error) {
	client, err := discoveryClient(dir)
	if err != nil {
		return nil, err
	}
	return dialJoin("ws://sockplay/join", client, s, opts)
}

// dialJoin joins the view at wsURL as opts.Name, saying what goes wrong
// in opts.Lang on opts.Stderr.
func dialJoin(wsURL string, client *http.Client, s *sink, opts Options) (*joiner, error) {
	l := opts.Lang
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPClient: client})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusForbidden {
			return nil, errors.New(l.Sprintf("the view refused the token (403)"))
		}
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	j := &joiner{conn: conn, sink: s, stop: make(chan struct{}), done: make(chan struct{}), stderr: opts.Stderr, lang: l}
	if err := j.send(ctx, &joinMsg{Type: "hello", Name: opts.Name, PID: os.Getpid()}); err != nil {
		conn.CloseNow()
		return nil, err
	}
	var w joinMsg
	if err := j.read(ctx, &w); err != nil || w.Type != "welcome" {
		conn.CloseNow()
		why := fmt.Sprint(err)
		return nil, errors.New(l.Sprintf("the view did not welcome this process: %s", why))
	}
	j.viewURL, j.hostPID = w.URL, w.PID
	go j.readLoop()
	go j.sendLoop()
	return j, nil
}

func (j *joiner) send(ctx context.Context, m *joinMsg) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return j.conn.Write(wctx, websocket.MessageText, b)
}

func (j *joiner) read(ctx context.Context, m *joinMsg) error {
	_, b, err := j.conn.Read(ctx)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, m)
}

// readLoop follows the view's watch messages until the connection ends.
func (j *joiner) readLoop() {
	for {
		var m joinMsg
		if err := j.read(context.Background(), &m); err != nil {
			j.leave()
			return
		}
		if m.Type == "watch" {
			j.watch.Store(m.On)
			j.sink.setWatched(m.On) // which wakes sendLoop
		}
	}
}

// sendLoop sends the run's events and its snapshot every tickEvery while
// a page watches; while none does, it sleeps until the sink is half full
// or a page comes, as the hub does. A view that reads slowly holds up
// this loop, never the run: the sink drops what does not fit and the
// next message says how many.
func (j *joiner) sendLoop() {
	defer close(j.done)
	tick := newPacer()
	defer tick.Stop()
	var lastSnap time.Time
	for {
		tick.set(j.watch.Load())
		final := false
		select {
		case <-j.stop:
			final = true
		case <-tick.C:
		case <-j.sink.wake:
		}
		if j.gone.Load() {
			evs, _ := j.sink.take() // nobody to send them to
			j.sink.reuse(evs)
			if final {
				return
			}
			continue
		}
		evs, dropped := j.sink.take()
		if len(evs) > 0 || dropped > 0 {
			m := &joinMsg{Type: "events", Events: make([]wireEvent, len(evs)), Dropped: dropped}
			for i, ev := range evs {
				m.Events[i].Event = *ev.Fill()
				if ev.Skipped.Events > 0 {
					sk := ev.Skipped
					m.Events[i].Skipped = &sk
				}
			}
			err := j.send(context.Background(), m)
			// Only now: m's events point into evs (their Bytes).
			j.sink.reuse(evs)
			if err != nil {
				j.leave()
			}
		}
		if j.watch.Load() && !final && time.Since(lastSnap) >= snapshotEvery {
			// Before the runtime exists there is none: the next wake
			// tries again.
			if snap := j.sink.snapshot(); snap != nil {
				lastSnap = time.Now()
				j.send(context.Background(), &joinMsg{Type: "snapshot", Snapshot: snap})
			}
		}
		if final {
			j.send(context.Background(), &joinMsg{Type: "end"})
			return
		}
	}
}

// leave notes that the view has gone (its process ended), once, unless
// this process is leaving it.
func (j *joiner) leave() {
	if j.gone.Swap(true) {
		return
	}
	select {
	case <-j.stop:
	default:
		fmt.Fprintln(j.stderr, "ui: "+j.lang.Sprintf("the view has closed (the process that served it ended); this run goes on without it"))
	}
}

// finish sends what is left and leaves the view.
func (j *joiner) finish() { j.close() }

func (j *joiner) close() {
	j.closed.Do(func() {
		close(j.stop)
		select {
		case <-j.done:
		case <-time.After(2 * writeTimeout):
		}
		j.conn.Close(websocket.StatusNormalClosure, "")
	})
}

// The view's side of a join.

type joinConn struct {
	conn *websocket.Conn
	mu   sync.Mutex // one write at a time
	on   atomic.Int32
}

// setWatch tells the joined process whether a page watches. It does not
// wait for a slow process: a watch message it has not taken yet is
// replaced.
func (jc *joinConn) setWatch(on bool) {
	v := int32(0)
	if on {
		v = 1
	}
	if jc.on.Swap(v) == v {
		return
	}
	go func() {
		jc.mu.Lock()
		defer jc.mu.Unlock()
		b, _ := json.Marshal(&joinMsg{Type: "watch", On: jc.on.Load() == 1})
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		defer cancel()
		jc.conn.Write(ctx, websocket.MessageText, b)
	}()
}

func (h *host) serveJoin(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	conn.SetReadLimit(joinReadLimit)
	h.mu.Lock()
	n := len(h.conns) - h.pages
	h.mu.Unlock()
	if n >= maxJoiners {
		conn.Close(websocket.StatusTryAgainLater, h.lang.Sprintf("too many processes joined"))
		return
	}
	if ok, _ := h.track(conn, nil); !ok { // the view is closing
		conn.CloseNow()
		return
	}
	defer h.untrack(conn)
	ctx := context.Background()
	_, b, err := conn.Read(ctx)
	var hello joinMsg
	if err != nil || json.Unmarshal(b, &hello) != nil || hello.Type != "hello" {
		conn.Close(websocket.StatusPolicyViolation, h.lang.Sprintf("hello expected"))
		return
	}
	jc := &joinConn{conn: conn}
	welcome, _ := json.Marshal(&joinMsg{Type: "welcome", URL: h.url, PID: os.Getpid()})
	if conn.Write(ctx, websocket.MessageText, welcome) != nil {
		return
	}
	hub := h.hub
	hub.mu.Lock()
	p := hub.addProc(clipName(hello.Name, h.lang), hello.PID)
	hub.joiners[jc] = struct{}{}
	hub.version++
	// With the lock held, as notifyWatch: a page that comes meanwhile
	// must not have its watch undone by a count read before it came.
	jc.setWatch(hub.watchers.Load() > 0)
	hub.mu.Unlock()
	why := whyLost
	defer func() {
		hub.mu.Lock()
		delete(hub.joiners, jc)
		p.ended, p.endedWhy = true, why
		hub.mu.Unlock()
		if hub.watchers.Load() > 0 {
			hub.frame()
		}
	}()
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var m joinMsg
		if json.Unmarshal(b, &m) != nil {
			why = whyUnreadable
			conn.Close(websocket.StatusPolicyViolation, h.lang.Sprintf("not a message of a join"))
			return
		}
		switch m.Type {
		case "events":
			hub.addRemote(p, m.Events, m.Dropped)
		case "snapshot":
			hub.mu.Lock()
			p.setSnap(m.Snapshot) // after the events sent before it (sendLoop)
			hub.mu.Unlock()
		case "end":
			why = ""
			hub.mu.Lock()
			p.ended = true
			hub.mu.Unlock()
			if hub.watchers.Load() > 0 {
				hub.frame()
			}
		}
	}
}

// clipName keeps a joined process's name short and printable; a process
// without one is named in l.
func clipName(s string, l i18n.Lang) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	if s == "" {
		s = l.Sprintf("a process")
	}
	return s
}
