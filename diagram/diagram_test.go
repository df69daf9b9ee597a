package diagram

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/internal/chromium"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/trace"
)

// The traces in testdata/ were recorded by sockplay's --trace-json from
// real runs: echo_* is the tutorial's first echo server and client as two
// processes, sticky_* the sticky-packet demo (two processes), udp_* the
// tutorial's UDP server and client, unix one process with an AF_UNIX
// exchange and a socketpair, errors a refused connect, a reset and a
// datagram nobody reads.

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

func load(t *testing.T, names ...string) []*trace.Trace {
	t.Helper()
	var traces []*trace.Trace
	for _, n := range names {
		tr, err := trace.ReadFile(filepath.Join("testdata", n+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		traces = append(traces, tr)
	}
	return traces
}

func render(t *testing.T, d *Diagram) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.WriteSVG(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// outline is the structure of an SVG diagram, one line per lifeline and
// step: its class, its data- attributes and its texts (times left out).
// It also checks that the SVG is well-formed XML without a repeated
// attribute, which browsers refuse to draw.
func outline(t *testing.T, svg []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	var out strings.Builder
	var group []string // the group being read: its header, then texts
	depth, groupDepth := 0, -1
	inText, skipText := false, false
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			seen := map[string]bool{}
			attrs := map[string]string{}
			for _, a := range el.Attr {
				if seen[a.Name.Local] {
					t.Fatalf("<%s> repeats the attribute %s", el.Name.Local, a.Name.Local)
				}
				seen[a.Name.Local] = true
				attrs[a.Name.Local] = a.Value
			}
			class := attrs["class"]
			if el.Name.Local == "g" && (class == "lifeline" || strings.HasPrefix(class, "step ")) {
				head := class
				for _, k := range []string{"data-endpoint", "data-row", "data-from", "data-to", "data-bytes", "data-links"} {
					if v, ok := attrs[k]; ok {
						head += fmt.Sprintf(" %s=%s", strings.TrimPrefix(k, "data-"), v)
					}
				}
				group, groupDepth = []string{head}, depth
			}
			if el.Name.Local == "text" {
				inText, skipText = true, class == "time"
			}
		case xml.CharData:
			if inText && !skipText && groupDepth >= 0 {
				group = append(group, string(el))
			}
		case xml.EndElement:
			if el.Name.Local == "text" {
				inText = false
			}
			if depth == groupDepth {
				out.WriteString(strings.Join(group, " | ") + "\n")
				groupDepth = -1
			}
			depth--
		}
	}
	return out.String()
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		traces []string
	}{
		{"echo", []string{"echo_server", "echo_client"}},
		{"sticky", []string{"sticky_server", "sticky_client"}},
		{"udp", []string{"udp_server", "udp_client"}},
		{"unix", []string{"unix"}},
		{"errors", []string{"errors"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := outline(t, render(t, Build(load(t, tc.traces...)...)))
			golden := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("the diagram's structure changed; got\n%s\nwant\n%s\n(if the change is right: go test ./diagram -update)", got, want)
			}
		})
	}
}

// stepsOf returns the steps of a kind, in order.
func stepsOf(d *Diagram, kind string) []*Step {
	var out []*Step
	for _, st := range d.Steps {
		if st.Kind == kind {
			out = append(out, st)
		}
	}
	return out
}

