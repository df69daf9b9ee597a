//go:build !linux

package luabind

// Elsewhere than on Linux, sockets are Go's net package's.
func newBackend() backend { return newPortBackend() }

// initIO has nothing to bind: only the Linux backend makes system calls
// through the task's ioOp.
func (t *task) initIO() {}

// readKernel: there is no kernel socket to ask on the portable backend
// (snapshot_portable.go).
func (s *Socket) readKernel(ss *SocketState, p *portSnap) { s.readPortable(ss, p) }
