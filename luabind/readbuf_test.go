package luabind

// The shared read buffers (readbuf.go): bounded, and a recv that finds
// none free allocates one and still returns its data, blocking or not.

import (
	"testing"

	lua "github.com/sockplay/sockplay/lua"
)

// drainReadBufs empties every slot and returns what it took.
func drainReadBufs() []*[]byte {
	var taken []*[]byte
	for b := getReadBuf(); b != nil; b = getReadBuf() {
		taken = append(taken, b)
	}
	return taken
}

func TestReadBufsBounded(t *testing.T) {
	drainReadBufs()
	for i := 0; i < readBufSlots+3; i++ {
		putReadBuf(newReadBuf())
	}
	if got := len(drainReadBufs()); got != readBufSlots {
		t.Errorf("kept %d buffers after %d puts, want %d", got, readBufSlots+3, readBufSlots)
	}
	if b := getReadBuf(); b != nil {
		t.Errorf("getReadBuf on empty slots returned a buffer")
	}
}

// With no free buffer, the read system call is not made inside the
// poller's callback; the recv must still return the data, whether the
// socket blocks, has a timeout, or is non-blocking (RawConn.Control).
func TestRecvWithoutFreeReadBuffer(t *testing.T) {
	for _, timeout := range []string{"nil", "5", "0"} {
		t.Run("settimeout("+timeout+")", func(t *testing.T) {
			rt, stdout, _ := newTestRuntime(t, Options{})
			code := `
local a, b = socket.socketpair()
b:settimeout(` + timeout + `)
a:sendall("first")
drain_read_buffers()
print(b:recv(100))
if ` + timeout + ` ~= 0 then
  -- the data comes while the task waits
  drain_read_buffers()
  local t = spawn(function() return b:recv(100) end)
  a:sendall("second")
  print(t:join())
end
`
			rt.L.SetGlobal("drain_read_buffers", rt.L.NewFunction(func(L *lua.LState) int {
				drainReadBufs()
				return 0
			}))
			if err := rt.RunString(testContext(t), "nobuf.lua", code, nil); err != nil {
				t.Fatal(err)
			}
			want := "first\nsecond\n"
			if timeout == "0" {
				want = "first\n"
			}
			if got := stdout.String(); got != want {
				t.Errorf("output %q, want %q", got, want)
			}
		})
	}
}

// A read that fills at least half a shared buffer becomes the Lua string
// without a copy (ioOp.takeData); that buffer must never be read into
// again, or a string the script holds would change under it.
func TestLargeRecvStringsAreNotReused(t *testing.T) {
	rt, stdout, _ := newTestRuntime(t, Options{})
	const code = `
local a, b = socket.socketpair()
local function recv_exactly(n)
  local parts, got = {}, 0
  while got < n do
    local s = b:recv(65536)
    parts[#parts + 1] = s
    got = got + #s
  end
  return table.concat(parts), parts
end
local held = {}
for i = 1, 20 do
  local msg = string.rep(string.char(64 + i), 50000)
  a:sendall(msg)
  local data, parts = recv_exactly(#msg)
  assert(data == msg, "message " .. i .. " came back wrong")
  held[i] = parts
end
for i = 1, 20 do
  local want = string.char(64 + i)
  for _, part in ipairs(held[i]) do
    assert(part == string.rep(want, #part), "message " .. i .. " changed after later reads")
  end
end
print("ok")
`
	if err := rt.RunString(testContext(t), "large.lua", code, nil); err != nil {
		t.Fatal(err)
	}
	if got := stdout.String(); got != "ok\n" {
		t.Errorf("output %q, want %q", got, "ok\n")
	}
}