// Two processes' traces merge by time and match by address pairs,
// whatever order the files are given in.
func TestMergeTwoProcesses(t *testing.T) {
	for _, order := range [][]string{{"echo_server", "echo_client"}, {"echo_client", "echo_server"}} {
		d := Build(load(t, order...)...)
		if len(d.Lifelines) != 2 {
			t.Fatalf("%v: %d lifelines, want the server's and the client's", order, len(d.Lifelines))
		}
		var server, client *Lifeline
		for _, l := range d.Lifelines {
			if l.Endpoint == "127.0.0.1:8081" {
				server = l
			} else {
				client = l
			}
		}
		if server == nil || !strings.HasPrefix(client.Endpoint, "127.0.0.1:") || !server.Traced || !client.Traced {
			t.Fatalf("%v: lifelines %q, %q", order, d.Lifelines[0].Endpoint, d.Lifelines[1].Endpoint)
		}
		hs := stepsOf(d, KindHandshake)
		if len(hs) != 1 || hs[0].From != client || hs[0].To != server {
			t.Errorf("%v: want one handshake from the client to the server", order)
		}
		sends, recvs := stepsOf(d, KindSend), stepsOf(d, KindRecv)
		if len(sends) != 2 || len(recvs) != 2 {
			t.Fatalf("%v: %d sends, %d recvs, want 2 and 2", order, len(sends), len(recvs))
		}
		// hello goes client → server and is taken by the server's recv;
		// HELLO the other way.
		for i, want := range []struct{ from, to *Lifeline }{{client, server}, {server, client}} {
			s := sends[i]
			if s.From != want.from || s.To != want.to || len(s.Links) != 1 || s.Links[0] != recvs[i] || recvs[i].From != want.to {
				t.Errorf("%v: send %d (%s) is not matched to the recv %s", order, i, s.Label, recvs[i].Label)
			}
			if s.Row >= recvs[i].Row {
				t.Errorf("%v: send %q drawn at row %d, after its recv at row %d", order, s.Label, s.Row, recvs[i].Row)
			}
		}
		if sends[0].Label != `send 5 bytes "hello"` || recvs[1].Label != `recv(1024) → 5 bytes "HELLO"` {
			t.Errorf("%v: labels %q, %q", order, sends[0].Label, recvs[1].Label)
		}
		if fins := stepsOf(d, KindFIN); len(fins) != 2 {
			t.Errorf("%v: %d FINs, want both closes", order, len(fins))
		}
		if order[0] == "echo_server" && d.Traces[0] != "echo_server.jsonl" {
			t.Errorf("trace names %v", d.Traces)
		}
	}
}

// The sticky-packet demo: three sends taken by one recv, one sendall by
// several, and the FIN of shutdown by the recv that returned "".
func TestStickyMatching(t *testing.T) {
	d := Build(load(t, "sticky_server", "sticky_client")...)
	recvs := stepsOf(d, KindRecv)
	first := recvs[0]
	if len(first.Links) != 3 || first.Ev.ByteCount() != 11 || !strings.Contains(first.Label, "of 3 sends") {
		t.Errorf("first recv: %q with %d sends, want 11 bytes of 3 sends", first.Label, len(first.Links))
	}
	var big *Step
	for _, s := range stepsOf(d, KindSend) {
		if s.Ev.ByteCount() == 200000 {
			big = s
		}
	}
	if big == nil || len(big.Links) < 2 || !strings.Contains(big.Label, fmt.Sprintf("→ %d recvs", len(big.Links))) {
		t.Fatalf("the 200000-byte sendall: %+v", big)
	}
	total := 0
	for _, r := range big.Links {
		total += r.Ev.ByteCount()
	}
	if total != 200000 {
		t.Errorf("the recvs of the big send took %d bytes, want 200000", total)
	}
	var shut *Step
	for _, f := range stepsOf(d, KindFIN) {
		if f.Ev.Event == "shutdown" {
			shut = f
		}
	}
	if shut == nil || len(shut.Links) != 1 || shut.Links[0].Ev.ByteCount() != 0 || !strings.HasSuffix(shut.Links[0].Label, `"" end of stream`) {
		t.Errorf("shutdown's FIN is not matched to the recv that returned \"\": %+v", shut)
	}
}

