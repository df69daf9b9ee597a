package luabind

import (
	"fmt"
	"syscall"
)

// hintFor returns a one-line hint for the mistakes beginners make most, or
// "". Keyed by errno and class, never by message text; for AF_UNIX, whose
// addresses are socket files, not ports, by errno and family.
func hintFor(e *Error) string {
	if e.Family == syscall.AF_UNIX {
		switch syscall.Errno(e.Errno) {
		case syscall.EADDRINUSE:
			return "the socket file already exists: remove it with os.remove(path) before bind, or pick another path"
		case syscall.ECONNREFUSED:
			return "nothing listens on that socket file: start the server first (the file a stopped server left behind accepts no connections)"
		case syscall.EACCES:
			return "no permission for that socket file or its directory: use a path in a directory you may write to, such as /tmp"
		}
	}
	switch syscall.Errno(e.Errno) {
	case syscall.ECONNREFUSED:
		return "nothing listens at that address: start the server first, and check the host and port"
	case syscall.EADDRINUSE:
		return "another program (or an earlier run) holds that port: pick another port, stop it, or set SO_REUSEADDR before bind"
	case syscall.EACCES:
		return "ports below 1024 need root: use a port from 1024 up"
	case syscall.EADDRNOTAVAIL:
		return "that address does not belong to this machine: bind to 127.0.0.1 or \"\""
	case syscall.ECONNRESET:
		return "the peer closed the connection abruptly; check recv's \"\" (orderly close) and catch ConnectionResetError"
	case syscall.EPIPE:
		return "the peer has closed the connection: stop sending when recv returns \"\""
	case syscall.EBADF:
		return "the socket was used after close()"
	case syscall.ENOTCONN:
		return "the socket is not connected: connect() it first, or recv on the socket that accept() returned, not on the listening one"
	case syscall.ENOENT:
		return "no such socket file: start the server first, and check the path"
	case syscall.EISCONN:
		return "the socket is already connected: make a new socket for a new connection"
	case syscall.EINVAL:
		return "the socket is in the wrong state for this call (e.g. listen before bind, or bind twice)"
	case syscall.EAGAIN:
		return "the socket is non-blocking (timeout 0) and nothing was ready: wait with select, or use a timeout"
	case syscall.EMFILE, syscall.ENFILE:
		return "out of file descriptors (see ulimit -n): close sockets you are done with; a server can catch this error in its accept loop and go on serving"
	}
	switch e.Class {
	case "TimeoutError":
		return "nothing arrived within the socket's timeout (settimeout); is the other side running?"
	case "gaierror":
		return "the host name could not be resolved: check the spelling, or use an IP address such as 127.0.0.1"
	}
	return ""
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
