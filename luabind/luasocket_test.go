package luabind

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sockplay/sockplay/diagram"
	"github.com/sockplay/sockplay/internal/syncbuf"
	"github.com/sockplay/sockplay/trace"
)

// What LuaSocket objects share with the Python-style sockets because they
// are built on the same core: the trace (and so diagrams), the sandbox,
// cancellation, the closing of what a run leaves open. And the parts of
// the dialect that need Go around them: debug mode, socket.http.

// A TCP exchange, a UDP exchange and a close, in the LuaSocket dialect.
const lsExchange = `
local server = assert(socket.bind("127.0.0.1", 0))
local _, port = server:getsockname()
local t = spawn(function()
  local c = assert(server:accept())
  local line = c:receive()
  c:send(line:upper() .. "\n")
  c:close()
end)
local c = assert(socket.connect("127.0.0.1", port))
c:send("hello\n")
assert(c:receive() == "HELLO")
assert(select(2, c:receive()) == "closed")
c:close()
t:join()
server:close()

local a, b = socket.udp(), socket.udp()
a:setsockname("127.0.0.1", 0)
b:setsockname("127.0.0.1", 0)
local ip, bport = b:getsockname()
a:sendto("ping", ip, bport)
local d, fromip, fromport = b:receivefrom()
b:sendto(d .. "!", fromip, fromport)
assert(a:receive() == "ping!")
a:close()
b:close()
`

func TestLuaSocketTrace(t *testing.T) {
	text, events := traced(t, lsExchange, TraceOptions{})
	type seen struct{ event, call string }
	got := map[seen]int{}
	for _, ev := range events {
		call, _ := ev["call"].(string)
		got[seen{ev["event"].(string), call}]++
	}
	for _, want := range []seen{
		{"created", "bind"}, {"bind", "bind"}, {"listen", "bind"},
		{"created", "connect"}, {"connect", "connect"}, {"accept", ""},
		{"send", ""}, {"recv", "receive"}, {"close", ""},
		{"created", "bind"}, {"sendto", "sendto"}, {"recvfrom", "receivefrom"}, {"recv", "receive"},
	} {
		if got[want] == 0 {
			t.Errorf("no %s event (call %q); events: %v", want.event, want.call, got)
		}
	}
	for _, ev := range events {
		if ev["event"] == "recv" && ev["call"] == "receive" && ev["type"] == "SOCK_STREAM" && ev["bytes"] != nil {
			if n := fmt.Sprint(ev["bytes"]); n != "5" && n != "0" {
				t.Errorf("a receive of a line reports %s bytes, want 5 (hello) or 0 (the end)", n)
			}
		}
	}
	if !strings.Contains(text, "receive") || !strings.Contains(text, "HELLO") {
		t.Errorf("text trace lacks the receive:\n%s", text)
	}
}

// TestLuaSocketDiagram draws the exchange: the handshake, the bytes
// matched from send to receive, the datagrams.
func TestLuaSocketDiagram(t *testing.T) {
	var js syncbuf.Buffer
	rt, _, _ := newTestRuntime(t, Options{Trace: &TraceOptions{JSON: &js}})
	if err := rt.RunString(testContext(t), "exchange", lsExchange, nil); err != nil {
		t.Fatal(err)
	}
	tr, err := trace.Read(strings.NewReader(js.String()), "exchange")
	if err != nil {
		t.Fatal(err)
	}
	d := diagram.Build(tr)
	kinds := map[string]int{}
	linked := 0
	for _, st := range d.Steps {
		kinds[st.Kind]++
		if st.Kind == diagram.KindSend && len(st.Links) > 0 {
			linked++
		}
	}
	for _, k := range []string{diagram.KindHandshake, diagram.KindSend, diagram.KindRecv,
		diagram.KindFIN, diagram.KindDatagram, diagram.KindDgramRecv} {
		if kinds[k] == 0 {
			t.Errorf("no %s step; steps by kind: %v", k, kinds)
		}
	}
	if linked < 2 {
		t.Errorf("%d sends are matched to the receive that took them, want both", linked)
	}
}

