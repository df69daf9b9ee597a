//go:build unix

package luabind

import (
	"testing"

	"github.com/sockplay/sockplay/internal/luaassert"
)

// The portable backend reads streams in a RawConn's read callback on Unix
// systems, and with net.Conn.Read elsewhere (Windows): the Lua tests of
// stream sockets run here on the second path too.
func TestPortableConnRead(t *testing.T) {
	if !portableBackend() {
		t.Skip("the portable backend's path; run with SOCKPLAY_BACKEND=portable")
	}
	noRawReads.Store(true)
	defer noRawReads.Store(false)
	for _, name := range []string{"tcp", "unix", "select", "makefile", "timeout", "backend"} {
		t.Run(name, func(t *testing.T) {
			file := "testdata/" + name + ".lua"
			opts, err := luaassert.ReadOptions(file)
			if err != nil {
				t.Fatal(err)
			}
			runLuaTest(t, file, opts)
		})
	}
}
