package lualib_test

// Every testdata/*.lua runs in a fresh plain Lua state with this package's
// libraries and the assert module (internal/luaassert): the libraries
// need no sockplay runtime. Of the header options, serial, timeout and
// error apply; the others need a runtime (luabind/testdata).

import (
	"context"
	"testing"

	"github.com/sockplay/sockplay/internal/luaassert"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

func TestLua(t *testing.T) {
	luaassert.RunFiles(t, "testdata", func(t *testing.T, file string, opts luaassert.Options) {
		if opts.Sandbox || opts.Stdin != "" {
			t.Fatalf("%s: options sandbox and stdin need a sockplay runtime: put the file in luabind/testdata", file)
		}
		L := lua.NewState()
		defer L.Close()
		ctx, cancel := context.WithTimeout(context.Background(), opts.Limit())
		defer cancel()
		L.SetContext(ctx)
		lualib.OpenStrings(L)
		lualib.OpenOSDate(L)
		lualib.OpenEncoding(L)
		lualib.OpenRepr(L)
		L.PreloadModule("assert", luaassert.Loader(t))
		if err := L.DoString(`assert = require("assert")`); err != nil {
			t.Fatal(err)
		}
		msg := ""
		if err := L.DoFile(file); err != nil {
			msg = err.Error()
		}
		if ctx.Err() != nil {
			t.Errorf("%s did not finish within %v (a hang?)", file, opts.Limit())
		}
		opts.CheckEnd(t, msg)
	})
}
