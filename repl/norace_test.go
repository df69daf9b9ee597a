//go:build !race

package repl_test

// raceEnabled: the tests run under the race detector.
const raceEnabled = false
