package luabind_test

import (
	"context"
	"errors"
	"fmt"
	"os"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/luabind"
)

// A runtime runs a script: print goes to Options.Stdout; the sockets the
// run opened are closed when it returns.
func Example() {
	rt := luabind.New(luabind.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	defer rt.Close()
	err := rt.RunString(context.Background(), "hello.lua", `
local a, b = socket.socketpair()
a:sendall("hello")
print(b:recv(1024):upper())
`, nil)
	if err != nil {
		fmt.Println(err)
	}
	// Output: HELLO
}

// An error of the script is an *Error: its class and errno, a hint, and
// Report, which shows it as sockplay does.
func ExampleError() {
	rt := luabind.New(luabind.Options{}) // warnings (Stderr) discarded
	defer rt.Close()
	err := rt.RunString(context.Background(), "count.lua", `print(len("abc"))`, nil)
	var e *luabind.Error
	if errors.As(err, &e) {
		fmt.Print(e.Report())
	}
	// Output:
	// count.lua:1: attempt to call a nil value (global 'len')
	//   print(len("abc"))
	//         ^
	// hint: Lua writes #x for len(x)
}

// Options.Modules adds Lua modules written in Go, as globals (and to
// require).
func ExampleOptions_modules() {
	rt := luabind.New(luabind.Options{
		Stdout: os.Stdout,
		Modules: map[string]lua.LGFunction{
			"host": func(L *lua.LState) int {
				L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
					"double": func(L *lua.LState) int {
						L.Push(L.CheckNumber(1) * 2)
						return 1
					},
				}))
				return 1
			},
		},
	})
	defer rt.Close()
	if err := rt.RunString(context.Background(), "double.lua", `print(host.double(21))`, nil); err != nil {
		fmt.Println(err)
	}
	// Output: 42
}
