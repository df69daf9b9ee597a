package luabind

import (
	"net"
	"strconv"
	"testing"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// A connect that waits does not settle a background script: a client
// asks for input once connected, and a REPL must give it the keyboard
// rather than its prompt (Session.Settled). The listener's accept queue
// is full, so Linux drops the script's SYN and its connect waits until
// its own timeout.
func TestSessionConnectDoesNotSettle(t *testing.T) {
	ctx := testContext(t)
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil { // room for one connection
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(sa.(*unix.SockaddrInet4).Port)
	filler, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer filler.Close()

	entered := make(chan struct{})
	rt, _, _ := newTestRuntime(t, Options{Modules: map[string]lua.LGFunction{"gate": func(L *lua.LState) int {
		L.Push(L.NewFunction(func(L *lua.LState) int {
			entered <- struct{}{} // with the runtime lock held: busy
			return 0
		}))
		return 1
	}}})
	s := rt.NewSession()
	t.Cleanup(s.Close)
	id, err := s.StartCode("client.lua", `
local ok, err = pcall(socket.create_connection, {"127.0.0.1", `+port+`}, 1)
assert(not ok and err:is("TimeoutError"), tostring(err))
gate()`, nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.Settled(id):
		t.Fatal("settled while it connects")
	case <-entered:
	case <-ctx.Done():
		t.Fatal("the script did not time out in connect within the test's deadline")
	}
	select {
	case <-s.Settled(id):
	case <-ctx.Done():
		t.Fatal("not settled within the test's deadline once ended")
	}
}
