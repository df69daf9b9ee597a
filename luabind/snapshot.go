package luabind

import (
	"fmt"
	"sort"
	"sync"
	"time"

	lua "github.com/sockplay/sockplay/lua"
)

// Snapshots: the sockets and tasks of a runtime at one moment, for a live
// view (package ui) beside the trace. A snapshot is taken from outside the
// runtime's tasks and costs them nothing until it is asked for: the tasks'
// places are read while holding the runtime lock (briefly, and never
// waiting for it longer than the caller allows), the sockets' kernel state
// after letting go of it (fd_tcpinfo_linux.go).

// A Snapshot is the sockets and tasks of a runtime at one moment.
type Snapshot struct {
	Time    time.Time
	Sockets []SocketState // by number
	Tasks   []TaskState   // by number
	// Busy: a task held the runtime lock all the while (a loop that does
	// not block), so where the tasks wait is not known.
	Busy bool
}

// SocketState is one open socket.
type SocketState struct {
	Sock   int    // its number in the runtime, as trace events give it
	FD     int    // its descriptor
	Family string // AF_INET, AF_INET6, AF_UNIX
	Type   string // SOCK_STREAM, SOCK_DGRAM
	Local  string // as trace events write addresses; "" while unbound or unnamed
	Remote string // "" when not connected
	// Listening: listen() was called (SO_ACCEPTCONN).
	Listening bool
	// Kernel is what the kernel says of the socket; nil if it could not
	// be read (the socket was closed meanwhile).
	Kernel *KernelState
	// Waiters are the tasks blocked on the socket, and in which call.
	Waiters []Waiter
	// Skipped is what the data events a live sink did not want
	// (TraceSink.WantsData) carried since the socket's last event, which
	// its next event carries (LiveEvent.Skipped): with the events before
	// the snapshot, the socket's counts now. Zero when the snapshot is
	// Busy.
	Skipped Skipped
}

// KernelState is the kernel's view of a socket.
type KernelState struct {
	// State is TCP's state (getsockopt TCP_INFO): LISTEN, SYN_SENT,
	// SYN_RECV, ESTABLISHED, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING,
	// LAST_ACK, TIME_WAIT, CLOSE. Other sockets: "" (see Listening,
	// Remote).
	State string
	// Received and Sent are TCP's byte counters (bytes received, bytes
	// sent including retransmissions).
	Received, Sent uint64
	// RecvQueue is bytes received and not read yet; SendQueue bytes
	// written and not yet acknowledged by the peer (not sent yet for
	// UDP).
	RecvQueue, SendQueue int
	// RTT and RTTVar are TCP's smoothed round-trip time and its variation.
	RTT, RTTVar time.Duration
	// AcceptQueue and Backlog, for a listening TCP socket: connections
	// waiting for accept(), and how many may wait.
	AcceptQueue, Backlog int
}

// A Waiter is a task blocked on a socket.
type Waiter struct {
	Task int
	Call string // the Lua function it is in: "recv", "accept", "sendall", ...
}

// TaskState is one task of the runtime.
type TaskState struct {
	ID   int
	Name string // the script, the REPL line, or where a spawned function was defined
	// Call is the function the task is blocked in ("recv", "sleep",
	// "input", "select", ...); "" when it runs, or waits for its turn
	// to run.
	Call  string
	Where string // the line it is at: "tcp/echo_server.lua:33"; "" if not known
	Sock  int    // the socket it waits on; 0: none
}

// snapshotLockWait bounds how long Snapshot waits for the runtime lock.
const snapshotLockWait = 50 * time.Millisecond

// Snapshot returns the runtime's sockets and tasks as they are now. Safe
// from any goroutine; it takes the runtime lock only to read where the
// tasks are, and waits for it at most a few milliseconds (when a task
// does not let go of it, the snapshot says Busy).
func (rt *Runtime) Snapshot() *Snapshot {
	snap := &Snapshot{Time: time.Now()}
	rt.mu.Lock()
	tasks := make([]*task, 0, len(rt.tasks))
	for t := range rt.tasks {
		tasks = append(tasks, t)
	}
	socks := make([]*Socket, 0, len(rt.sockets))
	for s := range rt.sockets {
		socks = append(socks, s)
	}
	rt.mu.Unlock()
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].id < tasks[j].id })
	sort.Slice(socks, func(i, j int) bool { return socks[i].id < socks[j].id })

	waiters := map[*Socket][]Waiter{}
	views := make([]*portSnap, len(socks))
	skipped := make([]Skipped, len(socks))
	if rt.lockWithin(snapshotLockWait) {
		for i, s := range socks {
			views[i] = s.portSnapshot()
			skipped[i] = s.traced.skipped
		}
		for _, t := range tasks {
			ts := t.state()
			if s := t.waitingOn(); s != nil {
				ts.Sock = s.id
				waiters[s] = append(waiters[s], Waiter{Task: t.id, Call: ts.Call})
			}
			snap.Tasks = append(snap.Tasks, ts)
		}
		rt.gil.Unlock()
	} else {
		snap.Busy = true
		for _, t := range tasks {
			snap.Tasks = append(snap.Tasks, TaskState{ID: t.id, Name: t.displayName()})
		}
	}

	// The kernel's view, without the lock: a socket closed meanwhile
	// just has no Kernel.
	for i, s := range socks {
		ss := SocketState{Sock: s.id, FD: -1, Family: constName(familyNames, s.family), Type: constName(typeNames, s.typ), Waiters: waiters[s],
			Skipped: skipped[i]}
		s.readKernel(&ss, views[i])
		snap.Sockets = append(snap.Sockets, ss)
	}
	return snap
}

// lockWithin takes the runtime lock if it can within d. A task that
// holds it lets go at its next blocking call, as for a task that waits
// for its turn.
func (rt *Runtime) lockWithin(d time.Duration) bool {
	if rt.gil.TryLock() {
		return true
	}
	var mu sync.Mutex
	const waiting, got, gaveUp = 0, 1, 2
	state := waiting
	ch := make(chan struct{})
	go func() {
		rt.queued.Add(1)
		rt.gil.Lock()
		rt.queued.Add(-1)
		mu.Lock()
		defer mu.Unlock()
		if state == gaveUp {
			rt.gil.Unlock()
			return
		}
		state = got
		close(ch)
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ch:
		return true
	case <-timer.C:
	}
	mu.Lock()
	defer mu.Unlock()
	if state == got {
		return true
	}
	state = gaveUp
	return false
}

func (t *task) displayName() string {
	if t.name == "" && t.isMain {
		return "main chunk"
	}
	return t.name
}

// state reads where the task is. Called with the runtime lock held, by
// someone else than the task: the task does not hold the lock then, so
// its Lua stack stands still (a task changes it only with the lock), and
// it is in a Go function (a blocking call), or waits for its turn.
func (t *task) state() TaskState {
	ts := TaskState{ID: t.id, Name: t.displayName()}
	L := t.L
	top, ok := L.GetStack(0)
	if !ok {
		return ts
	}
	if _, err := L.GetInfo("Sn", top, lua.LNil); err == nil && top.What == "G" {
		ts.Call = top.Name
	}
	for level := 0; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.What != "G" && dbg.CurrentLine > 0 {
			ts.Where = fmt.Sprintf("%s:%d", dbg.Source, dbg.CurrentLine)
			break
		}
	}
	return ts
}

// waitingOn is the socket the task waits on, nil if none.
func (t *task) waitingOn() *Socket {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	return t.wsock
}
