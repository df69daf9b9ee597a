package luabind

import (
	"context"
	"fmt"
	"regexp"
	"runtime/metrics"
	"sync"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/pm"
)

// The sandbox's limits: the size of the strings string.rep,
// string.format, string.gsub and table.concat build, a run's wall-clock
// time, and the growth of the heap during a run.

// tooLong raises if a string of n bytes would pass the cap.
func (sb *sandboxState) tooLong(L *lua.LState, fname string, n float64) {
	if max := sb.cfg.MaxString; max > 0 && n > float64(max) {
		L.RaiseError("sandbox: %s would build a string of %.0f bytes (at most %d)", fname, n, max)
	}
}

func (sb *sandboxState) checkRep(L *lua.LState) {
	s := L.CheckString(1)
	n := float64(L.CheckNumber(2))
	if n > 0 {
		sb.tooLong(L, "string.rep", float64(len(s))*n)
	}
}

var formatSpec = regexp.MustCompile(`%[-+ #0]*([0-9]*)(?:\.([0-9]*))?([a-zA-Z%])`)

// checkFormat refuses widths and precisions of more than two digits, as
// C Lua does (Go's fmt would pad to any width), and results beyond the cap.
func (sb *sandboxState) checkFormat(L *lua.LState) {
	f := L.CheckString(1)
	size := float64(len(f))
	arg := 2
	for _, m := range formatSpec.FindAllStringSubmatch(f, -1) {
		if len(m[1]) > 2 || len(m[2]) > 2 {
			L.RaiseError("invalid format (width or precision too long)")
		}
		if m[3] == "%" {
			continue
		}
		size += 100
		if s, ok := L.Get(arg).(lua.LString); ok {
			size += float64(len(s)) * 2 // %q may escape every byte
		}
		arg++
	}
	sb.tooLong(L, "string.format", size)
}

// checkGsub bounds what string.gsub builds: its result's size, and its
// cost (gopher-lua copies the whole string for every replacement).
func (sb *sandboxState) checkGsub(L *lua.LState) {
	s := L.CheckString(1)
	pat := L.CheckString(2)
	limit := L.OptInt(4, -1)
	matches, err := pm.Find(pat, []byte(s), 0, limit)
	if err != nil || len(matches) == 0 {
		return // the original reports the error, or returns s
	}
	if float64(len(matches))*float64(len(s)) > 1<<33 {
		L.RaiseError("sandbox: string.gsub with %d replacements in %d bytes is too slow for the sandbox", len(matches), len(s))
	}
	size := float64(len(s))
	switch repl := L.Get(3).(type) {
	case lua.LString:
		literal, refs := gsubTemplate(string(repl))
		for _, m := range matches {
			size += literal
			for _, idx := range refs {
				switch {
				case idx >= m.CaptureLength():
					size += float64(m.Capture(1) - m.Capture(0))
				case m.IsPosCapture(idx):
					size += 20
				default:
					size += float64(m.Capture(idx+1) - m.Capture(idx))
				}
			}
		}
	case *lua.LTable:
		if L.GetMetatable(repl) != lua.LNil {
			return // lookups run Lua code: the memory watchdog watches
		}
		for _, m := range matches {
			idx := 0
			if m.CaptureLength() > 2 {
				idx = 2
			}
			var v lua.LValue
			if m.IsPosCapture(idx) {
				v = repl.RawGet(lua.LNumber(m.Capture(idx)))
			} else {
				v = repl.RawGet(lua.LString(s[m.Capture(idx):m.Capture(idx+1)]))
			}
			size += float64(len(lua.LVAsString(v)))
		}
	default:
		return // a function runs Lua code: the memory watchdog watches
	}
	sb.tooLong(L, "string.gsub", size)
}

// gsubTemplate splits a gsub replacement string into its literal length
// and the capture references (%0-%9) it expands, as capture indexes of
// pm.MatchData (2*n; %0 is the whole match).
func gsubTemplate(repl string) (literal float64, refs []int) {
	for i := 0; i < len(repl); i++ {
		if repl[i] != '%' || i+1 == len(repl) {
			literal++
			continue
		}
		i++
		if c := repl[i]; c >= '0' && c <= '9' {
			refs = append(refs, 2*int(c-'0'))
		} else {
			literal += 2
		}
	}
	return literal, refs
}

func (sb *sandboxState) checkConcat(L *lua.LState) {
	t := L.CheckTable(1)
	sep := float64(len(L.OptString(2, "")))
	i := L.OptInt(3, 1)
	j := L.OptInt(4, t.Len())
	if i < 1 {
		i = 1
	}
	if j > t.Len() {
		j = t.Len()
	}
	size := 0.0
	for k := i; k <= j; k++ {
		size += float64(len(lua.LVAsString(t.RawGetInt(k)))) + sep
	}
	sb.tooLong(L, "table.concat", size)
}

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
			stopWith(fmt.Sprintf("sandbox: time limit: the run took longer than %v (an endless loop? waiting for something that never comes?)", d))
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
					stopWith(fmt.Sprintf("sandbox: memory limit: the run used more than %d MiB", max>>20))
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
