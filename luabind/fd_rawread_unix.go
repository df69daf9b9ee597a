//go:build unix

package luabind

import (
	"io"
	"net"
	"sync/atomic"
	"syscall"
)

// The portable backend's stream reads on Unix systems: made in the read
// callback of the connection's RawConn, which Go's poller calls when the
// socket may be readable, so the 64 KiB read buffer is taken only then.
// net.Conn.Read would hold it for as long as the read waits: an idle
// connection would pin one (docs/PERFORMANCE.md, "The portable backend").

// noRawReads makes the connections made from now on read with
// net.Conn.Read, as on Windows: a test runs that path here.
var noRawReads atomic.Bool

// rawReads is c's RawConn, for reads in its callback; nil for a
// connection that has none.
func rawReads(c net.Conn) syscall.RawConn {
	if noRawReads.Load() {
		return nil
	}
	return rawConnOf(c)
}

// portRead makes o's read on descriptor fd once; false means it would
// block, and the poller calls it again when the socket is readable. The
// end of the stream is io.EOF, as net.Conn.Read says it.
func (o *ioOp) portRead(fd uintptr) bool {
	for {
		buf := o.buf
		if buf == nil {
			if o.pooled == nil {
				if o.pooled = getReadBuf(); o.pooled == nil {
					o.err = errNoReadBuffer // the caller allocates one: see readbuf.go
					return true
				}
			}
			buf = (*o.pooled)[:o.size]
		}
		o.n, o.err = syscall.Read(int(fd), buf)
		switch {
		case o.err == syscall.EINTR:
			continue
		case o.err == syscall.EAGAIN:
			o.n = 0
			o.release() // not held while the poller waits
			return false
		case o.err != nil:
			o.n = 0
		case o.n == 0 && len(buf) > 0:
			o.err = io.EOF
		}
		if o.err != nil {
			o.release()
		}
		return true
	}
}

// bindPortRead binds the read callback once per task.
func bindPortRead(o *ioOp) { o.readFn = o.portRead }
