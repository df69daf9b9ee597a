// Package tty asks the operating system about terminals, the way each
// system has: termios ioctls on Linux and macOS (each with its own
// request numbers), console modes on Windows. The command line and the
// REPL use it; liner does its own line editing.
package tty

import "os"

// IsTerminal reports whether f is a terminal (a console on Windows).
func IsTerminal(f *os.File) bool { return isTerminal(f.Fd()) }
