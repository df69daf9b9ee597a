package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/trace"
)

// testTimeout bounds every wait of these tests.
const testTimeout = 30 * time.Second

// runDir is a discovery folder of the test's own, short enough for a
// Unix socket's path.
func runDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "sp-ui-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "sockplay")
}

func startView(t *testing.T, opts Options) *View {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = runDir(t)
	}
	v, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v
}

// Every request without the view's token gets 403, and so does one whose
// Host or Origin is not the view's (a DNS name rebound to 127.0.0.1).
func TestTokenRequired(t *testing.T) {
	var stderr bytes.Buffer
	v := startView(t, Options{Name: "t", Stderr: &stderr})
	u, err := url.Parse(v.URL())
	if err != nil || u.Hostname() != "127.0.0.1" || len(u.Query().Get("token")) != 32 {
		t.Fatalf("URL %q", v.URL())
	}
	if want := "ui: " + v.URL() + "\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	base := "http://" + u.Host
	tok := u.Query().Get("token")
	wrong := strings.Repeat("0", 32)
	if tok == wrong {
		wrong = strings.Repeat("1", 32)
	}
	for _, tc := range []struct {
		path, host, origin string
		want               int
	}{
		{"/", "", "", 403},
		{"/?token=" + wrong, "", "", 403},
		{"/?token=" + tok[:31], "", "", 403},
		{"/ws", "", "", 403},
		{"/join", "", "", 403},
		{"/no-such-page", "", "", 403},
		{"/?token=" + tok, "", "", 200},
		{"/?token=" + tok, "localhost:" + u.Port(), "", 200},
		{"/?token=" + tok, "evil.example:" + u.Port(), "", 403},
		{"/?token=" + tok, "127.0.0.1:1", "", 403},
		{"/?token=" + tok, "", "http://evil.example", 403},
		{"/?token=" + tok, "", "http://" + u.Host, 200},
		{"/no-such-page?token=" + tok, "", "", 404},
	} {
		resp, body := get(t, base+tc.path, tc.host, tc.origin)
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s (Host %q, Origin %q): %d, want %d", tc.path, tc.host, tc.origin, resp.StatusCode, tc.want)
		}
		if tc.want == 200 {
			csp := resp.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'sha256-") || !bytes.Contains(body, []byte("<script>")) {
				t.Errorf("the page: CSP %q", csp)
			}
			if bytes.Contains(body, []byte("/*SCRIPT*/")) || bytes.Contains(body, []byte("http://")) && !bytes.Contains(body, []byte("http://www.w3.org")) {
				t.Errorf("the page is not self-contained")
			}
		}
	}
	// The WebSocket too.
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if _, resp, err := websocket.Dial(ctx, "ws://"+u.Host+"/ws?token="+wrong, nil); err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("a WebSocket with a wrong token: %v", err)
	}
	c, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/ws?token="+tok, nil)
	if err != nil {
		t.Fatalf("a WebSocket with the token: %v", err)
	}
	c.Close(websocket.StatusNormalClosure, "")
}

// get requests url with the Host and Origin headers given ("": the
// URL's host, no Origin), and returns the answer and its body.
func get(t *testing.T, url, host, origin string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	if host != "" {
		req.Host = host
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body
}

// readFrames reads a page's frames until ok says one is the awaited one.
func readFrames(t *testing.T, ctx context.Context, c *websocket.Conn, what string, ok func(f map[string]json.RawMessage) bool) map[string]json.RawMessage {
	t.Helper()
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		var f map[string]json.RawMessage
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("not JSON: %s", b)
		}
		if ok(f) {
			return f
		}
	}
}

