package luabind

// The shared read buffers (readbufs.go): bounded, and a recv that finds
// none free allocates one and still returns its data, blocking or not.

import (
	"testing"

	lua "github.com/yuin/gopher-lua"
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