func TestLuaSocketSandbox(t *testing.T) {
	for _, tc := range []struct {
		name, code, want string
	}{
		{"bind to every interface", `socket.bind("*", 0)`, "bind to 0.0.0.0:0 refused"},
		{"connect out", `socket.connect("192.0.2.1", 80)`, "connect to 192.0.2.1:80 refused"},
		{"tcp connect out", `socket.tcp():connect("192.0.2.1", 80)`, "connect to 192.0.2.1:80 refused"},
		{"udp sendto out", `socket.udp():sendto("x", "192.0.2.1", 9)`, "sendto to 192.0.2.1:9 refused"},
		{"udp peer out", `socket.udp():setpeername("192.0.2.1", 9)`, "connect to 192.0.2.1:9 refused"},
		{"dns", `socket.dns.toip("example.com")`, `looking up "example.com" refused`},
		{"reverse dns", `socket.dns.tohostname("192.0.2.1")`, "looking up the name of 192.0.2.1 refused"},
		{"multicast", `socket.udp4():setoption("ip-add-membership", {multiaddr = "224.0.0.1", interface = "*"})`,
			`setoption("ip-add-membership") refused`},
		{"unix path outside", `socket.unix.stream():bind("/tmp/outside.sock")`, "AF_UNIX socket files must be inside"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt, _ := sandboxed(t, Sandbox{})
			err := runIn(t, rt, tc.code)
			var e *Error
			if !errors.As(err, &e) || e.Class != "PermissionError" || !strings.Contains(e.Msg, tc.want) {
				t.Errorf("got %v, want a PermissionError containing %q", err, tc.want)
			}
		})
	}
	t.Run("loopback allowed, socket cap as a result", func(t *testing.T) {
		rt, out := sandboxed(t, Sandbox{MaxSockets: 3})
		err := runIn(t, rt, `
local s = assert(socket.bind("localhost", 0))
local _, port = s:getsockname()
local c = assert(socket.connect("127.0.0.1", port))
local a = assert(s:accept())
local r, e = socket.tcp4()
print(r, e)
local r2, e2 = s:accept()
print(r2, e2)`)
		if err != nil {
			t.Fatal(err)
		}
		want := "nil\tsandbox: too many open sockets: at most 3 at once (close the sockets you are done with)\n"
		if got := out.String(); got != want+want {
			t.Errorf("printed %q, want %q twice", got, want)
		}
	})
}

