//go:build race

package child

// raceDetector: the race detector's shadow memory makes an address-space
// limit meaningless (and fatal), so a race build sets none.
const raceDetector = true
