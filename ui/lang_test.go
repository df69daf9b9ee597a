package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
)

// What the view says, in each language: its lines on stderr, its errors,
// its server's answers, the reason it turns a page away, and the page's
// log (the trace's text lines).
type viewWords struct {
	joined, noBrowser, ended, gone string // stderr, after "ui: "
	noBrowserFound                 string // stderr, after "ui: ": a regexp, the system's error in it
	notView, notLocal, badToken    string // errors of a join
	wrongHost, otherSite, noToken  string // 403 answers
	notFound, tooManyPages         string
	log                            []string // the page's log
}

var wordsIn = map[i18n.Lang]viewWords{
	i18n.English: {
		joined:    ` \(joined the view of process \d+\)`,
		noBrowser: "could not open a browser (no browser here): open the address above yourself",
		noBrowserFound: `could not open a browser \(exec: "sockplay-no-such-browser": [^()]+\): ` +
			`set BROWSER to one, or open the address above yourself`,
		ended:        "the run has ended; the view stays open while a page shows it (close the page, or press Ctrl-C)",
		gone:         "the view has closed (the process that served it ended); this run goes on without it",
		notView:      "not the address of a view (http://127.0.0.1:PORT/?token=..., as a --ui run prints it)",
		notLocal:     "a view is on this machine only (127.0.0.1, localhost or ::1)",
		badToken:     "the view refused the token (403)",
		wrongHost:    "403 forbidden: this view answers only to http://127.0.0.1:PORT/",
		otherSite:    "403 forbidden: a request from another site",
		noToken:      "403 forbidden: open the address sockplay printed (ui: http://...?token=...); the token is required",
		notFound:     "404 page not found",
		tooManyPages: "this view is open in too many pages: close one, then reload this one",
		log: []string{
			"task 1 sock 1 created (socketpair) AF_UNIX SOCK_STREAM (pair of sock 2)",
			"task 1 sock 1 send (sendall) 5 B: 68 65 6c 6c 6f |hello|",
			"task 1 sock 2 recv 0 B (bufsize 100): end of stream (the peer closed)",
		},
	},
	i18n.Chinese: {
		joined:    ` （已加入进程 \d+ 的视图）`,
		noBrowser: "无法打开浏览器（no browser here）：请自己打开上面的地址",
		noBrowserFound: `无法打开浏览器（exec: "sockplay-no-such-browser": [^()（）]+）：` +
			`请把 BROWSER 设为一个浏览器，或者自己打开上面的地址`,
		ended:        "运行已结束；只要还有页面在显示，视图就保持打开（关闭页面，或按 Ctrl-C）",
		gone:         "视图已关闭（提供视图的进程已结束）；本次运行继续，只是不再有视图",
		notView:      "不是视图的地址（应该是 --ui 运行时打印的 http://127.0.0.1:PORT/?token=...）",
		notLocal:     "视图只在本机上（127.0.0.1、localhost 或 ::1）",
		badToken:     "视图拒绝了这个令牌（403）",
		wrongHost:    "403 禁止访问：这个视图只响应 http://127.0.0.1:PORT/",
		otherSite:    "403 禁止访问：来自其他网站的请求",
		noToken:      "403 禁止访问：请打开 sockplay 打印的地址（ui: http://...?token=...）；必须带上令牌",
		notFound:     "404 找不到页面",
		tooManyPages: "打开这个视图的页面太多了：先关掉一个，再重新加载本页",
		log: []string{
			"任务 1 套接字 1 创建 (socketpair) AF_UNIX SOCK_STREAM （与套接字 2 成对）",
			"任务 1 套接字 1 send (sendall) 5 字节: 68 65 6c 6c 6f |hello|",
			"任务 1 套接字 2 recv 0 字节 (bufsize 100): 数据流结束（对端已关闭）",
		},
	},
}

// With no browser to start, the view says so in the user's language,
// the system's reason inside; its own words do not stay English.
func TestNoBrowser(t *testing.T) {
	// No system opener either on an empty PATH; the line names
	// BROWSER's failure.
	t.Setenv("PATH", "")
	t.Setenv("BROWSER", "sockplay-no-such-browser")
	for _, l := range []i18n.Lang{i18n.English, i18n.Chinese} {
		var stderr syncWriter
		v := startView(t, Options{Name: "nobrowser", Lang: l, Stderr: &stderr, Open: OpenBrowser})
		re := "^ui: " + regexp.QuoteMeta(v.URL()) + "\nui: " + wordsIn[l].noBrowserFound + "\n$"
		if !regexp.MustCompile(re).MatchString(stderr.String()) {
			t.Errorf("%s: stderr %q, want %q", htmlLang(l), stderr.String(), re)
		}
	}
}

