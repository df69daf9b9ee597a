package lualib_test

// Every testdata/*.lua runs in a fresh plain Lua state with this package's
// libraries and the assert module (internal/luaassert): the libraries
// need no sockplay runtime.

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/luaassert"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

func TestLua(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.lua files")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			t.Parallel()
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
}
