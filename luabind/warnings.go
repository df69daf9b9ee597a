package luabind

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Warnings about a script that runs but goes nowhere, said on Stderr once
// each and kept for the host (Runtime.Warnings): an address read at
// index 0 (Python's addr[0] is Lua's addr[1]), a task that calls recv
// again and again on a connection its peer has closed (the classic `if
// not data then break end`: "" is true in Lua), and a task that holds
// the runtime for 2 s without waiting, while every other task and the
// REPL's next line wait for it (a busy loop, polling a non-blocking
// socket).

// The kinds of Warning.
const (
	SpinWarning  = "spin"   // recv returns "" again and again
	HoldWarning  = "hold"   // a task holds the runtime without waiting
	IndexWarning = "index0" // an address read at index 0, which is nil
)

// A Warning is what the runtime said on Stderr about a task that goes
// nowhere.
type Warning struct {
	Kind  string   // SpinWarning, HoldWarning or IndexWarning
	Task  string   // which task: "task 3 (spawned at srv.lua:9)", "the main chunk"
	Where string   // the line: "srv.lua:12"
	Msg   string   // the warning's text: "srv.lua:12: the main chunk calls recv ..."
	Hint  string   // what to do
	Lang  Language // of Msg, Hint and Text

	chunk *lua.FunctionProto // the function of Where, when Where alone is not a place (the REPL's lines are all stdin:1)
}

// Text is the warning as Stderr shows it: "warning: MSG\nhint: HINT\n",
// in the runtime's language.
func (w Warning) Text() string {
	return w.Lang.Sprintf("warning: %s\nhint: %s\n", w.Msg, w.Hint)
}

// The warnings' texts, one format string each (Where, then the task; the
// numbers as text, which x/text's printer would group).
const (
	spinMsg   = `%s: %s calls recv again and again on a connection its peer has closed: recv returned "" %s times in a row`
	spinHint  = `recv returns "" at once, every time, once the peer has closed, and "" is true in Lua: leave the loop with if data == "" then break end (not if not data then ...)`
	holdMsg   = `%s: %s has run for %s without waiting: no other task runs meanwhile (nor the REPL's next line)`
	indexMsg  = `%s: an address has no element 0 (nil): Lua counts from 1`
	indexHint = `addr[1] is the host and addr[2] the port (Python's addr[0] and addr[1]); addr.host and addr.port name them`
	holdHint  = `a loop that polls (a non-blocking socket, a flag another task sets) lets the others run only when it waits: use a blocking call, select.select, or sleep(0.01) in the loop`
)

// spinRecvs is how many "" in a row from recv on one stream make a spin:
// no program that means it calls recv again after the first "".
const spinRecvs = 1000

// holdLimit is how long a task may hold the runtime without waiting
// before the watchdog warns; watchTick how often it looks.
const (
	holdLimit = 2 * time.Second
	watchTick = 250 * time.Millisecond
)

// warnings is the runtime's record of what it warned about.
type warnings struct {
	list []Warning      // guarded by mu
	mu   sync.Mutex     // the host reads list from any goroutine
	seen map[string]int // Kind+Where+Task said already (guarded by the lock)

	limit    time.Duration // holdLimit; tests make it shorter
	wake     chan struct{} // wakes the watchdog (wakeWatch)
	acquires atomic.Uint64 // takes of the runtime lock (Runtime.acquire)
	polls    atomic.Uint64 // non-blocking calls that found nothing (EAGAIN)
	hold     atomic.Uint64 // the take of the lock the watchdog asks about; 0: none
}

// Warnings returns what the runtime has warned about so far, once each.
func (rt *Runtime) Warnings() []Warning {
	rt.warns.mu.Lock()
	defer rt.warns.mu.Unlock()
	return append([]Warning(nil), rt.warns.list...)
}

// warn says w on Stderr, once per kind, place and task, and records it.
// Called with the lock held.
func (rt *Runtime) warn(w Warning) {
	key := w.Kind + "\x00" + w.Where + "\x00" + w.Task
	if w.chunk != nil {
		key += fmt.Sprintf("\x00%p", w.chunk)
	}
	if rt.warns.seen == nil {
		rt.warns.seen = map[string]int{}
	}
	if rt.warns.seen[key] > 0 {
		return
	}
	rt.warns.seen[key]++
	rt.warns.mu.Lock()
	rt.warns.list = append(rt.warns.list, w)
	rt.warns.mu.Unlock()
	fmt.Fprint(rt.stderr, w.Text())
}

// taskName names the task that holds the lock, for a warning.
func (rt *Runtime) taskName() string {
	t := rt.current
	if t == nil || t.isMain {
		return rt.opts.Lang.Sprintf("the main chunk")
	}
	return t.label()
}

