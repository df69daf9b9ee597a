package luabind

// On Linux the raw descriptors are the default, and the portable backend
// is there for the tests (SOCKPLAY_BACKEND=portable).
func newBackend() backend {
	if portableForced() {
		return newPortBackend()
	}
	return linuxBackend{}
}

// initIO binds the task's system-call methods once (fd_io_linux.go).
func (t *task) initIO() {
	t.ioFn = t.io.attempt
	t.ctlFn = t.io.control
	t.io.readFn = t.io.portRead
}
