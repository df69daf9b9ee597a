package luabind

import (
	"os"
	"testing"
)

// echoTrace is the trace of the benchmarks' echo server (runEcho): none,
// but a live sink in TestIdleTasksFit4KiBStacksWithLiveSink's child.
var echoTrace *TraceOptions

// liveStackEnv tells that child whether its sink wants data events.
const liveStackEnv = "SOCKPLAY_IDLE_STACK_LIVE"

// keepingSink keeps what it gets, as a live view does: in a buffer made
// beforehand, which TraceEvent does not grow (that would take it deep
// into the allocator, on the task's stack).
type keepingSink struct {
	wants  bool
	events []*LiveEvent
}

func (*keepingSink) Attach(*Runtime)   {}
func (s *keepingSink) WantsData() bool { return s.wants }

func (s *keepingSink) TraceEvent(ev *LiveEvent) {
	if len(s.events) < cap(s.events) {
		s.events = append(s.events, ev)
	}
}

// The live view (--ui) traces every socket call, and an idle server task
// must still fit in 4 KiB: what the trace does around a recv and a
// sendall must not go deeper than their waits, whether the sink wants the
// data events (a page is open) or only their counts.
func TestIdleTasksFit4KiBStacksWithLiveSink(t *testing.T) {
	if os.Getenv(stackCheckEnv) == "1" {
		echoTrace = &TraceOptions{Off: true, Live: &keepingSink{wants: os.Getenv(liveStackEnv) == "data", events: make([]*LiveEvent, 0, 1<<16)}}
		serveIdleConnections(t)
		return
	}
	for _, mode := range []string{"data", "counts"} {
		t.Run(mode, func(t *testing.T) {
			checkIdleStacks(t, "^TestIdleTasksFit4KiBStacksWithLiveSink$", liveStackEnv+"="+mode)
		})
	}
}
