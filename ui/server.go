package ui

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/sockplay/sockplay/internal/i18n"
)

// The host: the HTTP server of the view on 127.0.0.1 (the page, the
// pages' WebSocket, and joins by URL), and the discovery socket (joins
// from this user's other runs).

//go:embed page/index.html
var pageHTML string

//go:embed page/app.js
var pageJS string

//go:embed page/style.css
var pageCSS string

// Limits of what connects: pages and joined processes.
const (
	maxPages   = 16
	maxJoiners = 32
	// joinReadLimit bounds one message of a joined process.
	joinReadLimit = 8 << 20
	writeTimeout  = 10 * time.Second
	// closeGrace is how long the view, closing, waits for its pages to
	// answer the WebSocket's close. A page answers within milliseconds; one
	// that does not (a frozen tab, a dead proxy) would hold the end of the
	// run for the WebSocket library's own wait, 5 s: it is cut instead,
	// and shows the same "closed" line (servePage sends no reason).
	closeGrace = 250 * time.Millisecond
)

type host struct {
	hub   *hub
	lang  i18n.Lang // of the page and of the server's answers
	token string
	port  int
	url   string

	srv  *http.Server
	usrv *http.Server // the discovery socket's; nil when another view has it
	path string       // the discovery socket's path
	wg   sync.WaitGroup

	page []byte
	csp  string

	mu    sync.Mutex
	pages int
	// conns are the WebSockets to close with the view, each with its
	// connection (a page's; nil: a join's).
	conns   map[*websocket.Conn]net.Conn
	ending  bool           // the view is closing: it takes no more
	serving sync.WaitGroup // the pages' handlers (servePage)
	// graceOver is closeGrace's timer (a test's own in tests); cut counts
	// the pages cut after it for not answering the close.
	graceOver func() <-chan time.Time
	cut       int
	closed    sync.Once
}

// rawConnKey is the key of a request's connection in its context
// (http.Server.ConnContext): a page's, to cut it when the view closes.
type rawConnKey struct{}

// startHost starts a view on 127.0.0.1:port (0: a free port) and, if no
// other view has it, on the discovery socket in dir.
func startHost(port int, dir string, s *sink, name string, lang i18n.Lang) (*host, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		addr := "127.0.0.1:" + strconv.Itoa(port)
		return nil, fmt.Errorf("%s: %w", lang.Sprintf("the view cannot listen on %s", addr), err)
	}
	tok := make([]byte, 16)
	rand.Read(tok)
	h := &host{hub: newHub(s, name, os.Getpid(), lang), lang: lang, token: hex.EncodeToString(tok), port: ln.Addr().(*net.TCPAddr).Port,
		conns: map[*websocket.Conn]net.Conn{}, graceOver: func() <-chan time.Time { return time.After(closeGrace) }}
	h.url = fmt.Sprintf("http://127.0.0.1:%d/?token=%s", h.port, h.token)
	h.buildPage(lang)
	h.srv = &http.Server{Handler: http.HandlerFunc(h.serveTCP), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, rawConnKey{}, c) }}
	h.serve(h.srv, ln)
	if uln, path, err := listenDiscovery(dir); err == nil {
		h.path = path
		h.usrv = &http.Server{Handler: http.HandlerFunc(h.serveUnix), ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10}
		h.serve(h.usrv, uln)
	}
	go h.hub.run()
	return h, nil
}

func (h *host) serve(srv *http.Server, ln net.Listener) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		srv.Serve(ln)
	}()
}

// close stops the view: the listeners, the connections, the hub. Only the
// first call does.
func (h *host) close() {
	h.closed.Do(h.stop)
}

// The pages are closed by their handlers, with the WebSocket's close
// handshake (servePage); those still there after closeGrace are cut.
// The joins are closed at once: hijacked, Server.Close does not close
// them.
func (h *host) stop() {
	close(h.hub.stop) // which ends the pages' handlers
	<-h.hub.done
	h.srv.Close()
	if h.usrv != nil {
		h.usrv.Close() // which removes the socket file
	}
	h.mu.Lock()
	h.ending = true
	for c, raw := range h.conns {
		if raw == nil {
			c.CloseNow()
		}
	}
	h.mu.Unlock()
	served := make(chan struct{})
	go func() {
		h.serving.Wait()
		close(served)
	}()
	select {
	case <-served:
	case <-h.graceOver():
		h.mu.Lock()
		for _, raw := range h.conns {
			if raw != nil {
				raw.Close() // which ends the handshake's wait
				h.cut++
			}
		}
		h.mu.Unlock()
		<-served
	}
	h.wg.Wait()
}