// TestLuaSocketClosedAtRunEnd: gopher-lua collects no garbage, so what a
// script leaves open is closed when its run ends, whatever state its
// objects are in.
func TestLuaSocketClosedAtRunEnd(t *testing.T) {
	rt, _, _ := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "leave-open", `
local server = assert(socket.bind("127.0.0.1", 0))
local _, port = server:getsockname()
local client = assert(socket.connect("127.0.0.1", port))
local accepted = assert(server:accept())
local u = socket.udp4()
local lazy = socket.tcp()
local detached = socket.tcp4()
detached:setfd(-1)
local shared = assert(socket.connect("127.0.0.1", port))
local other = assert(server:accept())
shared:setfd(client:getfd()) -- its own descriptor stays open, unreachable
local un = socket.unix.dgram()
assert(shared:send("x") == 1)
assert(accepted:receive(1) == "x")
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := rt.OpenSockets(); n != 0 {
		t.Errorf("%d sockets open after the run", n)
	}
}

// TestLuaSocketCancel: an interrupt (Ctrl-C) ends every kind of wait
// with an error, not with a LuaSocket result the script could ignore.
func TestLuaSocketCancel(t *testing.T) {
	for _, tc := range []struct{ name, wait string }{
		{"receive", `local c = assert(socket.connect("127.0.0.1", port)); c:receive()`},
		{"accept", `server:accept()`},
		{"select", `socket.select({server}, nil)`},
		{"select of two", `socket.select({server, socket.udp4()}, nil)`},
		{"select of none", `socket.select(nil, nil)`},
		{"udp receive", `local u = socket.udp4(); u:setsockname("127.0.0.1", 0); u:receive()`},
		{"sleep", `socket.sleep(1e9)`},
		{"protected receive", `local c = assert(socket.connect("127.0.0.1", port))
			socket.protect(function() return socket.try(c:receive()) end)()`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			rt := New(Options{Stdout: pw})
			defer rt.Close()
			done := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
				defer cancel()
				done <- rt.RunString(ctx, "wait", `
server = assert(socket.bind("127.0.0.1", 0))
port = select(2, server:getsockname())
print("waiting")
`+tc.wait+`
print("not interrupted")`, nil)
				pw.Close()
			}()
			buf := make([]byte, 8)
			if _, err := io.ReadFull(pr, buf); err != nil || string(buf) != "waiting\n" {
				t.Fatalf("read %q, %v", buf, err)
			}
			go io.Copy(io.Discard, pr)
			// The script may or may not have reached its wait: either way
			// the interrupt must end the run.
			rt.Cancel()
			select {
			case err := <-done:
				var e *Error
				if !errors.As(err, &e) || e.Kind != Interrupted {
					t.Errorf("got %v, want Interrupted", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the wait was not interrupted")
			}
			if n := rt.OpenSockets(); n != 0 {
				t.Errorf("%d sockets open after the run", n)
			}
		})
	}
}

// TestLuaSocketDebugMode: LUASOCKET_DEBUG=1, as LuaSocket's debug build,
// sets socket._DEBUG and adds the elapsed time to send and receive.
func TestLuaSocketDebugMode(t *testing.T) {
	t.Setenv("LUASOCKET_DEBUG", "1")
	rt, out, _ := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "debug", `
local server = assert(socket.bind("127.0.0.1", 0))
local ip, port = server:getsockname()
local c = assert(socket.connect(ip, port))
local a = assert(server:accept())
print(socket._DEBUG)
print(select("#", c:send("x\n")), type(select(4, c:send("y\n"))))
local line, err, partial, elapsed = a:receive()
print(line, err, partial, type(elapsed), elapsed >= 0)
a:settimeout(0)
print(select("#", a:receive(5)), type(select(4, a:receive(5))))`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "true\n4\tnumber\nx\tnil\tnil\tnumber\ttrue\n4\tnumber\n"
	if got := out.String(); got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}

// TestLuaSocketHTTP: socket.http against a loopback HTTP server, in the
// simple and the generic form.
var regexpTable = regexp.MustCompile(`table: 0x[0-9a-f]+`)

func TestLuaSocketHTTP(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Test", "yes")
		fmt.Fprintf(w, "hello %s %s", r.Method, r.Header.Get("User-Agent"))
	})
	mux.HandleFunc("/chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "part%d;", i)
			w.(http.Flusher).Flush() // each part is its own chunk
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hello", http.StatusFound)
	})
	mux.HandleFunc("/post", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %q %d", r.Method, r.Header.Get("Content-Type"), body, r.ContentLength)
	})
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no such page", http.StatusNotFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	rt, out, _ := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "http", `
local http = require("socket.http")
local ltn12 = require("ltn12")
local base = arg[1]
assert(socket.http == http)

local body, code, headers, status = http.request(base .. "/hello")
print(body, code, headers["x-test"], status)
print(http.request(base .. "/chunked"))
print((http.request(base .. "/redirect")))
print((http.request(base .. "/post", "a=1&b=2")))
print((select(2, http.request(base .. "/missing"))))

local t = {}
local ok, c2, h2 = http.request{
  url = base .. "/post",
  method = "PUT",
  source = ltn12.source.string("generic body"),
  headers = {["content-length"] = 12, ["content-type"] = "text/plain"},
  sink = ltn12.sink.table(t),
}
print(ok, c2, table.concat(t))
t = {}
print(http.request{url = base .. "/chunked", sink = ltn12.sink.table(t), method = "HEAD"}, #t)
t = {}
print((select(2, http.request{url = base .. "/redirect", redirect = false, sink = ltn12.sink.table(t)})))
print(http.request("http://127.0.0.1:1/"))
print(http.request("nothttp://x/"))`, []string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ua := LuaSocketVersion
	want := strings.Join([]string{
		"hello GET " + ua + "\t200\tyes\tHTTP/1.1 200 OK",
		"part0;part1;part2;\t200\ttable\tHTTP/1.1 200 OK",
		"hello GET " + ua,
		`POST application/x-www-form-urlencoded "a=1&b=2" 7`,
		"404",
		`1	200	PUT text/plain "generic body" 12`,
		"1\t0",
		"302",
		"nil\tconnection refused",
		"nil\tunknown scheme 'nothttp'",
	}, "\n") + "\n"
	got := regexpTable.ReplaceAllString(out.String(), "table")
	if got != want {
		t.Errorf("printed\n%s\nwant\n%s", got, want)
	}
}
