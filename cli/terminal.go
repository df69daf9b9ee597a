package cli

import (
	"io"
	"os"

	"github.com/sockplay/sockplay/internal/tty"
)

// isTerminal reports whether v is a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	if !ok {
		return false
	}
	return tty.IsTerminal(f)
}

// colorTerminal reports whether w is a terminal that may get colours
// (NO_COLOR, https://no-color.org, turns them off).
func colorTerminal(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && isTerminal(w)
}
