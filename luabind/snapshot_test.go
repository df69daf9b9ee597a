package luabind

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	lua "github.com/sockplay/sockplay/lua"
)

// startAtProbe runs code on a new runtime whose module probe has a wait()
// that tells the test the script got there, then blocks (letting go of the
// runtime lock) until the test closes release. It returns once the script
// waits in probe.wait(); done gives the run's end. trace, if not nil, is
// the runtime's. A snapshot reads the kernel's view of a socket on Linux
// only: elsewhere the test is skipped.
func startAtProbe(t *testing.T, name, code string, trace *TraceOptions) (rt *Runtime, release chan struct{}, done <-chan error) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("a snapshot reads the kernel's view of a socket (TCP state, queues, byte counts) on Linux only")
	}
	ready, release := make(chan struct{}), make(chan struct{})
	probe := func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			"wait": func(L *lua.LState) int {
				blockUntil(rt, L, release, func() { ready <- struct{}{} })
				return 0
			},
		}))
		return 1
	}
	rt = New(Options{Modules: map[string]lua.LGFunction{"probe": probe}, Trace: trace})
	t.Cleanup(func() { rt.Close() })
	ran := make(chan error, 1)
	go func() { ran <- rt.RunString(context.Background(), name, code, nil) }()
	select {
	case <-ready:
	case err := <-ran:
		t.Fatalf("the script ended: %v", err)
	case <-time.After(luaTestTimeout):
		t.Fatal("the script did not reach probe.wait()")
	}
	return rt, release, ran
}

// connectedPair is the start of the snapshot tests' scripts (lines 1 to
// 6): a listener srv (backlog 5), a client c connected to it, and conn,
// the connection srv accepted.
const connectedPair = `local srv = socket.socket()
srv:bind({"127.0.0.1", 0})
srv:listen(5)
local c = socket.socket()
c:connect(srv:getsockname())
local conn = srv:accept()
`

// snapshotUntil takes snapshots until ok says one is right, or fails.
func snapshotUntil(t *testing.T, rt *Runtime, what string, ok func(*Snapshot) bool) *Snapshot {
	t.Helper()
	deadline := time.Now().Add(luaTestTimeout)
	for {
		snap := rt.Snapshot()
		if ok(snap) {
			return snap
		}
		if time.Now().After(deadline) {
			t.Fatalf("no snapshot shows %s; the last: %+v", what, snap)
		}
		time.Sleep(time.Millisecond) // polling, bounded by the deadline
	}
}

