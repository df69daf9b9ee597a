package luabind

import (
	"fmt"
	"syscall"
)

// The hints for the mistakes beginners make most, keyed by errno and
// class, never by message text. AF_UNIX addresses are socket files, not
// ports: their errors have hints of their own.
var (
	unixHints = map[syscall.Errno]string{
		syscall.EADDRINUSE:   "the socket file already exists: remove it with os.remove(path) before bind, or pick another path",
		syscall.ECONNREFUSED: "nothing listens on that socket file: start the server first (the file a stopped server left behind accepts no connections)",
		syscall.EACCES:       "no permission for that socket file or its directory: use a path in a directory you may write to, such as /tmp",
	}
	errnoHints = map[syscall.Errno]string{
		syscall.ECONNREFUSED:  "nothing listens at that address: start the server first, and check the host and port",
		syscall.EADDRINUSE:    "another program (or an earlier run) holds that port: pick another port, stop it, or set SO_REUSEADDR before bind",
		syscall.EACCES:        "ports below 1024 need root: use a port from 1024 up",
		syscall.EADDRNOTAVAIL: "that address does not belong to this machine: bind to 127.0.0.1 or \"\"",
		syscall.ECONNRESET:    "the peer closed the connection abruptly; check recv's \"\" (orderly close) and catch ConnectionResetError",
		syscall.EPIPE:         "the peer has closed the connection: stop sending when recv returns \"\"",
		syscall.EBADF:         "the socket was used after close()",
		syscall.ENOTCONN:      "the socket is not connected: connect() it first, or recv on the socket that accept() returned, not on the listening one",
		syscall.ENOENT:        "no such socket file: start the server first, and check the path",
		syscall.EISCONN:       "the socket is already connected: make a new socket for a new connection",
		syscall.EINVAL:        "the socket is in the wrong state for this call (e.g. listen before bind, or bind twice)",
		syscall.EAGAIN:        "the socket is non-blocking (timeout 0) and nothing was ready: wait with select, or use a timeout",
		syscall.EMFILE:        "out of file descriptors (see ulimit -n): close sockets you are done with; a server can catch this error in its accept loop and go on serving",
		syscall.ENFILE:        "out of file descriptors (see ulimit -n): close sockets you are done with; a server can catch this error in its accept loop and go on serving",
	}
	classHints = map[string]string{
		"TimeoutError": "nothing arrived within the socket's timeout (settimeout); is the other side running?",
		"gaierror":     "the host name could not be resolved: check the spelling, or use an IP address such as 127.0.0.1",
	}
)

// hintFor returns the one-line hint for e, or "".
func hintFor(e *Error) string {
	errno := syscall.Errno(e.Errno)
	if h, ok := unixHints[errno]; ok && e.Family == syscall.AF_UNIX {
		return h
	}
	if h, ok := errnoHints[errno]; ok {
		return h
	}
	return classHints[e.Class]
}

// taskErrorReport is what the runtime prints to stderr when an error ends
// a spawned task that nobody joined: "error in task N: ", the message, and
// the hint line, as the runner prints an uncaught error of the main chunk.
func taskErrorReport(id int, e *Error) string {
	s := fmt.Sprintf("error in task %d: %s\n", id, e.Msg)
	if e.Hint != "" {
		s += "hint: " + e.Hint + "\n"
	}
	return s
}
