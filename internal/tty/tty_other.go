//go:build !linux && !darwin && !windows

package tty

// Elsewhere no terminal is recognised: the REPL reads lines plainly.

func isTerminal(uintptr) bool { return false }

func SetKeySignals(bool) {}

func Resized() {}

func saveMode(uintptr) func() { return nil }