func TestDatagramsAndErrors(t *testing.T) {
	d := Build(load(t, "udp_server", "udp_client")...)
	dg := stepsOf(d, KindDatagram)
	if len(dg) != 2 || len(dg[0].Links) != 1 || len(dg[1].Links) != 1 {
		t.Fatalf("want two datagrams, each received: %d", len(dg))
	}
	if dg[0].Ev.Data != "68656c6c6f" || dg[0].Links[0].Ev.Data != "68656c6c6f" {
		t.Errorf("hello is not matched to its recvfrom")
	}

	d = Build(load(t, "errors")...)
	ref := stepsOf(d, KindRefused)
	if len(ref) != 1 || ref[0].To.Traced || ref[0].To.Endpoint != "127.0.0.1:1" || !strings.Contains(ref[0].Label, "ConnectionRefusedError") {
		t.Errorf("refused connect: %+v", ref)
	}
	if ref[0].To.index != ref[0].From.index+1 {
		t.Errorf("the untraced lifeline is not next to the one that talks to it")
	}
	rst := stepsOf(d, KindRST)
	errs := stepsOf(d, KindError)
	if len(rst) != 1 || len(errs) != 1 || rst[0].Links[0] != errs[0] || !strings.HasSuffix(rst[0].Label, "→ RST") {
		t.Errorf("the reset: %d RSTs, %d errors", len(rst), len(errs))
	}
	lost := stepsOf(d, KindDatagram)
	if len(lost) != 1 || len(lost[0].Links) != 0 {
		t.Errorf("the datagram nobody read: %+v", lost)
	}
	svg := string(render(t, d))
	if !strings.Contains(svg, "(no recvfrom took it in the traces)") {
		t.Errorf("the lost datagram is not marked")
	}
}

func TestPreview(t *testing.T) {
	for _, tc := range []struct {
		data  string
		total int
		want  string
	}{
		{"hello", 5, `"hello"`},
		{"a\nb\t\"\\", 6, `"a\nb\t\"\\"`},
		{"\x00\xff", 2, `"\0\255"`},
		{"你好", 6, `"你好"`},
		{"abc", 10, `"abc"…`},
		{strings.Repeat("x", 30), 30, `"` + strings.Repeat("x", 24) + `"…`},
		{"", 0, `""`},
	} {
		if got := preview([]byte(tc.data), tc.total); got != tc.want {
			t.Errorf("preview(%q, %d) = %s, want %s", tc.data, tc.total, got, tc.want)
		}
	}
}

func TestLongTraceIsCut(t *testing.T) {
	var b strings.Builder
	for i := 0; i < MaxSteps+50; i++ {
		fmt.Fprintf(&b, `{"t":%d,"sock":1,"event":"created","family":"AF_INET","type":"SOCK_DGRAM"}`+"\n", i)
	}
	tr, err := trace.Read(strings.NewReader(b.String()), "long")
	if err != nil {
		t.Fatal(err)
	}
	d := Build(tr)
	if len(d.Steps) != MaxSteps || d.Omitted != 50 {
		t.Errorf("%d steps, %d omitted", len(d.Steps), d.Omitted)
	}
	if !strings.Contains(string(render(t, d)), "… 50 more events are not drawn") {
		t.Error("the SVG does not say events were left out")
	}
}

// docs/echo_flow.svg, shown in the README, is a diagram of the tutorial's
// first echo exchange.
func TestDocsEchoFlow(t *testing.T) {
	svg, err := os.ReadFile(filepath.Join("..", "docs", "echo_flow.svg"))
	if err != nil {
		t.Fatal(err)
	}
	got := outline(t, svg)
	for _, want := range []string{
		"lifeline endpoint=127.0.0.1:8081",
		"step handshake",
		`send 5 bytes "hello"`,
		`recv(1024) → 5 bytes "hello"`,
		`send 5 bytes "HELLO"`,
		`recv(1024) → 5 bytes "HELLO"`,
		"close() → FIN",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("docs/echo_flow.svg lacks %q:\n%s", want, got)
		}
	}
}

