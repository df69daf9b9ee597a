//go:build race

package luabind

// raceEnabled: the tests run under the race detector.
const raceEnabled = true
