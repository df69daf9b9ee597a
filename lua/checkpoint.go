package lua

import "sync/atomic"

// Checkpoints: a host on another goroutine asks the thread that runs Lua
// code now to call the host back, on its own goroutine, between two
// instructions. A watchdog that sees a task hold the runtime for long
// learns so where it is (its frames are the running goroutine's to read,
// nobody else's). The call comes at the next backward jump — every loop
// has one, whatever kind (while, repeat, numeric and generic for, goto)
// — so the VM's loop over instructions checks nothing more; a jump back
// checks one atomic flag.

type checkpoint struct {
	requested atomic.Bool
	fn        func(L *LState)
	loopLine  int // while fn runs: the line where the loop begins
}

// SetCheckpoint installs fn, which the threads of ls's state call at a
// checkpoint (RequestCheckpoint), with the thread that runs. Call it
// before any Lua code runs; nil removes it.
func (ls *LState) SetCheckpoint(fn func(L *LState)) {
	ls.G.checkpoint.fn = fn
}

// RequestCheckpoint asks whichever thread of ls's state runs Lua code to
// call the checkpoint function once, when one of its loops next goes
// round. It is safe to call from any goroutine. A request made while no
// Lua code runs is served by the next loop that runs.
func (ls *LState) RequestCheckpoint() {
	ls.G.checkpoint.requested.Store(true)
}

// LoopLine is, inside the checkpoint function, the line where the loop
// that serves the checkpoint begins, in the function L.Caller() names:
// a for's line, a while's condition (its body's first line for while
// true), a repeat's first line; 0 outside the checkpoint function.
func (ls *LState) LoopLine() int { return ls.G.checkpoint.loopLine }

// runCheckpoint serves a request at a loop's jump back; pc is the
// instruction whose line is where the loop begins.
func (ls *LState) runCheckpoint(pc int) {
	if !ls.G.checkpoint.requested.CompareAndSwap(true, false) {
		return
	}
	fn := ls.G.checkpoint.fn
	if fn == nil {
		return
	}
	if p := ls.currentFrame.Fn.Proto; pc >= 0 && pc < len(p.DbgSourcePositions) {
		ls.G.checkpoint.loopLine = p.DbgSourcePositions[pc]
	}
	fn(ls)
	ls.G.checkpoint.loopLine = 0
}
