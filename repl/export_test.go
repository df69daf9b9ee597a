package repl

import "time"

// SetTaskWait sets taskWait, for the sockplay command the pseudo-terminal
// tests run (repl_test's TestMain).
func SetTaskWait(d time.Duration) { taskWait = d }
