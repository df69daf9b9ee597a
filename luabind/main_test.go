package luabind

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The test binary is also the commands below (testscript's re-run by
// name, the mechanism the CLI's tests use to run sockplay): a test that
// must see a whole process from outside, its descriptors 1 and 2
// included, runs one of them as its child.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){outputCheckCmd: outputCheck})
}
