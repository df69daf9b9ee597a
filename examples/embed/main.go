// Command embed shows how a Go program embeds sockplay's Lua runtime: it
// adds a Go module of its own ("host"), then runs a Lua script that uses it
// together with the socket module — here a tiny checksum service on
// loopback, served and queried by the same script.
//
//	go run ./examples/embed
package main

import (
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"

	lua "github.com/sockplay/sockplay/lua"

	"github.com/sockplay/sockplay/luabind"
)

// script serves CRC-32 checksums computed by the Go function host.crc32
// and asks itself for two of them.
const script = `
local srv = socket.create_server({"127.0.0.1", 0})
local addr = srv:getsockname()
print("checksum server on " .. addr.host .. ":" .. addr.port .. " (host " .. host.name .. ")")

local server = spawn(function()
  for _ = 1, 2 do
    local conn = srv:accept()
    local data = conn:recv(4096)
    conn:sendall(string.format("%08x", host.crc32(data)))
    conn:close()
  end
  srv:close()
end)

for _, word in ipairs({"hello", "sockplay"}) do
  local c = socket.create_connection(addr, 5)
  c:sendall(word)
  print(word .. " -> crc32 " .. c:recv(64))
  c:close()
end
server:join()
`

// hostModule is the Go module the script sees as the global "host".
func hostModule(L *lua.LState) int {
	mod := L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
		// host.crc32(data) -> number
		"crc32": func(L *lua.LState) int {
			L.Push(lua.LNumber(crc32.ChecksumIEEE([]byte(L.CheckString(1)))))
			return 1
		},
	})
	mod.RawSetString("name", lua.LString("examples/embed"))
	L.Push(mod)
	return 1
}

// run executes the script with output to w.
func run(ctx context.Context, w io.Writer) error {
	rt := luabind.New(luabind.Options{
		Stdout:  w,
		Stderr:  w,
		Modules: map[string]lua.LGFunction{"host": hostModule},
	})
	defer rt.Close()
	return rt.RunString(ctx, "embedded.lua", script, nil)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