// screenshot renders an SVG file in headless Chromium at its own size.
func screenshot(t *testing.T, browser, svgPath string, w, h int) image.Image {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--screenshot="+out, fmt.Sprintf("--window-size=%d,%d", w, h),
		"file://"+svgPath)
	cmd.WaitDelay = 5 * time.Second
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// A person must be able to read the diagram: Chromium draws it, and the
// picture has the lifelines, the coloured arrows and text, not an XML
// error page (which is what a browser shows for a malformed SVG).
func TestRendersInChromium(t *testing.T) {
	browser := chromium.Path(t)
	for _, tc := range []struct {
		name   string
		traces []string
	}{
		{"echo", []string{"echo_server", "echo_client"}},
		{"sticky", []string{"sticky_server", "sticky_client"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Build(load(t, tc.traces...)...)
			path := filepath.Join(t.TempDir(), tc.name+".svg")
			svg := render(t, d)
			if err := os.WriteFile(path, svg, 0o644); err != nil {
				t.Fatal(err)
			}
			var w, h int
			fmt.Sscanf(string(svg[bytes.Index(svg, []byte("<svg")):]), `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d"`, &w, &h)
			if w == 0 || h == 0 {
				t.Fatalf("no size in the SVG")
			}
			img := screenshot(t, browser, path, w, h)
			if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
				t.Errorf("screenshot %v, want %dx%d", b, w, h)
			}
			// Count the pixels near each colour the diagram uses.
			count := map[string]int{}
			colours := map[string][3]int{
				"data": {0x09, 0x69, 0xda}, "fin": {0x82, 0x50, 0xdf}, "handshake": {0x57, 0x60, 0x6a},
				"text": {0x1f, 0x23, 0x28}, "white": {0xff, 0xff, 0xff}, "error page": {0xff, 0xdd, 0xdd},
			}
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					r, g, bl, _ := img.At(x, y).RGBA()
					for name, c := range colours {
						if near(int(r>>8), c[0]) && near(int(g>>8), c[1]) && near(int(bl>>8), c[2]) {
							count[name]++
						}
					}
				}
			}
			total := b.Dx() * b.Dy()
			t.Logf("%s: %dx%d, pixels by colour: %v", tc.name, w, h, count)
			if count["white"] < total/2 {
				t.Errorf("mostly not white background: %d of %d", count["white"], total)
			}
			for _, name := range []string{"data", "fin", "handshake", "text"} {
				if count[name] < 100 {
					t.Errorf("hardly any %s pixels (%d): the diagram is not drawn as it should be", name, count[name])
				}
			}
			// Antialiased red text has a few such pixels; the error page's
			// box has a hundred thousand.
			if count["error page"] > total/50 {
				t.Errorf("%d pixels of the pink of Chromium's XML error page", count["error page"])
			}
		})
	}
}

func near(a, b int) bool { return a-b < 24 && b-a < 24 }

// In Chinese the diagram's own words are Chinese; the calls, addresses
// and TCP's words stay, and the steps are the same as in English.
func TestChinese(t *testing.T) {
	for _, tc := range []struct {
		traces []string
		zh, en []string // words the Chinese diagram has, and has not
	}{
		{[]string{"echo_server", "echo_client"},
			[]string{"时序图：", "握手", "一次 send 的字节，指向取走它们的 recv", "FIN（close、shutdown）", "时间自上而下", " 字节 ", "send 5 字节", "5 字节, 前 5 个: 68 65", "FIN", "127.0.0.1:",
				"socket() → 套接字 1 （流）", "echo_server.jsonl：套接字 1, 2", "echo_client.jsonl：套接字 1", "  任务 1  套接字 2  recv"},
			[]string{"Sequence diagram", "handshake", "bytes", "time flows down", "end of stream", "(stream)", "→ sock", ": sock", "  task ", " for "}},
		{[]string{"errors"},
			[]string{"（跟踪记录里没有 recvfrom 取走它）", "错误", "ConnectionRefusedError", "RST"},
			[]string{"no recvfrom took it", "error\n", "datagram\n"}},
		{[]string{"udp_server", "udp_client"},
			[]string{"数据报", "recvfrom(", "（数据报）"},
			[]string{"bytes", "datagram\n"}},
		{[]string{"unix"},
			[]string{`→ "" 数据流结束`, "（未命名）\n", "accept() → 套接字 3，来自 （未命名）", "（未命名） → /tmp/sockplay-diagram-test.sock"},
			[]string{"bytes", "end of stream", "(unnamed)", " for "}},
	} {
		traces := load(t, tc.traces...)
		d := BuildWith(Options{Lang: i18n.Chinese}, traces...)
		raw := render(t, d)
		svg := texts(t, raw)
		// What a program reads stays: the lifelines' data-endpoint.
		if tc.traces[0] == "unix" && !bytes.Contains(raw, []byte(`data-endpoint="(unnamed)"`)) {
			t.Errorf("the Chinese diagram's unnamed lifelines have no data-endpoint=\"(unnamed)\"")
		}
		for _, w := range tc.zh {
			if !strings.Contains(svg, w) {
				t.Errorf("%v: the Chinese diagram has no %q", tc.traces, w)
			}
		}
		for _, w := range tc.en {
			if strings.Contains(svg, w) {
				t.Errorf("%v: the Chinese diagram has the English %q", tc.traces, w)
			}
		}
		// The same steps, rows and links as the English diagram.
		en := Build(traces...)
		if len(d.Steps) != len(en.Steps) || len(d.Lifelines) != len(en.Lifelines) {
			t.Fatalf("%v: %d steps, %d lifelines in Chinese; %d, %d in English", tc.traces, len(d.Steps), len(d.Lifelines), len(en.Steps), len(en.Lifelines))
		}
		for i, st := range d.Steps {
			if e := en.Steps[i]; st.Kind != e.Kind || st.Row != e.Row || len(st.Links) != len(e.Links) {
				t.Errorf("%v: step %d is %s at row %d in Chinese, %s at row %d in English", tc.traces, i, st.Kind, st.Row, e.Kind, e.Row)
			}
		}
		if bad := collisions(drawAll(d)); len(bad) > 0 {
			t.Errorf("%v in Chinese:\n%s", tc.traces, strings.Join(bad, "\n"))
		}
	}
}

