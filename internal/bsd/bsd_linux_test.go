package bsd

import (
	"go/constant"
	"go/importer"
	"go/token"
	"go/types"
	"testing"
)

// On Linux the Lua API's numbers are the kernel's: the Linux backend
// passes them on as they are. Every constant of this package is compared
// with golang.org/x/sys/unix's of the same name, both read by the type
// checker from their source, so a constant added here is checked too.
func TestLinuxNumbers(t *testing.T) {
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	ours, err := imp.Import("github.com/sockplay/sockplay/internal/bsd")
	if err != nil {
		t.Fatal(err)
	}
	kernel, err := imp.Import("golang.org/x/sys/unix")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, name := range ours.Scope().Names() {
		c, ok := ours.Scope().Lookup(name).(*types.Const)
		if !ok {
			continue
		}
		k, ok := kernel.Scope().Lookup(name).(*types.Const)
		if !ok {
			t.Errorf("%s: no constant of that name in golang.org/x/sys/unix", name)
			continue
		}
		if !constant.Compare(c.Val(), token.EQL, k.Val()) {
			t.Errorf("%s: %s here, %s in the kernel", name, c.Val(), k.Val())
		}
		checked++
	}
	if checked < 60 {
		t.Errorf("only %d constants compared: the package's source was not read whole", checked)
	}
}
