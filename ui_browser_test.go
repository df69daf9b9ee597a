package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/sockplay/sockplay/internal/chromium"
	"github.com/sockplay/sockplay/internal/syncbuf"
)

var uiScreenshots = flag.String("ui-screenshots", "", "TestLiveViewInBrowser writes its screenshots of the page to `DIR` (docs): live_view_connected.png, live_view.png")

// A started sockplay: its stdin, and its output as it comes.
type uiRun struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *syncbuf.Buffer
	stderr *syncbuf.Buffer
	lines  chan string   // stdout, line by line
	done   chan struct{} // closed when it has exited
	err    error         // its exit, once done
}

// wait waits for the run to exit, and returns how it did.
func (r *uiRun) wait(ctx context.Context) (exited bool, err error) {
	select {
	case <-r.done:
		return true, r.err
	case <-ctx.Done():
		return false, nil
	}
}

func startUIRun(t *testing.T, ctx context.Context, env []string, args ...string) *uiRun {
	t.Helper()
	cmd := exec.CommandContext(ctx, sockplay(t), args...)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	r := &uiRun{cmd: cmd, stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}, lines: make(chan string, 100), done: make(chan struct{})}
	var err error
	if r.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			r.stdout.Write([]byte(sc.Text() + "\n"))
			r.lines <- sc.Text()
		}
		close(r.lines)
		r.err = cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGINT)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if ok, _ := r.wait(ctx); !ok {
			cmd.Process.Kill()
		}
	})
	return r
}

// waitStderr waits until the run's stderr matches re, and returns the
// first submatch.
func (r *uiRun) waitStderr(t *testing.T, ctx context.Context, re string) string {
	t.Helper()
	rx := regexp.MustCompile(re)
	for {
		if m := rx.FindStringSubmatch(r.stderr.String()); m != nil {
			return m[len(m)-1]
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no %q on stderr: %s", re, r.stderr.String())
		case <-time.After(20 * time.Millisecond): // polling, bounded by ctx
		}
	}
}