func TestSnapshot(t *testing.T) {
	rt, release, done := startAtProbe(t, "snap", connectedPair+`local reader = spawn(function() return conn:recv(100) .. conn:recv(100) end)
local other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
c:send("hello")
probe.wait()
c:send("!")
assert(reader:join() == "hello!")
`, nil)
	// Wait until the reader has taken the hello and waits on its socket
	// again. Shown waiting is not enough: a snapshot can catch it in its
	// first recv with the hello still queued (woken, or about to read,
	// but not run yet), and the "!" sent then would join the hello in
	// that recv, leaving the second one waiting for ever.
	snap := snapshotUntil(t, rt, "the reader blocked in recv after taking the hello", func(s *Snapshot) bool {
		if len(s.Tasks) != 2 || s.Tasks[1].Sock == 0 || len(s.Sockets) != 4 {
			return false
		}
		k := s.Sockets[2].Kernel
		return k != nil && k.Received == 5 && k.RecvQueue == 0
	})
	if snap.Busy {
		t.Error("Busy, but every task waits")
	}
	main, reader := snap.Tasks[0], snap.Tasks[1]
	if main.ID != 1 || main.Call != "wait" || main.Where != "snap:10" || main.Sock != 0 || main.Name != "main chunk" {
		t.Errorf("main task: %+v", main)
	}
	if reader.ID != 2 || reader.Call != "recv" || reader.Where != "snap:7" || reader.Sock != 3 || !strings.HasPrefix(reader.Name, "function at snap:7") {
		t.Errorf("reader task: %+v", reader)
	}
	if len(snap.Sockets) != 4 {
		t.Fatalf("%d sockets: %+v", len(snap.Sockets), snap.Sockets)
	}
	srv, cli, conn, udp := snap.Sockets[0], snap.Sockets[1], snap.Sockets[2], snap.Sockets[3]
	if srv.Sock != 1 || !srv.Listening || srv.Kernel == nil || srv.Kernel.State != "LISTEN" || srv.Kernel.Backlog != 5 || srv.Remote != "" {
		t.Errorf("listener: %+v %+v", srv, srv.Kernel)
	}
	for _, s := range []SocketState{cli, conn} {
		if s.Kernel == nil || s.Kernel.State != "ESTABLISHED" || s.Family != "AF_INET" || s.Type != "SOCK_STREAM" || s.FD < 0 {
			t.Errorf("sock %d: %+v %+v", s.Sock, s, s.Kernel)
		}
	}
	if cli.Local != conn.Remote || cli.Remote != conn.Local || conn.Local != srv.Local || !strings.HasPrefix(srv.Local, "127.0.0.1:") {
		t.Errorf("addresses: listener %s, client %s → %s, accepted %s → %s", srv.Local, cli.Local, cli.Remote, conn.Local, conn.Remote)
	}
	if cli.Kernel.Sent != 5 || conn.Kernel.Received != 5 || conn.Kernel.RecvQueue != 0 { // the reader took the hello
		t.Errorf("byte counters: client sent %d, accepted received %d, %d unread", cli.Kernel.Sent, conn.Kernel.Received, conn.Kernel.RecvQueue)
	}
	if len(conn.Waiters) != 1 || conn.Waiters[0] != (Waiter{Task: 2, Call: "recv"}) || len(cli.Waiters) != 0 {
		t.Errorf("waiters: %+v, %+v", conn.Waiters, cli.Waiters)
	}
	// A portable socket is nothing at the system until it is bound,
	// connected or used.
	if udp.Type != "SOCK_DGRAM" || (udp.Kernel == nil) != portableBackend() || udp.Kernel != nil && udp.Kernel.State != "" || udp.Listening {
		t.Errorf("UDP socket: %+v %+v", udp, udp.Kernel)
	}
	close(release)
	if err := result(t, done); err != nil {
		t.Fatal(err)
	}
	if snap := rt.Snapshot(); len(snap.Sockets) != 0 || len(snap.Tasks) != 0 {
		t.Errorf("after the run: %+v", snap)
	}
}

// Unread bytes show in the receiving socket's queue, and a peer's close
// in the kernel's state (CLOSE_WAIT), without any call of the script.
func TestSnapshotKernelState(t *testing.T) {
	rt, release, done := startAtProbe(t, "kernel", connectedPair+`c:sendall("12345678")
c:close()
probe.wait()
`, nil)
	snap := snapshotUntil(t, rt, "the accepted socket in CLOSE_WAIT with 8 bytes queued", func(s *Snapshot) bool {
		return len(s.Sockets) == 2 && s.Sockets[1].Kernel != nil && s.Sockets[1].Kernel.State == "CLOSE_WAIT" && s.Sockets[1].Kernel.RecvQueue == 8
	})
	if k := snap.Sockets[0].Kernel; k.State != "LISTEN" || k.AcceptQueue != 0 {
		t.Errorf("listener: %+v", k)
	}
	close(release)
	if err := result(t, done); err != nil {
		t.Fatal(err)
	}
}

// A task that never lets go of the runtime lock does not hold up a
// snapshot: it comes back Busy, with the tasks but not where they are.
func TestSnapshotBusy(t *testing.T) {
	rt := New(Options{})
	defer rt.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.RunString(ctx, "busy", "local s = socket.socket() while true do end", nil) }()
	snap := snapshotUntil(t, rt, "the busy task", func(s *Snapshot) bool { return len(s.Tasks) == 1 && len(s.Sockets) == 1 })
	for !snap.Busy { // until the loop holds the lock
		snap = snapshotUntil(t, rt, "Busy", func(s *Snapshot) bool { return s.Busy || len(s.Tasks) == 1 })
	}
	// A portable socket's system side is read with the lock held only
	// (its net objects change under it): a busy snapshot shows its number.
	if snap.Tasks[0].Where != "" || snap.Tasks[0].ID != 1 || (snap.Sockets[0].Kernel == nil) != portableBackend() || snap.Sockets[0].FD < 0 {
		t.Errorf("busy snapshot: %+v", snap)
	}
	cancel()
	var e *Error
	if err := <-done; !errors.As(err, &e) || e.Kind != Interrupted {
		t.Errorf("the busy run ended with %v", err)
	}
}