func dialPage(t *testing.T, ctx context.Context, v *View) *websocket.Conn {
	t.Helper()
	u, _ := url.Parse(v.URL())
	c, _, err := websocket.Dial(ctx, "ws://"+u.Host+"/ws?"+u.RawQuery, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(64 << 20)
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// watchedRuntime starts a view called name with a page on it, registered
// (it has had its first frame), and a runtime whose events go to the
// view; ctx bounds the test's waits. All end with the test.
func watchedRuntime(t *testing.T, name string) (ctx context.Context, page *websocket.Conn, rt *luabind.Runtime) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	v := startView(t, Options{Name: name})
	page = dialPage(t, ctx, v)
	readFrames(t, ctx, page, "the first frame", func(f map[string]json.RawMessage) bool { return f["procs"] != nil })
	rt = luabind.New(luabind.Options{Trace: &luabind.TraceOptions{Live: v.Sink()}})
	t.Cleanup(func() { rt.Close() })
	return ctx, page, rt
}

// The event stream: a run's events reach the page as log lines and as
// the diagram, and its sockets and tasks as a snapshot.
func TestEventStream(t *testing.T) {
	ctx, page, rt := watchedRuntime(t, "exchange")
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		rt.RunString(ctx, "exchange", `local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")
srv = socket.create_server({"127.0.0.1", 0})
hold = a`, nil)
	}()
	<-ready
	var d diagramView
	f := readFrames(t, ctx, page, "the exchange in the diagram", func(f map[string]json.RawMessage) bool {
		return json.Unmarshal(f["diagram"], &d) == nil && strings.Contains(d.SVG, `sendall 5 bytes &#34;hello&#34;`)
	})
	found := false
	for _, st := range d.Steps {
		if st.Bytes != nil && *st.Bytes == 5 && strings.Contains(st.Hex, "68 65 6c 6c 6f") && st.Text == `"hello"` && st.Shown == 5 {
			found = true
		}
	}
	if !found || !strings.Contains(d.SVG, `data-step="0"`) {
		t.Errorf("no step with hello's hex dump and text: %+v", d.Steps)
	}
	// The log lines may come in this frame or an earlier one; the run
	// has ended, so the sockets are closed (the runtime closes what a run
	// leaves open, without events).
	var procs []procView
	json.Unmarshal(f["procs"], &procs)
	if len(procs) != 1 || procs[0].Name != "exchange" || !procs[0].Host || procs[0].PID != os.Getpid() {
		t.Fatalf("procs: %+v", procs)
	}
}

// The log lines and the snapshot of a run in progress.
func TestEventsAndSnapshot(t *testing.T) {
	ctx, page, rt := watchedRuntime(t, "server")
	go rt.RunString(ctx, "server", `local srv = socket.create_server({"127.0.0.1", 0}) srv:accept()`, nil)
	var lines []logLine
	listening := false
	f := readFrames(t, ctx, page, "the listener in the snapshot and the log", func(f map[string]json.RawMessage) bool {
		var more []logLine
		json.Unmarshal(f["events"], &more)
		lines = append(lines, more...)
		for _, l := range more {
			listening = listening || strings.Contains(l.Text, "listen")
		}
		var procs []procView
		json.Unmarshal(f["procs"], &procs)
		return listening && len(procs) == 1 && len(procs[0].Sockets) == 1 && procs[0].Sockets[0].State == "LISTEN" &&
			len(procs[0].Tasks) == 1 && procs[0].Tasks[0].Call == "accept"
	})
	var procs []procView
	json.Unmarshal(f["procs"], &procs)
	s := procs[0].Sockets[0]
	if !s.Kernel || s.Backlog == 0 || len(s.Waiters) != 1 || s.Waiters[0].Call != "accept" || !strings.HasPrefix(s.Local, "127.0.0.1:") {
		t.Errorf("the listener: %+v", s)
	}
	if tk := procs[0].Tasks[0]; tk.Where != "server:1" || tk.Sock != 1 {
		t.Errorf("the task: %+v", tk)
	}
	var texts []string
	for _, l := range lines {
		texts = append(texts, l.Text)
		if l.Who != fmt.Sprintf("server %d", os.Getpid()) {
			t.Errorf("log line of %q", l.Who)
		}
	}
	all := strings.Join(texts, "")
	for _, want := range []string{"created (create_server) AF_INET SOCK_STREAM", "bind (create_server)", "listen (create_server) backlog"} {
		if !strings.Contains(all, want) {
			t.Errorf("the log lacks %q:\n%s", want, all)
		}
	}
	rt.Cancel()
}

// A page opened after the events gets them in its first frame's diagram:
// without a page the view takes its events only when its buffer fills,
// and a page that comes takes them first.
func TestLatePage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	v := startView(t, Options{Name: "early"})
	rt := luabind.New(luabind.Options{Trace: &luabind.TraceOptions{Live: v.Sink()}})
	defer rt.Close()
	if err := rt.RunString(ctx, "early", `local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")
a:close(); b:close()`, nil); err != nil {
		t.Fatal(err)
	}
	page := dialPage(t, ctx, v)
	f := readFrames(t, ctx, page, "the first frame", func(f map[string]json.RawMessage) bool { return f["procs"] != nil })
	var d diagramView
	if err := json.Unmarshal(f["diagram"], &d); err != nil || !strings.Contains(d.SVG, `sendall 5 bytes &#34;hello&#34;`) {
		t.Errorf("the first frame's diagram lacks the exchange (%v): %.300s", err, f["diagram"])
	}
	var procs []procView
	json.Unmarshal(f["procs"], &procs)
	if len(procs) != 1 || len(procs[0].Closed) != 2 {
		t.Errorf("procs: %+v", procs)
	}
}

