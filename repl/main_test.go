package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/sockplay/sockplay/luabind"
)

// The test binary doubles as a small sockplay CLI when this variable is
// set: the pseudo-terminal tests run it in a child process, on a terminal,
// the way main.go runs the REPL.
const asChild = "SOCKPLAY_REPL_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(asChild) == "1" {
		os.Exit(childREPL())
	}
	os.Exit(m.Run())
}

// childREPL is main.go's REPL entry point, minus the flags: the bundled
// scripts come from ../scripts.
func childREPL() int {
	rt := luabind.New(luabind.Options{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Scripts: os.DirFS("../scripts")})
	err := Run(context.Background(), rt, Options{
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Banner:      "sockplay test REPL",
		HistoryFile: HistoryFile(),
		ScriptNames: []string{"tcp/echo_server", "tcp/echo_client", "udp/server"},
		Init:        os.Getenv("SOCKPLAY_REPL_TEST_INIT"),
	})
	var e *luabind.Error
	switch {
	case errors.Is(err, ErrStuck):
		return 130
	case errors.As(err, &e) && e.Kind == luabind.Exit:
		rt.Close()
		return e.Code
	case err != nil:
		fmt.Fprintln(os.Stderr, "repl:", err)
		rt.Close()
		return 1
	}
	rt.Close()
	return 0
}
