package ui

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// A page that never answers the WebSocket's close (a frozen tab, a dead
// proxy) does not hold the end of the run: the view offers the close,
// waits closeGrace for the answer, then cuts the connection, and Close
// returns while the page is still silent.
func TestCloseSilentPage(t *testing.T) {
	v := startView(t, Options{Name: "silent"})
	h := v.host
	waiting, graceOver := make(chan struct{}), make(chan time.Time)
	h.graceOver = func() <-chan time.Time {
		close(waiting)
		return graceOver
	}
	page := rawPage(t, v)
	if op := page.next(t); op != 1 {
		t.Fatalf("the view's first message: opcode %d, want a text frame", op)
	}
	closed := make(chan struct{})
	go func() {
		v.Close()
		close(closed)
	}()
	// The view offers the close; the page does not answer.
	for op := page.next(t); op != 8; op = page.next(t) {
		if op != 1 {
			t.Fatalf("opcode %d before the close", op)
		}
	}
	select {
	case <-waiting: // the view waits for the answer, boundedly
	case <-time.After(testTimeout):
		t.Fatal("the view does not wait for the page's answer to the close")
	}
	close(graceOver)
	select {
	case <-closed:
	case <-time.After(testTimeout):
		t.Fatal("Close does not return after the grace: it waits for the silent page")
	}
	h.mu.Lock()
	cut := h.cut
	h.mu.Unlock()
	if cut != 1 {
		t.Errorf("%d pages cut, want 1", cut)
	}
	page.conn.SetReadDeadline(time.Now().Add(testTimeout))
	var ne net.Error
	if b, err := page.r.ReadByte(); err == nil {
		t.Errorf("the view sent %#x after its close", b)
	} else if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("the silent page's connection is still open after Close")
	}
}

// A page that answers the close is closed by the handshake, not cut:
// Close returns with the grace never over.
func TestCloseAnsweringPage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	v := startView(t, Options{Name: "answers"})
	h := v.host
	h.graceOver = func() <-chan time.Time { return nil } // never over
	c := dialPage(t, ctx, v)
	readFrames(t, ctx, c, "the first frame", func(f map[string]json.RawMessage) bool { return f["procs"] != nil })
	go func() { // the page answers the close at once, as a browser does
		for {
			if _, _, err := c.Read(ctx); err != nil {
				return
			}
		}
	}()
	closed := make(chan struct{})
	go func() {
		v.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-ctx.Done():
		t.Fatal("Close does not return when the page answers")
	}
	if h.cut != 0 {
		t.Errorf("%d pages cut, want none", h.cut)
	}
}

// silentPage is a page's WebSocket spoken by hand: it reads the view's
// frames and never writes one, not even the answer to a close.
type silentPage struct {
	conn net.Conn
	r    *bufio.Reader
}

func rawPage(t *testing.T, v *View) *silentPage {
	t.Helper()
	u, _ := url.Parse(v.URL())
	conn, err := net.DialTimeout("tcp", u.Host, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(testTimeout))
	req, _ := http.NewRequest("GET", "http://"+u.Host+"/ws?"+u.RawQuery, nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	p := &silentPage{conn: conn, r: bufio.NewReader(conn)}
	resp, err := http.ReadResponse(p.r, req)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("the WebSocket's handshake: %v %v", resp, err)
	}
	return p
}

// next reads a frame of the view's (unmasked, as a server's are) and
// returns its opcode.
func (p *silentPage) next(t *testing.T) byte {
	t.Helper()
	var hdr [2]byte
	if _, err := io.ReadFull(p.r, hdr[:]); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	n := uint64(hdr[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(p.r, b[:]); err != nil {
			t.Fatal(err)
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(p.r, b[:]); err != nil {
			t.Fatal(err)
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if _, err := io.CopyN(io.Discard, p.r, int64(n)); err != nil {
		t.Fatalf("reading a frame: %v", err)
	}
	return hdr[0] & 0x0f
}
