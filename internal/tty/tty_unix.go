//go:build linux || darwin

package tty

import (
	"os"

	"golang.org/x/sys/unix"
)

func isTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), ioctlGetTermios)
	return err == nil
}

// SetKeySignals makes the terminal on standard input turn Ctrl-C into
// SIGINT (on) or pass it as a key (off): termios's ISIG.
func SetKeySignals(on bool) {
	mode, err := unix.IoctlGetTermios(0, ioctlGetTermios)
	if err != nil {
		return
	}
	if on {
		mode.Lflag |= unix.ISIG
	} else {
		mode.Lflag &^= unix.ISIG
	}
	unix.IoctlSetTermios(0, ioctlSetTermios, mode)
}

// Resized tells the line editor the terminal changed size, as the
// terminal itself does: SIGWINCH to this process.
func Resized() {
	unix.Kill(os.Getpid(), unix.SIGWINCH)
}

func saveMode(fd uintptr) func() {
	mode, err := unix.IoctlGetTermios(int(fd), ioctlGetTermios)
	if err != nil {
		return nil
	}
	return func() { unix.IoctlSetTermios(int(fd), ioctlSetTermios, mode) }
}