// Without a page, the view sleeps until its buffer is half full.
func TestSinkWakesWhenHalfFull(t *testing.T) {
	s := newSink(10)
	for i := 0; i < 4; i++ {
		s.TraceEvent(&luabind.LiveEvent{Event: trace.Event{Sock: i, Event: "close"}})
	}
	select {
	case <-s.wake:
		t.Fatal("woken before half full")
	default:
	}
	s.TraceEvent(&luabind.LiveEvent{Event: trace.Event{Sock: 4, Event: "close"}})
	select {
	case <-s.wake:
	default:
		t.Fatal("not woken at half full")
	}
}

// The sink never waits: beyond its bound it drops and counts.
func TestSinkDropsWhenFull(t *testing.T) {
	s := newSink(10)
	for i := 0; i < 25; i++ {
		s.TraceEvent(&luabind.LiveEvent{Event: trace.Event{Sock: i, Event: "close"}})
	}
	evs, dropped := s.take()
	if len(evs) != 10 || dropped != 15 || evs[9].Event.Sock != 9 {
		t.Fatalf("took %d, dropped %d", len(evs), dropped)
	}
	if evs, dropped := s.take(); len(evs) != 0 || dropped != 0 {
		t.Errorf("second take: %d, %d", len(evs), dropped)
	}
}

// A page that reads slowly does not slow the run nor grow the view's
// memory: its log lines beyond clientMax are dropped and counted, its
// frames replaced by the newest, and the hub never waits for it.
func TestSlowPageDrops(t *testing.T) {
	h := newHub(newSink(sinkMax), "run", 1, i18n.English)
	release := make(chan struct{})
	sent := make(chan []byte, 10)
	c := newClient(func(msg []byte) error {
		<-release // a page that does not read
		sent <- msg
		return nil
	})
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	done := make(chan struct{})
	defer close(done)
	go c.writeLoop(done)

	const n = 5 * clientMax
	added := make(chan struct{})
	go func() {
		defer close(added)
		for i := 0; i < n; i++ {
			h.mu.Lock()
			h.addEvents(h.procs[0], []*luabind.LiveEvent{{Event: trace.Event{Sock: 1, Event: "close", Family: "AF_INET", Type: "SOCK_STREAM"}}}, 0)
			h.mu.Unlock()
		}
		for i := 0; i < 100; i++ {
			h.frame()
		}
	}()
	select {
	case <-added:
	case <-time.After(testTimeout):
		t.Fatal("the hub waited for a page that does not read")
	}
	c.mu.Lock()
	pending, dropped := len(c.pending), c.dropped
	c.mu.Unlock()
	// The writer may have taken one message before it blocked.
	if pending > clientMax || dropped < n-2*clientMax {
		t.Errorf("%d lines pending, %d dropped, of %d", pending, dropped, n)
	}
	close(release)
	var last map[string]any
	for dropped := float64(0); dropped < n-2*clientMax; {
		select {
		case msg := <-sent:
			json.Unmarshal(msg, &last)
			dropped, _ = last["dropped"].(float64)
		case <-time.After(testTimeout):
			t.Fatalf("the page was not told what it missed: %v", last)
		}
	}
}

// A second view started with Find joins the first: its events go there,
// as a process of its own; it takes snapshots while a page watches; it
// ends when it finishes.
func TestJoin(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	dir := runDir(t)
	host := startView(t, Options{Name: "server", Dir: dir, Find: true})
	if host.host == nil {
		t.Fatal("the first view joined something")
	}
	var stderr bytes.Buffer
	joined := startView(t, Options{Name: "client", Dir: dir, Find: true, Stderr: &stderr})
	if joined.joined == nil || joined.URL() != host.URL() {
		t.Fatalf("the second view did not join the first: %q", stderr.String())
	}
	if want := fmt.Sprintf("ui: %s (joined the view of process %d)\n", host.URL(), os.Getpid()); stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	page := dialPage(t, ctx, host)
	rt := luabind.New(luabind.Options{Trace: &luabind.TraceOptions{Live: joined.Sink()}})
	defer rt.Close()
	go rt.RunString(ctx, "client", `local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")
a:close(); b:close()
local s = socket.create_server({"127.0.0.1", 0}) s:accept()`, nil)
	// A frame has the diagram only when it changed: the page keeps the
	// last one, and so does this loop.
	var diag json.RawMessage
	readFrames(t, ctx, page, "the joined process's listener", func(f map[string]json.RawMessage) bool {
		if f["diagram"] != nil {
			diag = f["diagram"]
		}
		var procs []procView
		json.Unmarshal(f["procs"], &procs)
		return len(procs) == 2 && procs[1].Name == "client" && !procs[1].Host && len(procs[1].Sockets) == 1 &&
			procs[1].Sockets[0].State == "LISTEN" && len(procs[1].Tasks) == 1 && procs[1].Tasks[0].Call == "accept" &&
			bytes.Contains(diag, []byte("client (")) && bytes.Contains(diag, []byte("sendall 5 bytes"))
	})
	rt.Cancel()
	joined.Finish(ctx)
	readFrames(t, ctx, page, "the joined process ended", func(f map[string]json.RawMessage) bool {
		var procs []procView
		json.Unmarshal(f["procs"], &procs)
		return len(procs) == 2 && procs[1].Ended && procs[1].EndedWhy == ""
	})
}

