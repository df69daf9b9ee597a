package tty

import "golang.org/x/sys/unix"

// The BSDs name the termios requests after the ioctls of old.
const (
	ioctlGetTermios = unix.TIOCGETA
	ioctlSetTermios = unix.TIOCSETA
)
