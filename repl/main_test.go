package repl_test

import (
	"os"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sockplay/sockplay/cli"
	"github.com/sockplay/sockplay/repl"
)

// taskWaitEnv, in the environment of the sockplay below, sets how long
// its REPL waits on a background task before the prompt (repl's
// taskWait): the pseudo-terminal tests set their own deadline.
const taskWaitEnv = "REPL_TEST_TASK_WAIT"

// The pseudo-terminal tests run the REPL in the real sockplay command, as
// a user starts it: testscript.Main puts a copy of this test binary named
// sockplay on the PATH, which runs the CLI (the mechanism the CLI's own
// tests use, in package main).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"sockplay": func() {
		if d, err := time.ParseDuration(os.Getenv(taskWaitEnv)); err == nil {
			repl.SetTaskWait(d)
		}
		cli.Main("test")
	}})
}
