// Package tty asks the operating system about terminals, the way each
// system has: termios ioctls on Linux and macOS (each with its own
// request numbers), console modes on Windows. The command line and the
// REPL use it; liner does its own line editing.
package tty

import "os"

// IsTerminal reports whether f is a terminal (a console on Windows).
func IsTerminal(f *os.File) bool { return isTerminal(f.Fd()) }

// Mode is a terminal's saved mode: a program that lends its terminal to
// another (a child process) sets it back with Restore, whatever the other
// left it in (a line editor's raw mode, if it was killed).
type Mode struct{ restore func() }

// SaveMode saves f's mode; nil if f is no terminal.
func SaveMode(f *os.File) *Mode {
	if r := saveMode(f.Fd()); r != nil {
		return &Mode{r}
	}
	return nil
}

// Restore sets the terminal's mode back to what SaveMode saw.
func (m *Mode) Restore() {
	if m != nil {
		m.restore()
	}
}
