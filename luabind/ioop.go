package luabind

import (
	"net"
	"syscall"
	"unsafe"
)

// A task's system call: its arguments and results live in the task's
// ioOp, reused from call to call, so the recv and send paths allocate only
// the Lua string recv returns. The Linux backend makes the call itself
// (ioOp.attempt, fd_io_linux.go); both backends read into the shared read
// buffers (readbuf.go) through it.

type ioKind uint8

const (
	ioRead     ioKind = iota // read(2) into buf, or a shared read buffer of size
	ioRecvfrom               // recvfrom(2) with flags
	ioSend                   // write(2) of buf; sendmsg(2) with flags
	ioSendto                 // sendto(2) of buf to sa
	ioAccept                 // accept4(2)
	ioConnect                // connect(2) to sa, asked again until it is done
)

// ioOp is one system call's arguments and results.
type ioOp struct {
	kind   ioKind
	buf    []byte // data to send, or the caller's buffer to read into
	size   int    // read with buf nil: bytes wanted, into a shared read buffer
	flags  int
	sa     sockAddr
	pooled *[]byte // the shared read buffer, during the read
	data   string  // what a read into a shared buffer returned
	n      int
	nfd    int
	from   sockAddr
	err    error
	done   bool // result of the last control()

	// The portable backend's: the connection a stream's read or send
	// uses, or the system socket of another call (a net.PacketConn or
	// net.Listener); accept's connection.
	c    net.Conn
	obj  any
	nc   net.Conn
	late bool // the deadline had passed before the call was made
	// rc is c's RawConn where a stream read is made in its callback,
	// readFn (portRead, bound once per task), when the socket is
	// readable (fd_rawread_unix.go); nil elsewhere.
	rc     syscall.RawConn
	readFn func(uintptr) bool
}

// start prepares o for a new call. It assigns field by field: building an
// ioOp value would put a copy of it in the caller's stack frame, and the
// frames on the recv and send paths stay on an idle task's stack (see
// task.run). A call with an address sets o.sa afterwards; o.sa and
// o.from are not cleared here (clearing them would grow that frame), and
// are read only by the calls that set them.
func (o *ioOp) start(kind ioKind, buf []byte, size, flags int) {
	o.kind, o.buf, o.size, o.flags = kind, buf, size, flags
	o.c, o.rc = nil, nil
	o.pooled, o.data, o.n, o.nfd, o.err, o.done = nil, "", 0, 0, nil, false
}

// takeData copies what a read into a shared buffer returned into o.data
// and gives the buffer back. Socket.wait calls it before it takes the
// runtime lock again: the copy then overlaps other tasks' Lua code, and a
// buffer is held only for the system call and the copy, not while the
// task queues for the lock (with hundreds of busy tasks queued, as many
// buffers would be held, and the slots would run dry).
//
// A read that filled at least half the buffer is not copied: the buffer
// becomes the string (it is never written again: no slot holds it any
// more) and a new, uncleared buffer takes its place, which is cheaper than
// a 64 KiB copy (docs/PERFORMANCE.md). A smaller read is copied, so a
// short message does not pin 64 KiB.
func (o *ioOp) takeData() {
	if o.pooled == nil || o.err != nil {
		return
	}
	b := *o.pooled
	if o.n >= len(b)/2 {
		o.data = unsafe.String(&b[0], o.n)
		o.pooled = nil
		// A new buffer for the slot, allocated here because the lock is
		// not held yet (the next recv would find none and allocate with
		// it held). This deepens the stack of a task that reads this much;
		// an idle connection's small reads never come here.
		putReadBuf(newReadBuf())
		return
	}
	o.data = string(b[:o.n])
	o.release()
}

// needsBuffer reports whether the call stopped for want of a free read
// buffer (errNoReadBuffer), and if so gives it one, allocated here rather
// than in the callback: see readbuf.go.
func (o *ioOp) needsBuffer() bool {
	if o.err != errNoReadBuffer {
		return false
	}
	o.err, o.pooled = nil, newReadBuf()
	return true
}

// release returns the pooled read buffer, if any.
func (o *ioOp) release() {
	if o.pooled != nil {
		putReadBuf(o.pooled)
		o.pooled = nil
	}
}
