package luabind

import (
	"context"
	"regexp"
	"runtime/metrics"
	"strconv"
	"sync"
	"time"
)

// The sandbox's limits over a run: its wall-clock time and the growth
// of the heap. (The size of strings and chunks is the VM's to bound:
// sandboxLuaOptions.)

// sandboxRun starts the sandbox's watch over a run: when the wall-clock
// limit passes or the heap grows beyond the cap, it records why and calls
// cancel. The returned function stops the watch. No sandbox: nothing.
func (rt *Runtime) sandboxRun(cancel context.CancelFunc) func() {
	sb := rt.sandbox
	if sb == nil {
		return func() {}
	}
	sb.hit.Store(nil)
	sb.cancel.Store(&cancel)
	stopWith := sb.stop
	var timer *time.Timer
	if d := sb.cfg.Timeout; d > 0 {
		timer = time.AfterFunc(d, func() {
			stopWith("sandbox: time limit: " + sb.lang.Sprintf("the run took longer than %v (an endless loop? waiting for something that never comes?)", d))
		})
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	if max := sb.cfg.MaxMemory; max > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			heap := func() int64 {
				metrics.Read(sample)
				if sample[0].Value.Kind() != metrics.KindUint64 {
					return 0
				}
				return int64(sample[0].Value.Uint64())
			}
			base := heap()
			tick := time.NewTicker(sandboxMemorySampleTime)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
				}
				// No GC first to tell garbage from live memory: on a heap of
				// gigabytes it takes longer than the script needs to double
				// it again. Garbage stays near the live heap's size (GOGC),
				// far below the cap, unless a run really holds that much.
				if heap()-base > max {
					stopWith("sandbox: memory limit: " + sb.lang.Sprintf("the run used more than %s MiB", strconv.FormatInt(max>>20, 10)))
					return
				}
			}
		}()
	}
	return func() {
		sb.cancel.Store(nil)
		if timer != nil {
			timer.Stop()
		}
		close(done)
		wg.Wait()
	}
}

// sandboxHit reports whether the sandbox stopped the current run.
func (rt *Runtime) sandboxHit() bool {
	return rt.sandbox != nil && rt.sandbox.hit.Load() != nil
}

var wherePrefix = regexp.MustCompile(`^(\S.*?:\d+:) `)

// sandboxStopError is the run's error when the sandbox stopped it: why, with
// the line the main task was at, if it was still running. Called with the
// runtime lock held.
func (rt *Runtime) sandboxStopError(mainErr error) *Error {
	e := &Error{Kind: RuntimeError, Msg: *rt.sandbox.hit.Load()}
	if mainErr != nil {
		if m := wherePrefix.FindStringSubmatch(rt.describe(mainErr).Msg); m != nil {
			e.Msg = m[1] + " " + e.Msg
		}
	}
	return e
}
