package luabind

import (
	"strings"
	"testing"
	"time"

	lua "github.com/sockplay/sockplay/lua"
)

// A server that spins on recv's "" (the classic `if not data then break
// end`) is warned about once, with the line of its recv and the hint.
func TestWarningSpin(t *testing.T) {
	rt, _, stderr := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "spin.lua", `
local srv = socket.create_server({"127.0.0.1", 0})
spawn(function() local c = socket.create_connection(srv:getsockname()); c:send("hi"); c:close() end)
local conn = srv:accept()
local n = 0
while n < 3000 do
  local data = conn:recv(1024)
  if not data then break end
  n = n + 1
end`, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := rt.Warnings()
	if len(w) != 1 || w[0].Kind != SpinWarning || w[0].Where != "spin.lua:7" || w[0].Task != "the main chunk" || w[0].Hint != spinHint {
		t.Fatalf("warnings: %+v", w)
	}
	if got := stderr.String(); got != w[0].Text() || !strings.HasPrefix(got, `warning: spin.lua:7: the main chunk calls recv again and again on a connection its peer has closed: recv returned "" 1000 times in a row`) {
		t.Errorf("stderr: %q", got)
	}
}

// An address read at index 0, Python's addr[0], is warned about once per
// place; its elements and fields are not.
func TestWarningIndexZero(t *testing.T) {
	rt, _, stderr := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "addr.lua", `
local srv = socket.create_server({"127.0.0.1", 0})
local addr = srv:getsockname()
assert(addr[1] == "127.0.0.1" and addr.host == addr[1] and addr.port == addr[2] and addr.nothing == nil)
for _ = 1, 3 do assert(addr[0] == nil) end
local host = addr[0]`, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := rt.Warnings()
	if len(w) != 2 || w[0].Kind != IndexWarning || w[0].Where != "addr.lua:5" || w[1].Where != "addr.lua:6" || w[0].Hint != indexHint {
		t.Fatalf("warnings: %+v", w)
	}
	want := "warning: addr.lua:5: an address has no element 0 (nil): Lua counts from 1\nhint: " + indexHint + "\n"
	if got := stderr.String(); got != want+w[1].Text() {
		t.Errorf("stderr: %q", got)
	}
}

// One "" (the end of a stream), or a few, is no spin.
func TestNoWarningForTheEndOfAStream(t *testing.T) {
	rt, _, stderr := newTestRuntime(t, Options{})
	err := rt.RunString(testContext(t), "end.lua", `
local a, b = socket.socketpair()
a:close()
for i = 1, 10 do assert(b:recv(10) == "") end`, nil)
	if err != nil || len(rt.Warnings()) != 0 || stderr.String() != "" {
		t.Errorf("%v, warnings %+v, stderr %q", err, rt.Warnings(), stderr.String())
	}
}

// A task that holds the runtime without waiting while another waits for
// it, or that polls a non-blocking socket, is warned about once, with
// its name and the line of its loop; a long computation that starves
// nobody is not. The loops that must be warned about run until they are
// (warnings(): how many the runtime has said), or 20 s: a loaded machine
// may take long to look.
func TestWarningHold(t *testing.T) {
	for _, c := range []struct {
		name, code string
		want       string // the warning's start; "" for none
	}{
		{"busy task, main waits", `
spawn(function()
  local t0 = os.clock()
  while warnings() == 0 and os.clock() - t0 < 20 do
  end
end)
sleep(0.01)`, "hold.lua:4: task 2 (spawned at hold.lua:2) has run for 100ms without waiting"},
		{"polling alone", `
local a, b = socket.socketpair()
a:settimeout(0)
local t0 = os.clock()
repeat
  local ok = pcall(a.recv, a, 10)
until warnings() > 0 or os.clock() - t0 > 20`, "hold.lua:6: the main chunk has run for 100ms without waiting"},
		{"computing alone", `
local t0 = os.clock()
for i = 1, math.huge do
  if os.clock() - t0 > 1 then break end
end`, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var rt *Runtime
			rt, _, stderr := newTestRuntime(t, Options{Modules: map[string]lua.LGFunction{"warnings": func(L *lua.LState) int {
				L.Push(L.NewFunction(func(L *lua.LState) int {
					L.Push(lua.LNumber(len(rt.Warnings())))
					return 1
				}))
				return 1
			}}})
			rt.warns.limit = 100 * time.Millisecond
			if err := rt.RunString(testContext(t), "hold.lua", c.code, nil); err != nil {
				t.Fatal(err)
			}
			w := rt.Warnings()
			if c.want == "" {
				if len(w) != 0 {
					t.Errorf("warnings: %+v", w)
				}
				return
			}
			if len(w) != 1 || w[0].Kind != HoldWarning || !strings.HasPrefix(w[0].Msg, c.want) || w[0].Hint != holdHint {
				t.Fatalf("warnings: %+v\nwant one starting %q", w, c.want)
			}
			if stderr.String() != w[0].Text() {
				t.Errorf("stderr: %q", stderr.String())
			}
		})
	}
}
