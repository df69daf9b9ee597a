package luatest

import (
	"os"
	"testing"

	"github.com/sockplay/sockplay/scripts"
)

// The test binary is also the program of the isolated tests' children.
func TestMain(m *testing.M) {
	ServeChild(scripts.FS)
	os.Exit(m.Run())
}