// --ui-join: by URL, with the token; a wrong token, an address off this
// machine, or not a view's address, are errors that say so.
func TestJoinURL(t *testing.T) {
	host := startView(t, Options{Name: "server"})
	joined := startView(t, Options{Name: "client", Join: host.URL(), Dir: runDir(t)})
	if joined.joined == nil {
		t.Fatal("not joined")
	}
	u, _ := url.Parse(host.URL())
	for rawURL, want := range map[string]string{
		"http://" + u.Host + "/?token=" + strings.Repeat("0", 32): "refused the token (403)",
		"http://example.com/?token=abc":                           "on this machine only",
		"ftp://127.0.0.1/?token=abc":                              "not the address of a view",
		"http://" + u.Host + "/":                                  "not the address of a view",
	} {
		if _, err := Start(Options{Join: rawURL, Dir: runDir(t)}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("joining %s: %v, want %q", rawURL, err, want)
		}
	}
}

// The host's view goes away: a joined process says so once, and goes on.
func TestViewGoesAway(t *testing.T) {
	dir := runDir(t)
	host := startView(t, Options{Name: "server", Dir: dir, Find: true})
	var stderr syncWriter
	joined := startView(t, Options{Name: "client", Dir: dir, Find: true, Stderr: &stderr})
	host.Close()
	deadline := time.Now().Add(testTimeout)
	for !strings.Contains(stderr.String(), "ui: the view has closed") {
		if time.Now().After(deadline) {
			t.Fatalf("stderr: %q", stderr.String())
		}
		time.Sleep(10 * time.Millisecond) // polling, bounded
	}
	joined.Sink().TraceEvent(&luabind.LiveEvent{Event: trace.Event{Event: "close"}}) // still takes events
	joined.Finish(context.Background())
	// A new view can start in that folder.
	again := startView(t, Options{Name: "again", Dir: dir, Find: true})
	if again.host == nil || again.host.usrv == nil {
		t.Error("no new view on the discovery socket")
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// The discovery folder must be the user's alone; a socket file a crashed
// view left is replaced.
func TestDiscoveryFolder(t *testing.T) {
	dir := runDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := listenDiscovery(dir); err == nil || !strings.Contains(err.Error(), "not a folder of this user's alone") {
		t.Errorf("a folder others may enter: %v", err)
	}
	if _, err := discoveryClient(dir); err != errNoView {
		t.Errorf("found a view in a folder others may enter: %v", err)
	}
	os.Chmod(dir, 0o700)
	// A stale socket: bound, then its listener gone without removing it.
	path := filepath.Join(dir, socketName)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	ln2, _, err := listenDiscovery(dir)
	if err != nil {
		t.Fatalf("a stale socket is not replaced: %v", err)
	}
	defer ln2.Close()
	if _, _, err := listenDiscovery(dir); err == nil {
		t.Error("two views on one discovery socket")
	}
}

// Finish with no page: the view closes at once; with a page, it stays
// until the page goes or ctx is done.
func TestFinishWaitsForPages(t *testing.T) {
	v := startView(t, Options{Name: "run"})
	done := make(chan struct{})
	go func() { v.Finish(context.Background()); close(done) }()
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("Finish waited without a page")
	}

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	var stderr syncWriter
	v = startView(t, Options{Name: "run", Stderr: &stderr})
	page := dialPage(t, ctx, v)
	readFrames(t, ctx, page, "a frame", func(f map[string]json.RawMessage) bool { return true })
	stop, cancelStop := context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() { v.Finish(stop); close(done) }()
	readFrames(t, ctx, page, "the run ended", func(f map[string]json.RawMessage) bool {
		var procs []procView
		json.Unmarshal(f["procs"], &procs)
		return len(procs) == 1 && procs[0].Ended
	})
	select {
	case <-done:
		t.Fatal("Finish did not wait for the page")
	default:
	}
	cancelStop() // Ctrl-C
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("Finish did not end at Ctrl-C")
	}
	if !strings.Contains(stderr.String(), "ui: the run has ended; the view stays open while a page shows it") {
		t.Errorf("stderr: %q", stderr.String())
	}
}