// noteRecv counts the "" a stream's recv returned in a row, and warns
// once they are a spin. Called with the lock held, after every recv that
// returned "" from a stream with bufsize > 0.
func (rt *Runtime) noteEmptyRecv(L *lua.LState, s *Socket) {
	s.empties++
	if s.empties != spinRecvs {
		return
	}
	where := strings.TrimSuffix(lualib.Where(L), ":")
	task := rt.taskName()
	l := rt.opts.Lang
	rt.warn(Warning{Kind: SpinWarning, Task: task, Where: where,
		Msg: l.Sprintf(spinMsg, where, task, strconv.Itoa(spinRecvs)), Hint: l.Sprintf(spinHint), Lang: l})
}

// noteZeroIndex warns, once per place, that an address was read at
// index 0: a Python hand's addr[0] for the host. Called with the lock
// held, from the address's __index.
func (rt *Runtime) noteZeroIndex(L *lua.LState) {
	where := strings.TrimSuffix(lualib.Where(L), ":")
	if where == "" {
		return // Go code asking: no mistake to point at
	}
	var chunk *lua.FunctionProto
	if dbg, ok := L.GetStack(1); ok {
		if f, err := L.GetInfo("f", dbg, lua.LNil); err == nil {
			if f, ok := f.(*lua.LFunction); ok {
				chunk = f.Proto // nil for a Go function
			}
		}
	}
	l := rt.opts.Lang
	rt.warn(Warning{Kind: IndexWarning, Task: rt.taskName(), Where: where,
		Msg: l.Sprintf(indexMsg, where), Hint: l.Sprintf(indexHint), Lang: l, chunk: chunk})
}

// watch starts the watchdog of a run or a session. It sleeps until a
// task queues for the runtime lock or a non-blocking call finds nothing
// (wakeWatch); then every watchTick it looks whether one take of the
// lock has lasted holdLimit while that goes on, and if so asks the
// holder, at its next loop, where it is (a checkpoint:
// lua/checkpoint.go), and the holder warns. When a look finds the
// runtime quiet, it sleeps again: a lone task that never waits (a busy
// UDP server, a bulk transfer) pays for no timer. The cost on the lock's
// path is one atomic add per take (acquire), and a wake on its slow path.
// stop ends it and waits for it.
func (rt *Runtime) watch() (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-quit:
				return
			case <-rt.root.Done(): // the runtime is closed
				return
			case <-rt.warns.wake:
			}
			if !rt.watchWhileBusy(quit) {
				return
			}
		}
	}()
	return func() {
		close(quit)
		<-done
	}
}

// wakeWatch wakes the watchdog: a task queues for the lock, or a
// non-blocking call found nothing.
func (rt *Runtime) wakeWatch() {
	select {
	case rt.warns.wake <- struct{}{}:
	default:
	}
}

// watchWhileBusy looks every watchTick while tasks queue for the lock or
// its holder polls; it returns true once a look finds neither, false when
// the watch ends (quit, or the runtime closed).
func (rt *Runtime) watchWhileBusy(quit <-chan struct{}) bool {
	tick := time.NewTicker(min(watchTick, rt.holdLimit()/4))
	defer tick.Stop()
	take, since := rt.warns.acquires.Load(), time.Now()
	polls, lastPolls := rt.warns.polls.Load(), rt.warns.polls.Load()
	for {
		var now time.Time
		select {
		case <-quit:
			return false
		case <-rt.root.Done():
			return false
		case now = <-tick.C:
		}
		p := rt.warns.polls.Load()
		polling := p != lastPolls
		lastPolls = p
		if rt.queued.Load() == 0 && !polling {
			return true // quiet: sleep until the next wake
		}
		g := rt.warns.acquires.Load()
		free := rt.gil.TryLock()
		if free {
			rt.gil.Unlock()
		}
		if free || g != take {
			take, since, polls = g, now, p
			continue
		}
		if now.Sub(since) < rt.holdLimit() || rt.warns.hold.Load() == take {
			continue
		}
		if rt.queued.Load() == 0 && p == polls {
			continue // a long computation that starves nobody
		}
		rt.warns.hold.Store(take)
		rt.L.RequestCheckpoint()
	}
}

// checkpoint is the Lua state's checkpoint function (lua.SetCheckpoint):
// the task that holds the runtime says where it loops, if it is the take
// of the lock the watchdog asked about (a request served later, by
// another task, says nothing).
func (rt *Runtime) checkpoint(L *lua.LState) {
	take := rt.warns.hold.Load()
	if take == 0 || rt.warns.acquires.Load() != take {
		return
	}
	p, _ := L.Caller()
	if p == nil {
		return
	}
	where := fmt.Sprintf("%s:%d", p.SourceName, L.LoopLine())
	task := rt.taskName()
	l := rt.opts.Lang
	rt.warn(Warning{Kind: HoldWarning, Task: task, Where: where,
		Msg: l.Sprintf(holdMsg, where, task, rt.holdLimit().String()), Hint: l.Sprintf(holdHint), Lang: l})
}

func (rt *Runtime) holdLimit() time.Duration {
	if rt.warns.limit > 0 {
		return rt.warns.limit
	}
	return holdLimit
}
