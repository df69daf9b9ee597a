package lua

import (
	"fmt"
	"math"
)

// Defaults of the limits in Options. C Lua gets its bounds from the C
// stack (LUAI_MAXCCALLS) and from malloc failing; gopher-lua had neither:
// one call could ask Go for terabytes (a fatal, unrecoverable "out of
// memory") or recurse until Go's fatal "stack overflow".
const (
	// DefaultMaxStringSize (1 GiB) is far beyond what a script means to
	// build and below what makes Go's allocator give up on a usual machine.
	DefaultMaxStringSize = 1 << 30
	// DefaultMaxSourceSize (64 MiB): parsing costs a few hundred bytes
	// of memory per byte of source at worst.
	DefaultMaxSourceSize = 64 << 20
	// DefaultMaxSyntaxDepth and DefaultMaxCoroutineDepth are C Lua's
	// LUAI_MAXCCALLS.
	DefaultMaxSyntaxDepth    = 200
	DefaultMaxCoroutineDepth = 200
)

func (o *Options) maxStringSize() int {
	if o.MaxStringSize > 0 {
		return o.MaxStringSize
	}
	return DefaultMaxStringSize
}

func (o *Options) maxSourceSize() int {
	if o.MaxSourceSize > 0 {
		return o.MaxSourceSize
	}
	return DefaultMaxSourceSize
}

func (o *Options) maxSyntaxDepth() int {
	if o.MaxSyntaxDepth > 0 {
		return o.MaxSyntaxDepth
	}
	return DefaultMaxSyntaxDepth
}

func (o *Options) maxCoroutineDepth() int {
	if o.MaxCoroutineDepth > 0 {
		return o.MaxCoroutineDepth
	}
	return DefaultMaxCoroutineDepth
}

// checkStringSize raises "resulting string too large" (Lua 5.3's words)
// when fname would build a string of size bytes, more than the limit.
// size is a float so that a product that overflows int still compares
// right.
func (ls *LState) checkStringSize(fname string, size float64) {
	if max := ls.Options.maxStringSize(); size > float64(max) || math.IsNaN(size) {
		ls.RaiseError("%s", stringTooLarge(fname, size, max))
	}
}

func stringTooLarge(fname string, size float64, max int) string {
	return fmt.Sprintf("%s: resulting string too large (%.0f bytes, the limit is %d)", fname, size, max)
}