func TestMessagesInBothLanguages(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.English, i18n.Chinese} {
		w := wordsIn[l]
		t.Run(htmlLang(l), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			dir := runDir(t)
			var hostErr syncWriter
			host := startView(t, Options{Name: "server", Dir: dir, Lang: l, Stderr: &hostErr,
				Open: func(string) error { return errors.New("no browser here") }})
			if want := "ui: " + host.URL() + "\nui: " + w.noBrowser + "\n"; hostErr.String() != want {
				t.Errorf("the host's stderr:\n%q, want\n%q", hostErr.String(), want)
			}

			// A join, and its mistakes.
			var joinErr syncWriter
			joined := startView(t, Options{Name: "client", Join: host.URL(), Dir: runDir(t), Lang: l, Stderr: &joinErr})
			if re := "^ui: " + regexp.QuoteMeta(host.URL()) + w.joined + "\n$"; !regexp.MustCompile(re).MatchString(joinErr.String()) {
				t.Errorf("the joined process's stderr: %q, want %q", joinErr.String(), re)
			}
			u, _ := url.Parse(host.URL())
			for rawURL, want := range map[string]string{
				"ftp://127.0.0.1/?token=abc":                              "--ui-join ftp://127.0.0.1/?token=abc: " + w.notView,
				"http://example.com/?token=abc":                           "--ui-join http://example.com/?token=abc: " + w.notLocal,
				"http://" + u.Host + "/?token=" + strings.Repeat("0", 32): w.badToken,
			} {
				if _, err := Start(Options{Join: rawURL, Dir: runDir(t), Lang: l}); err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("joining %s: %v, want %q", rawURL, err, want)
				}
			}

			// The server's answers.
			base := "http://" + u.Host
			tok := u.Query().Get("token")
			for _, tc := range []struct{ path, host, origin, want string }{
				{"/", "", "", w.noToken},
				{"/?token=" + tok, "evil.example:" + u.Port(), "", strings.Replace(w.wrongHost, "PORT", u.Port(), 1)},
				{"/?token=" + tok, "", "http://evil.example", w.otherSite},
				{"/no-such-page?token=" + tok, "", "", w.notFound},
			} {
				if _, body := get(t, base+tc.path, tc.host, tc.origin); string(body) != tc.want+"\n" {
					t.Errorf("GET %s (Host %q, Origin %q): %q, want %q", tc.path, tc.host, tc.origin, body, tc.want+"\n")
				}
			}

			// The page's log: the trace's text lines.
			page := dialPage(t, ctx, host)
			readFrames(t, ctx, page, "the first frame", func(f map[string]json.RawMessage) bool { return f["procs"] != nil })
			rt := luabind.New(luabind.Options{Trace: &luabind.TraceOptions{Live: host.Sink()}})
			defer rt.Close()
			go rt.RunString(ctx, "log", `local a, b = socket.socketpair()
a:sendall("hello")
assert(b:recv(100) == "hello")
a:close()
assert(b:recv(100) == "")`, nil)
			var log []string
			readFrames(t, ctx, page, "the exchange in the log", func(f map[string]json.RawMessage) bool {
				var lines []logLine
				json.Unmarshal(f["events"], &lines)
				for _, line := range lines {
					log = append(log, line.Text)
				}
				return strings.Contains(strings.Join(log, ""), w.log[len(w.log)-1])
			})
			all := strings.Join(log, "")
			for _, want := range w.log {
				if !strings.Contains(all, want+"\n") {
					t.Errorf("the log has no %q:\n%s", want, all)
				}
			}

			// A page too many is told why.
			pages := []*websocket.Conn{page}
			for len(pages) < maxPages {
				pages = append(pages, dialPage(t, ctx, host))
			}
			// Each counts once the view has sent it a frame.
			for _, p := range pages[1:] {
				readFrames(t, ctx, p, "a frame", func(map[string]json.RawMessage) bool { return true })
			}
			extra := dialPage(t, ctx, host)
			_, _, err := extra.Read(ctx)
			if websocket.CloseStatus(err) != websocket.StatusTryAgainLater || !strings.Contains(err.Error(), w.tooManyPages) {
				t.Errorf("a page too many: %v, want %q", err, w.tooManyPages)
			}
			if len(w.tooManyPages) > 123 {
				t.Errorf("%q is longer than a WebSocket's close reason may be (123 bytes)", w.tooManyPages)
			}
			for _, p := range pages[1:] {
				p.CloseNow()
			}

			// The run ends while a page shows it; the joined process
			// sees the view go.
			go func() { // the page answers the view's close at once
				for {
					if _, _, err := page.Read(ctx); err != nil {
						return
					}
				}
			}()
			stopped, stop := context.WithCancel(ctx)
			stop() // Ctrl-C at once: Finish does not wait for the page
			host.Finish(stopped)
			if want := "ui: " + w.ended + "\n"; !strings.HasSuffix(hostErr.String(), want) {
				t.Errorf("the host's stderr: %q, want it to end with %q", hostErr.String(), want)
			}
			deadline := time.Now().Add(testTimeout)
			for !strings.Contains(joinErr.String(), "ui: "+w.gone+"\n") {
				if time.Now().After(deadline) {
					t.Fatalf("the joined process's stderr: %q, want %q", joinErr.String(), w.gone)
				}
				time.Sleep(10 * time.Millisecond) // polling, bounded
			}
			joined.Close()
		})
	}
}
