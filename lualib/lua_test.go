package lualib_test

// Every testdata/*.lua runs in a fresh plain Lua state with this package's
// libraries and the assert module (internal/luaassert): the libraries
// need no sockplay runtime.

import (
	"testing"

	"github.com/sockplay/sockplay/internal/luaassert"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

func TestLua(t *testing.T) {
	luaassert.RunFiles(t, "testdata", func(t *testing.T, file string) {
		L := lua.NewState()
		defer L.Close()
		lualib.OpenStrings(L)
		lualib.OpenOSDate(L)
		lualib.OpenEncoding(L)
		lualib.OpenRepr(L)
		L.PreloadModule("assert", luaassert.Loader(t))
		if err := L.DoString(`assert = require("assert")`); err != nil {
			t.Fatal(err)
		}
		if err := L.DoFile(file); err != nil {
			t.Errorf("uncaught: %v", err)
		}
	})
}