// A tooltip names the socket's ends: "local → remote", or the local
// address alone for a socket with no peer (a TCP or UDP socket before it
// connects, a listener), in either language. An AF_UNIX socket's peer
// that has no name is "(unnamed)".
func TestTitleEnds(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.English, i18n.Chinese} {
		unnamed := lang.Sprintf("(unnamed)")
		for _, tc := range []struct {
			traces      []string
			sock        int    // of the first trace
			event, want string // a step of the socket's, and its tooltip's second line
		}{
			{[]string{"echo_server", "echo_client"}, 1, "bind", "127.0.0.1:8081"},
			{[]string{"echo_server", "echo_client"}, 1, "listen", "127.0.0.1:8081"},
			{[]string{"echo_server", "echo_client"}, 2, "recv", "127.0.0.1:8081 → 127.0.0.1:"},
			{[]string{"udp_server", "udp_client"}, 1, "bind", "127.0.0.1:54735"},
			{[]string{"unix"}, 1, "listen", "/tmp/sockplay-diagram-test.sock"},
			{[]string{"unix"}, 1, "close", "/tmp/sockplay-diagram-test.sock"},
			{[]string{"unix"}, 3, "recv", "/tmp/sockplay-diagram-test.sock → " + unnamed},
		} {
			traces := load(t, tc.traces...)
			d := BuildWith(Options{Lang: lang}, traces...)
			found := false
			for _, st := range d.Steps {
				if st.Trace != traces[0].Name || st.Ev.Sock != tc.sock || st.Ev.Event != tc.event {
					continue
				}
				found = true
				lines := strings.Split(st.Title, "\n")
				if len(lines) < 2 || !strings.HasPrefix(lines[1], tc.want) || !strings.HasSuffix(tc.want, ":") && lines[1] != tc.want {
					t.Errorf("%s: sock %d's %s: tooltip %q, want its second line %q", tc.traces[0], tc.sock, tc.event, st.Title, tc.want)
				}
			}
			if !found {
				t.Fatalf("%s: no %s of sock %d", tc.traces[0], tc.event, tc.sock)
			}
		}
		// No TCP or UDP socket's tooltip names a peer it has not.
		for _, names := range [][]string{{"echo_server", "echo_client"}, {"udp_server", "udp_client"}, {"errors"}, {"sticky_server", "sticky_client"}} {
			for _, st := range BuildWith(Options{Lang: lang}, load(t, names...)...).Steps {
				if strings.Contains(st.Title, "→ "+unnamed) {
					t.Errorf("%v: tooltip %q", names, st.Title)
				}
			}
		}
	}
}

// texts is the text of an SVG, a line per element.
func texts(t *testing.T, svg []byte) string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	var b strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		if c, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(c)) != "" {
			b.WriteString(string(c) + "\n")
		}
	}
	return b.String()
}
