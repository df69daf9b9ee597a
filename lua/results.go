package lua

// ResultsWanted is, inside a Go function the VM called, how many of its
// results the caller keeps: 0 for a call made as a statement (`f()`), n
// for `local a, b = f()` (n = 2), MultRet when it keeps them all (a call
// that is the last of an argument list or table constructor, `return
// f()` from a function whose own results are all kept, `pcall(f)`). A
// tail call passes on what its caller's caller keeps. A Go function whose
// results cost work to build (tables) can leave out those nobody keeps:
// the VM drops results past n and fills missing ones with nil, so the
// program cannot tell. Outside a Go function it is MultRet.
func (ls *LState) ResultsWanted() int {
	cf := ls.currentFrame
	if cf == nil || cf.Fn == nil || !cf.Fn.IsG {
		return MultRet
	}
	return cf.NRet
}
