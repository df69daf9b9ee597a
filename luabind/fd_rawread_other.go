//go:build !unix

package luabind

import (
	"net"
	"syscall"
)

// Elsewhere than on Unix systems (Windows: sockets are read through
// overlapped I/O, not with read(2)), a stream is read with net.Conn.Read,
// which holds its buffer while it waits.
func rawReads(c net.Conn) syscall.RawConn { return nil }

func bindPortRead(o *ioOp) {}
