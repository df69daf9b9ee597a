//go:build race

package child

import "syscall"

// raceDetector: the race detector's shadow memory makes an address-space
// limit meaningless (and fatal), so a race build sets none.
const raceDetector = true

// exit ends a child without the race detector's exit: it would sleep a
// second first, and a Landlocked child cannot read GORACE to be told not
// to (the detector reads it from /proc). Races found are reported as they
// are found.
func exit(status int) { syscall.Exit(status) }