// buildPage puts the script, the style and the words in lang
// (pagetext.go) into the page, and allows that script alone (by its
// hash) in the Content-Security-Policy: the words are JSON, which a
// browser does not run.
func (h *host) buildPage(lang i18n.Lang) {
	page := strings.Replace(pageHTML, `<html lang="en">`, `<html lang="`+htmlLang(lang)+`">`, 1)
	page = strings.Replace(page, "/*TEXTS*/", string(pageTexts(lang)), 1)
	page = strings.Replace(page, "/*STYLE*/", pageCSS, 1)
	page = strings.Replace(page, "/*SCRIPT*/", pageJS, 1)
	sum := sha256.Sum256([]byte(pageJS))
	h.page = []byte(page)
	h.csp = "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"style-src 'unsafe-inline'; img-src data:; connect-src ws://127.0.0.1:" + strconv.Itoa(h.port) +
		" ws://localhost:" + strconv.Itoa(h.port) + "; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}

// checkRequest answers 403 unless the request is for this view: a Host
// naming it (not a DNS name rebound to 127.0.0.1), no Origin or its own,
// and its token. The answers are in the view's language: who gets them
// is its user, at a browser.
func (h *host) checkRequest(w http.ResponseWriter, r *http.Request) bool {
	port := strconv.Itoa(h.port)
	own := func(hostport string) bool {
		return hostport == "127.0.0.1:"+port || hostport == "localhost:"+port || hostport == "[::1]:"+port
	}
	l := h.lang
	switch {
	case !own(r.Host):
		home := "http://127.0.0.1:" + port + "/"
		http.Error(w, l.Sprintf("403 forbidden: this view answers only to %s", home), http.StatusForbidden)
		return false
	case r.Header.Get("Origin") != "" && !originOK(r.Header.Get("Origin"), own):
		http.Error(w, l.Sprintf("403 forbidden: a request from another site"), http.StatusForbidden)
		return false
	case !h.tokenOK(r.URL.Query().Get("token")):
		http.Error(w, l.Sprintf("403 forbidden: open the address sockplay printed (ui: http://...?token=...); the token is required"), http.StatusForbidden)
		return false
	}
	return true
}

// notFound answers 404, as http.NotFound does, in the view's language.
func (h *host) notFound(w http.ResponseWriter) {
	http.Error(w, h.lang.Sprintf("404 page not found"), http.StatusNotFound)
}

func originOK(origin string, own func(string) bool) bool {
	u, err := url.Parse(origin)
	return err == nil && u.Scheme == "http" && own(u.Host)
}

// tokenOK compares in constant time, so the time an answer takes says
// nothing of how much of a guess was right.
func (h *host) tokenOK(tok string) bool {
	return subtle.ConstantTimeCompare([]byte(tok), []byte(h.token)) == 1
}

func (h *host) serveTCP(w http.ResponseWriter, r *http.Request) {
	if !h.checkRequest(w, r) {
		return
	}
	switch r.URL.Path {
	case "/":
		hdr := w.Header()
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		hdr.Set("Content-Security-Policy", h.csp)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("Cache-Control", "no-store")
		w.Write(h.page)
	case "/ws":
		h.servePage(w, r)
	case "/join":
		h.serveJoin(w, r)
	default:
		h.notFound(w)
	}
}

// serveUnix serves the discovery socket: only this user's processes
// reach it (its folder is theirs alone, and listenDiscovery checks the
// peer), so it needs no token; it answers joins, and /info, which gives
// the page's address.
func (h *host) serveUnix(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/join":
		h.serveJoin(w, r)
	case "/info":
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%s\n%d\n", h.url, os.Getpid())
	default:
		h.notFound(w)
	}
}

// track keeps a connection to close with the view: a page's with its
// connection raw, a join's with nil. false: the view has as many as it
// takes, or is closing (ending).
func (h *host) track(c *websocket.Conn, raw net.Conn) (ok, ending bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ending {
		return false, true
	}
	if raw != nil {
		if h.pages >= maxPages {
			return false, false
		}
		h.pages++
		h.serving.Add(1)
	}
	h.conns[c] = raw
	return true, false
}

func (h *host) untrack(c *websocket.Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns[c] != nil {
		h.pages--
		h.serving.Done()
	}
	delete(h.conns, c)
}

// servePage is a page's WebSocket: the hub's frames, written by the
// client's own goroutine so that a page that reads slowly only misses
// frames and log lines.
func (h *host) servePage(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	raw, _ := r.Context().Value(rawConnKey{}).(net.Conn)
	if ok, ending := h.track(conn, raw); ending {
		conn.CloseNow()
		return
	} else if !ok {
		conn.Close(websocket.StatusTryAgainLater, h.lang.Sprintf("this view is open in too many pages: close one, then reload this one"))
		return
	}
	defer h.untrack(conn)
	ctx := conn.CloseRead(context.Background()) // done when the page goes
	c := newClient(func(msg []byte) error {
		wctx, cancel := context.WithTimeout(ctx, writeTimeout)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, msg)
	})
	h.hub.addClient(c)
	defer h.hub.removeClient(c)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-h.hub.stop:
		}
		close(done)
	}()
	if err := c.writeLoop(done); err != nil && !errors.Is(err, context.Canceled) {
		conn.Close(websocket.StatusGoingAway, "")
		return
	}
	conn.Close(websocket.StatusNormalClosure, "")
}
