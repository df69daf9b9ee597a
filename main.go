// Command sockplay is a socket playground: write TCP, UDP and Unix-socket
// servers and clients as Lua scripts, run against Go's network stack.
//
// The command line is package cli; the runtime is package luabind; the
// bundled scripts are package scripts.
package main

import "github.com/sockplay/sockplay/cli"

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() { cli.Main(version) }
