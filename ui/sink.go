package ui

import (
	"sync"
	"sync/atomic"

	"github.com/sockplay/sockplay/luabind"
)

// firstData is how many data events a view records before it records
// them only while a page watches: the first exchanges of a run are there
// for a page opened late, and a busy server without a page pays only the
// count of its bytes (luabind.TraceSink.WantsData).
const firstData = 1000

// sinkMax bounds the events waiting for the view to take them: beyond
// it, events are dropped and counted, so a view that falls behind never
// slows the run nor grows its memory. (The view takes them every
// tickEvery while a page watches, else when it is half full; a run that
// makes more events than this meanwhile is shown with the count of what
// was left out.)
const sinkMax = 16384

// sink is the runtime's end of the view (luabind.TraceSink): TraceEvent
// appends to a bounded buffer, with the runtime lock held, and returns;
// the view takes the buffer from its own goroutine. The buffers are
// swapped, not reallocated.
type sink struct {
	rt      atomic.Pointer[luabind.Runtime]
	watched atomic.Bool  // a page watches the view (setWatched)
	data    atomic.Int64 // data events taken
	// wake tells the goroutine that takes the events to take them now:
	// while no page watches it sleeps, until the buffer is half full or
	// a page comes (cap 1).
	wake chan struct{}

	mu      sync.Mutex
	buf     []*luabind.LiveEvent
	spare   []*luabind.LiveEvent
	max     int
	dropped int64 // since the last take
}

func newSink(max int) *sink {
	// Made to their full size at once: TraceEvent runs on a task's stack,
	// and growing a slice there would take it deep into the allocator.
	return &sink{max: max, buf: make([]*luabind.LiveEvent, 0, max), spare: make([]*luabind.LiveEvent, 0, max),
		wake: make(chan struct{}, 1)}
}

// poke wakes the goroutine that takes the events, if it sleeps.
func (s *sink) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// setWatched records whether a page watches, tells the runtime that
// WantsData may have changed, and wakes the goroutine that takes the
// events.
func (s *sink) setWatched(on bool) {
	s.watched.Store(on)
	if rt := s.rt.Load(); rt != nil {
		rt.TraceSinkChanged()
	}
	s.poke()
}

// Attach is luabind.TraceSink's: the runtime to take snapshots of.
func (s *sink) Attach(rt *luabind.Runtime) { s.rt.Store(rt) }

// WantsData is luabind.TraceSink's: it changes when a page comes or goes
// (setWatched) and with the firstData-th data event (TraceEvent), which
// tell the runtime.
func (s *sink) WantsData() bool { return s.watched.Load() || s.data.Load() < firstData }

// TraceEvent is luabind.TraceSink's: it never waits.
func (s *sink) TraceEvent(ev *luabind.LiveEvent) {
	if ev.Event.Bytes != nil && s.data.Add(1) == firstData {
		if rt := s.rt.Load(); rt != nil {
			rt.TraceSinkChanged()
		}
	}
	s.mu.Lock()
	if len(s.buf) < s.max {
		s.buf = append(s.buf, ev)
		if len(s.buf) == s.max/2 {
			s.poke()
		}
	} else {
		s.dropped++
	}
	s.mu.Unlock()
}

// take returns the events since the last take (valid until the next
// take) and how many were dropped meanwhile.
func (s *sink) take() ([]*luabind.LiveEvent, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	evs, d := s.buf, s.dropped
	clear(s.spare)
	s.buf, s.spare, s.dropped = s.spare[:0], evs, 0
	return evs, d
}

// reuse gives the runtime back events taken from the sink that nobody
// holds any more (luabind.Runtime.ReuseLive), so that its next events
// need no allocation.
func (s *sink) reuse(evs []*luabind.LiveEvent) {
	if rt := s.rt.Load(); rt != nil {
		rt.ReuseLive(evs)
	}
}

// snapshot is the runtime's snapshot, nil before the runtime exists.
func (s *sink) snapshot() *luabind.Snapshot {
	if rt := s.rt.Load(); rt != nil {
		return rt.Snapshot()
	}
	return nil
}