// The tutorial's echo server and client, each run with --ui in a process
// of its own, the client joining the server's view; Chromium, driven by
// chromedp, shows the page: both connected sockets ESTABLISHED (the
// kernel's state), the tasks waiting in recv and input, then hello and
// HELLO crossing in the diagram, the closes, and a message's bytes when
// it is clicked. With -ui-screenshots DIR the test keeps pictures of it
// (docs/live_view_connected.png, docs/live_view.png).
func TestLiveViewInBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v := openEchoServerView(t, ctx, "en")
	defer v.closePage()
	server, port, env, page, waitFor := v.server, v.port, v.env, v.page, v.waitFor
	waitFor("that it is live", `document.querySelector("#status").textContent === "live"`)
	waitFor("the listening socket", `!!document.querySelector('table.sockets tr.sock[data-state="LISTEN"]')`)

	client := startUIRun(t, ctx, env, "run", "--ui", "tcp/echo_client", port)
	client.waitStderr(t, ctx, `(?m)^ui: http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32} \(joined the view of process (\d+)\)$`)

	// Both ends connected, in two processes: the kernel says ESTABLISHED;
	// the server waits in recv, the client in input().
	waitFor("both sockets ESTABLISHED", `[...document.querySelectorAll("table.sockets")].filter(
		t => t.querySelector('tr.sock:not(.closed)[data-state="ESTABLISHED"]')).length === 2`)
	waitFor("the server's task in recv", `[...document.querySelectorAll("table.tasks tr.task")].some(r => r.textContent.includes("recv on sock 2"))`)
	waitFor("the client's task in input", `[...document.querySelectorAll("table.tasks tr.task")].some(r => r.textContent.includes("input"))`)
	screenshot := func(name string) {
		if *uiScreenshots == "" {
			return
		}
		// Once the rows have stopped lighting up.
		waitFor("no row lit up", `[...document.querySelectorAll("tr.sock")].every(r => !r.style.background)`)
		png, err := chromedp.Run(page, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*uiScreenshots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	screenshot("live_view_connected.png")

	io.WriteString(client.stdin, "hello\n")
	client.stdin.Close()
	waitFor("hello and HELLO in the diagram", diagramHas(`send 5 bytes "hello"`, `recv(1024) → 5 bytes "hello"`, `send 5 bytes "HELLO"`, `recv(1024) → 5 bytes "HELLO"`))
	waitFor("the closes", `document.querySelectorAll("#diagram g.step.fin").length >= 2 &&
		[...document.querySelectorAll("#diagram g.step")].filter(g => g.textContent.includes("close()")).length === 3`)
	waitFor("both processes' sockets closed", `document.querySelectorAll("table.sockets tr.sock.closed").length === 3 &&
		document.querySelectorAll("table.sockets tr.sock:not(.closed)").length === 0`)
	// The end that closed first (the server or the client: they close
	// at once) is kept by the kernel in TIME_WAIT.
	waitFor("a connection in TIME_WAIT", `!!document.querySelector('table.sockets tr.sock.closed[data-state="TIME_WAIT"]')`)
	waitFor("hello's and HELLO's bytes in the table", inOut("5\\u00a0B / 5\\u00a0B"))
	waitFor("one band per process", `document.querySelectorAll("#diagram g.lane").length === 2`)
	// The log: each event as --trace writes it.
	waitFor("the exchange in the log", `(() => { const t = document.querySelector("#events").textContent;
		return /task 1 sock 1 created AF_INET SOCK_STREAM/.test(t) && /sock 2 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ recv 5 B \(bufsize 1024\): 68 65 6c 6c 6f \|hello\|/.test(t); })()`)

	// A message's bytes, when it is clicked.
	if err := chromedp.Do(page, chromedp.Click(chromedp.CSS(`#diagram g.step.send[data-bytes="5"] text`))); err != nil {
		t.Fatal(err)
	}
	waitFor("the hex dump of hello", `!document.querySelector("#details").hidden &&
		document.querySelector("#dhex").textContent.includes("68 65 6c 6c 6f") && document.querySelector("#dtext").textContent === '"hello"'`)

	if ok, err := client.wait(ctx); !ok || err != nil {
		t.Errorf("the client: %v (exited: %v)\n%s", err, ok, client.stderr.String())
	}
	if got := client.stdout.String(); got != "send (Enter: hello)> b'HELLO'\n" {
		t.Errorf("the client printed %q", got)
	}
	screenshot("live_view.png")

	// The server's run has ended; its view stays while the page is open,
	// and closes when the page goes.
	server.waitStderr(t, ctx, `(?m)^(ui: the run has ended; the view stays open while a page shows it)`)
	v.closePage()
	switch ok, err := server.wait(ctx); {
	case !ok:
		t.Fatalf("the server's view did not close when the page went:\n%s", server.stderr.String())
	case err != nil:
		t.Errorf("the server: %v\n%s", err, server.stderr.String())
	}
}

// inOut is true when a socket's row of the page says cell in its "in /
// out" column (JavaScript's string escapes allowed).
func inOut(cell string) string {
	return `[...document.querySelectorAll("table.sockets tr.sock")].some(r => r.cells[4].textContent === "` + cell + `")`
}

// An echoView is the tutorial's echo server run with --ui, its view open
// in Chromium.
type echoView struct {
	server *uiRun
	port   string   // the server's
	env    []string // the server's, for a client to join its view
	page   context.Context
	// closePage closes the page and the browser.
	closePage func()
	// waitFor polls the page until the JavaScript expression is true
	// (the test fails after 30 s).
	waitFor func(what, expr string)
}

// openEchoServerView starts the echo server with --ui in language lang
// (SOCKPLAY_LANG) and opens its view in headless Chromium.
func openEchoServerView(t *testing.T, ctx context.Context, lang string) *echoView {
	t.Helper()
	browser := chromium.Path(t)
	// A discovery folder of the test's own, so that no other view on
	// this machine is joined.
	runDir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(runDir, 0o700); err != nil {
		t.Fatal(err)
	}
	v := &echoView{env: append(os.Environ(), "XDG_RUNTIME_DIR="+runDir, "NO_COLOR=1", "SOCKPLAY_HISTORY=off", "GORACE=atexit_sleep_ms=0", "SOCKPLAY_LANG="+lang)}
	v.server = startUIRun(t, ctx, v.env, "run", "--ui", "tcp/echo_server", "0")
	url := v.server.waitStderr(t, ctx, `(?m)^ui: (http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32})$`)
	first := <-v.server.lines
	port, ok := strings.CutPrefix(first, "server is listening on 127.0.0.1:")
	if !ok {
		t.Fatalf("server: %q; stderr: %s", first, v.server.stderr.String())
	}
	v.port = port

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(browser), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "profile")), chromedp.WindowSize(1500, 1000),
		chromedp.Flag("hide-scrollbars", true))
	page, cancelPage := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	v.page = page
	v.closePage = func() {
		cancelPage()
		cancelAlloc()
	}
	v.waitFor = func(what, expr string) {
		t.Helper()
		wctx, cancel := context.WithTimeout(page, 30*time.Second)
		defer cancel()
		if _, err := chromedp.Run(wctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
			text, err2 := chromedp.Run(page, chromedp.Evaluate[string](`document.body.innerText`))
			if err2 != nil {
				text = err2.Error()
			}
			t.Fatalf("the page does not show %s (%v); it shows:\n%s\nthe server's stderr: %s", what, err, text, v.server.stderr.String())
		}
	}
	if err := chromedp.Do(page, chromedp.Navigate(url)); err != nil {
		v.closePage()
		t.Fatal(err)
	}
	return v
}

