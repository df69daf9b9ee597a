//go:build !linux

package luabind

// Elsewhere than on Linux, sockets are Go's net package's.
func newBackend() backend { return newPortBackend() }

// initIO binds the portable backend's read callback, where there is one
// (fd_rawread_*.go).
func (t *task) initIO() { bindPortRead(&t.io) }

// readKernel: there is no kernel socket to ask on the portable backend
// (snapshot_portable.go).
func (s *Socket) readKernel(ss *SocketState, p *portSnap) { s.readPortable(ss, p) }
