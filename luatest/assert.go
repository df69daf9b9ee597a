package luatest

import "fmt"

// A test's assert module is package luaassert's, the one the project's
// own Lua tests use; a test run is its Reporter: a failed check is one of
// the test's failures, assert.log and assert.skip lines of its output.

// Errorf records a failure of the test.
func (tr *testRun) Errorf(format string, args ...any) {
	tr.fail(fmt.Sprintf(format, args...))
}

// Logf adds a line to the test's output.
func (tr *testRun) Logf(format string, args ...any) {
	tr.logf(format+"\n", args...)
}
