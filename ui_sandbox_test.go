package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A sandboxed script gains nothing from --ui: wherever the view runs (in
// its own process, or in another that it joined), the script cannot read
// the token (no environment variable, no file, no /proc), cannot reach
// the discovery socket, and the view's port answers it 403.
func TestSandboxedScriptCannotReachTheView(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runDir := filepath.Join(t.TempDir(), "run")
	if err := os.Mkdir(runDir, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "XDG_RUNTIME_DIR="+runDir, "NO_COLOR=1", "GORACE=atexit_sleep_ms=0")
	probe := filepath.Join(t.TempDir(), "probe.lua")
	if err := os.WriteFile(probe, []byte(probeScript), 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(runDir, "sockplay", "ui.sock")
	tokenRe := regexp.MustCompile(`token=([0-9a-f]{32})`)

	check := func(t *testing.T, out, token string) {
		t.Helper()
		t.Logf("the probe printed:\n%s", out)
		for _, want := range []string{
			"GET / 403", "GET /ws 403", "GET /join 403",
			"read ui.sock: refused", "connect ui.sock: refused",
			"read /proc/self/environ: refused", "read /proc/self/cmdline: refused",
			"probe done",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the probe did not print %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, token) || strings.Contains(out, "GET / 200") {
			t.Errorf("the script got at the view:\n%s", out)
		}
	}

	t.Run("the view in its process", func(t *testing.T) {
		// A free port for --ui-port, known to the script beforehand.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		r := startUIRun(t, ctx, env, "run", "--sandbox", "--ui", "--ui-port", port, probe, port, sock)
		if ok, err := r.wait(ctx); !ok || err != nil {
			t.Fatalf("the probe: %v\n%s", err, r.stderr.String())
		}
		m := tokenRe.FindStringSubmatch(r.stderr.String())
		if m == nil {
			t.Fatalf("no view: %s", r.stderr.String())
		}
		check(t, r.stdout.String(), m[1])
	})

	t.Run("the view of another process", func(t *testing.T) {
		host := startUIRun(t, ctx, env, "run", "--ui", "-e", "print('up') sleep(60)")
		url := host.waitStderr(t, ctx, `(?m)^ui: (http://\S+)$`)
		<-host.lines
		port := regexp.MustCompile(`:(\d+)/`).FindStringSubmatch(url)[1]
		r := startUIRun(t, ctx, env, "run", "--sandbox", "--ui", probe, port, sock)
		if ok, err := r.wait(ctx); !ok || err != nil {
			t.Fatalf("the probe: %v\n%s", err, r.stderr.String())
		}
		if !strings.Contains(r.stderr.String(), "(joined the view of process") {
			t.Fatalf("the sandboxed run did not join the view: %s", r.stderr.String())
		}
		check(t, r.stdout.String(), tokenRe.FindStringSubmatch(url)[1])
	})
}

// probeScript tries every way a script has to the view: arg[1] is its
// port, arg[2] its discovery socket.
const probeScript = `
local port, sock = tonumber(arg[1]), arg[2]
local function get(path)
  local c = socket.create_connection({"127.0.0.1", port})
  c:sendall("GET " .. path .. " HTTP/1.1\r\nHost: 127.0.0.1:" .. port .. "\r\nConnection: close\r\n" ..
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
  local reply = c:recv(4096)
  c:close()
  print("GET " .. path .. " " .. (reply:match("^HTTP/1.1 (%d+)") or reply))
end
get("/") get("/ws") get("/join")
local function try(what, fn)
  local ok, err = pcall(fn)
  if ok then print(what .. ": allowed") print(tostring(err)) return end
  print(what .. ": " .. (tostring(err):find("PermissionError") and "refused" or tostring(err)))
end
try("read ui.sock", function() local f = assert(io.open(sock, "rb")) return f:read("*a") end)
try("connect ui.sock", function() local s = socket.socket(socket.AF_UNIX) s:connect(sock) end)
try("read /proc/self/environ", function() local f = assert(io.open("/proc/self/environ", "rb")) return f:read("*a") end)
try("read /proc/self/cmdline", function() local f = assert(io.open("/proc/self/cmdline", "rb")) return f:read("*a") end)
for _, name in ipairs({"SOCKPLAY_UI_TOKEN", "XDG_RUNTIME_DIR", "BROWSER"}) do print(name, os.getenv(name)) end
print("probe done")
`
