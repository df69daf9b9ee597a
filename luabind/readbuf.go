package luabind

import (
	"errors"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Read buffers. recv(n) reads into a 64 KiB buffer and copies what came
// into a Lua string; the buffer is taken only for the read system call
// itself, never for the wait, so an idle connection holds none.
//
// The free buffers are the package's one piece of mutable state: every
// runtime of the process shares them, as it shares Go's allocator. A
// buffer holds nothing between two reads (a read exposes only what the
// kernel wrote into it), so no runtime sees another's bytes, and sharing
// bounds what a process keeps for reading to readBufSlots buffers, where
// a cache per runtime would keep up to that many per runtime (the idle
// benchmark showed its one buffer per runtime: +64 KiB each).
//
// The buffer is taken inside the callback that Go's poller runs on the
// task's goroutine, at the deepest point of an idle task's stack, and
// that is why this is not a sync.Pool: the first Get after each garbage
// collection allocates (the pool's per-P array, then the 64 KiB buffer),
// and those calls are deep enough to grow every server task's goroutine
// stack from 4 KiB to 8 KiB for the rest of its life — 4 KiB more per idle
// connection (BenchmarkIdleConnectionMemory, docs/PERFORMANCE.md). Here
// taking and returning a buffer are a few atomic operations, and buffers
// are allocated only at the top of recv (ensureReadBuf), where the stack
// is shallow. If another task took the last free buffer meanwhile, the
// callback reports errNoReadBuffer and Socket.wait allocates one: deeper,
// but rare.

const pooledBufSize = 64 * 1024

// readBufSlots bounds the buffers kept between reads. Reads overlap only
// while their system calls run (a few at a time on a few cores); a buffer
// returned when every slot is full is left to the collector.
const readBufSlots = 8

// readBufs are the free buffers; nil slots are empty.
var readBufs [readBufSlots]atomic.Pointer[[]byte]

// errNoReadBuffer: no free read buffer; the caller allocates one.
var errNoReadBuffer = errors.New("no free read buffer")

// getReadBuf takes a free buffer, or returns nil.
func getReadBuf() *[]byte {
	for i := range readBufs {
		if readBufs[i].Load() != nil {
			if b := readBufs[i].Swap(nil); b != nil {
				return b
			}
		}
	}
	return nil
}

// putReadBuf keeps b for the next read if a slot is free.
func putReadBuf(b *[]byte) {
	for i := range readBufs {
		if readBufs[i].Load() == nil && readBufs[i].CompareAndSwap(nil, b) {
			return
		}
	}
}

// ensureReadBuf makes sure a buffer is free, allocating one if none is.
// The slots share one cache line, so the check is cheap.
func ensureReadBuf() {
	for i := range readBufs {
		if readBufs[i].Load() != nil {
			return
		}
	}
	putReadBuf(newReadBuf())
}

// newReadBuf allocates a read buffer without clearing it: a full read
// turns the buffer into the Lua string (ioOp.takeData), so bulk echo
// allocates one per recv, and clearing 64 KiB each time costs it a tenth
// of its CPU (docs/PERFORMANCE.md). The stale bytes are never seen: a
// read exposes only what the kernel wrote.
// strings.Builder.Grow is the standard library's way to get such memory.
func newReadBuf() *[]byte {
	var sb strings.Builder
	sb.Grow(pooledBufSize)
	sb.WriteByte(0) // so that String() has a first byte to point at
	b := unsafe.Slice(unsafe.StringData(sb.String()), pooledBufSize)
	return &b
}