// diagramHas is a JavaScript expression: the diagram's text has every
// one of texts.
func diagramHas(texts ...string) string {
	var conds []string
	for _, s := range texts {
		conds = append(conds, fmt.Sprintf("d.includes(%q)", s))
	}
	return `(() => { const s = document.querySelector("#diagram svg"); const d = s ? s.textContent : ""; return ` + strings.Join(conds, " && ") + `; })()`
}

// The live view of a run in Chinese: the page's headings, columns,
// status and hex-dump panel, and the diagram, in Chinese; the kernel's
// states, the socket calls and the addresses as they are.
func TestLiveViewInBrowserChinese(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	v := openEchoServerView(t, ctx, "zh")
	defer v.closePage()
	server, port, env, page, waitFor := v.server, v.port, v.env, v.page, v.waitFor
	waitFor("that it is live, in Chinese", `document.querySelector("#status").textContent === "实时" && document.documentElement.lang === "zh-CN"`)
	waitFor("the listening socket", `!!document.querySelector('table.sockets tr.sock[data-state="LISTEN"]')`)
	waitFor("the headings and columns in Chinese", `(() => { const t = document.body.innerText;
		return ["套接字", "任务", "事件", "时序图", "点击一条消息可查看它的字节", "本地 → 远端", "状态", "收 / 发", "等待于", "LISTEN", "accept"].every(w => t.includes(w)) &&
			!["Sockets", "Tasks", "Events", "Sequence diagram", "local → remote", "waits in", "live view"].some(w => t.includes(w)); })()`)

	client := startUIRun(t, ctx, env, "run", "--ui", "tcp/echo_client", port)
	client.waitStderr(t, ctx, `(?m)^ui: http://127\.0\.0\.1:\d+/\?token=[0-9a-f]{32} （已加入进程 \d+ 的视图）$`)
	waitFor("both sockets ESTABLISHED", `[...document.querySelectorAll("table.sockets")].filter(
		t => t.querySelector('tr.sock:not(.closed)[data-state="ESTABLISHED"]')).length === 2`)
	waitFor("the server's task in recv", `[...document.querySelectorAll("table.tasks tr.task")].some(r => r.textContent.includes("套接字 2 上的 recv"))`)
	io.WriteString(client.stdin, "hello\n")
	client.stdin.Close()
	waitFor("hello and HELLO in the Chinese diagram", diagramHas(`时序图：`, `握手`, `send 5 字节 "hello"`, `recv(1024) → 5 字节 "HELLO"`))
	waitFor("hello's and HELLO's bytes in the table, in Chinese", inOut("5\\u00a0字节 / 5\\u00a0字节"))
	waitFor("no English in the diagram", `!["Sequence diagram", "handshake", "bytes", "time flows down"].some(w => document.querySelector("#diagram svg").textContent.includes(w))`)
	// The log in Chinese, the calls, addresses and data as they are.
	waitFor("the exchange in the log, in Chinese", `(() => { const t = document.querySelector("#events").textContent;
		return /任务 1 套接字 1 创建 AF_INET SOCK_STREAM/.test(t) && /套接字 2 127\.0\.0\.1:\d+ → 127\.0\.0\.1:\d+ recv 5 字节 \(bufsize 1024\): 68 65 6c 6c 6f \|hello\|/.test(t) &&
			![" task ", " sock ", "created", " B "].some(w => t.includes(w)); })()`)
	if err := chromedp.Do(page, chromedp.Click(chromedp.CSS(`#diagram g.step.send[data-bytes="5"] text`))); err != nil {
		t.Fatal(err)
	}
	waitFor("the hex dump, in Chinese", `!document.querySelector("#details").hidden && document.querySelector("#dbytes").innerText.includes("十六进制转储") &&
		document.querySelector("#dhex").textContent.includes("68 65 6c 6c 6f")`)
	if ok, err := client.wait(ctx); !ok || err != nil {
		t.Errorf("the client: %v (exited: %v)\n%s", err, ok, client.stderr.String())
	}
	server.waitStderr(t, ctx, `(?m)^(ui: 运行已结束；只要还有页面在显示，视图就保持打开)`)
	v.closePage()
	if ok, err := server.wait(ctx); !ok || err != nil {
		t.Errorf("the server: %v (exited: %v)\n%s", err, ok, server.stderr.String())
	}
}
