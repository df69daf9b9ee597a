package luabind

import (
	"sync"
	"time"
)

// The deadlines of a socket's waits, which both backends set on what Go's
// poller waits on (a descriptor's os.File; a net.Conn, net.PacketConn or
// listener).
//
// Deadlines belong to the descriptor, not to one waiter: interrupting a
// task by setting its deadline in the past wakes every task waiting in
// that direction. kicks counts such interrupts in flight, and no wait
// resets a deadline until they are over, or the interrupted task would
// sleep on; the other tasks then simply wait again.

// deadliner is what deadlines are set on.
type deadliner interface {
	SetReadDeadline(time.Time) error
	SetWriteDeadline(time.Time) error
}

type waitDeadlines struct {
	dl deadliner // nil until the socket has something to wait on

	kmu   sync.Mutex
	kdone sync.Cond // signalled when kicks drops to 0 and when a wait ends; its L is &kmu
	kicks int
	// The deadlines last set, so a wait sets one only when it changes,
	// and how many tasks wait in each direction (prepare). Guarded by kmu.
	rdl, wdl           time.Time
	rwaiting, wwaiting int
}

// init makes w set deadlines on dl.
func (w *waitDeadlines) init(dl deadliner) {
	w.dl = dl
	w.kdone.L = &w.kmu
}

// replace makes w set deadlines on dl from now on (the portable backend's
// socket became another object: a listener, a connection); no task
// waits meanwhile.
func (w *waitDeadlines) replace(dl deadliner) {
	w.kmu.Lock()
	w.dl = dl
	w.rdl, w.wdl = time.Time{}, time.Time{}
	w.kmu.Unlock()
}

// prepare waits until no interrupt is in flight, then sets the deadline
// of one direction for a task about to wait (end ends it), if it differs
// from the last one set. Tasks waiting in one direction share its
// deadline: while another waits, a later deadline (or none) must not
// replace its earlier one, or its timeout would come late (or never); the
// earliest is set, and a task woken by another's deadline waits again.
//
// Only one task at a time is in the system call's wait on a descriptor
// (Go's poller queues the others on the descriptor's lock, where no
// deadline reaches them). So when the deadline set has passed while
// others still wait, prepare waits for them to leave before it sets
// another: a task woken by their timeout that went straight back in,
// with no deadline, would keep them queued behind it for ever.
func (w *waitDeadlines) prepare(write bool, deadline time.Time) {
	w.kmu.Lock()
	defer w.kmu.Unlock()
	set, waiting := &w.rdl, &w.rwaiting
	if write {
		set, waiting = &w.wdl, &w.wwaiting
	}
	for w.kicks > 0 || *waiting > 0 && !set.IsZero() && !time.Now().Before(*set) {
		w.kdone.Wait()
	}
	*waiting++
	if *waiting > 1 && !set.IsZero() && (deadline.IsZero() || set.Before(deadline)) && time.Now().Before(*set) {
		return // another task's, earlier, still to come
	}
	if !set.Equal(deadline) {
		if write {
			w.dl.SetWriteDeadline(deadline)
		} else {
			w.dl.SetReadDeadline(deadline)
		}
		*set = deadline
	}
}

// end ends a wait begun with prepare.
func (w *waitDeadlines) end(write bool) {
	w.kmu.Lock()
	if write {
		w.wwaiting--
	} else {
		w.rwaiting--
	}
	w.kdone.Broadcast() // a prepare may wait for this one to leave
	w.kmu.Unlock()
}

var pastDeadline = time.Unix(1, 0)

// kick interrupts the waits of one direction (a task's interrupt).
func (w *waitDeadlines) kick(write bool) {
	w.kmu.Lock()
	defer w.kmu.Unlock()
	w.kicks++
	if w.dl == nil {
		return
	}
	if write {
		w.dl.SetWriteDeadline(pastDeadline)
		w.wdl = pastDeadline
	} else {
		w.dl.SetReadDeadline(pastDeadline)
		w.rdl = pastDeadline
	}
}

// unkick ends an interrupt begun with kick.
func (w *waitDeadlines) unkick() {
	w.kmu.Lock()
	defer w.kmu.Unlock()
	if w.kicks--; w.kicks == 0 {
		w.kdone.Broadcast()
	}
}

// waitBegin begins a task's wait for its system call on s in one
// direction: that direction's deadline set, the runtime lock released.
// It reports false, with nothing to end, if the task is already
// cancelled. The call is made by the backend, in its own frame: a helper
// around it would deepen every idle task's stack.
func (w *waitDeadlines) waitBegin(t *task, s *Socket, write bool, deadline time.Time) bool {
	w.prepare(write, deadline)
	if !t.waitOn(s, write) {
		w.end(write)
		return false
	}
	s.rt.release(t)
	if t.parksOnSocket() {
		t.group.park()
	}
	return true
}

// waitEnd ends a wait begun with waitBegin, after the call (which took
// t.io's data) returned err, and takes the runtime lock again. cancelled
// reports that the task's cancellation ends the wait: the error is then
// what to return (the cancellation, or nil if the call finished before
// it). Otherwise it is err, for the backend to judge (a deadline may be
// another task's interrupt).
func (w *waitDeadlines) waitEnd(t *task, s *Socket, write bool, err error) (cancelled bool, _ error) {
	w.end(write)
	// Before the lock is taken again: a task holding it may be waiting in
	// prepare for this interrupt to be over.
	if t.doneWaiting() {
		w.unkick()
	}
	if t.parksOnSocket() {
		t.group.unpark() // before the lock: a task queued for it is busy
	}
	s.rt.acquire(t)
	if t.ctx.Err() != nil {
		if err != nil {
			return true, t.ctx.Err()
		}
		return true, nil // the call finished before the interrupt
	}
	return false, err
}
