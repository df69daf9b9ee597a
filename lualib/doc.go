// Package lualib holds the Lua libraries of sockplay that need no
// runtime: byte-safe string functions, Lua 5.3's string.pack family and a
// string.format whose %q loads back (OpenStrings), C's strftime as os.date
// (OpenOSDate), text encodings (OpenEncoding), the repr, bytes_repr and
// hexdump globals (OpenRepr), Python-style error values (OpenErrors)
// and the core of LuaSocket's mime module (OpenMIMECore, for require).
// Any program on sockplay's Lua VM (github.com/sockplay/sockplay/lua) can
// open them in its own state:
//
//	L := lua.NewState()
//	lualib.OpenStrings(L)
//	lualib.OpenEncoding(L)
//
// Package luabind opens every one of them in its runtimes. Functions that
// raise errors raise them as the Lua functions around them do: an
// argument error names the function and the argument (ArgError), an
// error value has a class (NewError). The package holds no mutable state.
package lualib
