// Package scripts holds the bundled Lua programs: the tutorial's servers
// and clients translated to Lua, a few of them in the LuaSocket dialect,
// the benchmark echo servers and the demo.
//
// FS is what luabind.Options.Scripts takes; a script's name is its path
// without ".lua" ("tcp/echo_server"). List gives them in the tutorial's
// order, for `sockplay list`.
package scripts

import (
	"embed"
	"io/fs"
	"strings"
)

// FS holds every bundled script, as NAME.lua.
//
//go:embed tcp/*.lua udp/*.lua unix/*.lua luasocket/*.lua bench/*.lua demo.lua
var FS embed.FS

// Info describes one bundled script.
type Info struct {
	Name      string // "tcp/echo_server"
	Summary   string // the first line of its header comment
	SummaryZh string // the second, "-- zh: ...": Summary in Simplified Chinese
}

// order is the tutorial's order: the demo first, then the AF_INET
// programs of §3.3 (TCP) and §3.5–3.7 (UDP), then AF_UNIX (named in §二,
// with no program there; it mirrors tcp/loop_*), then the same jobs in
// the LuaSocket dialect, then the benchmark servers. A test checks that
// it names every embedded file and no other.
var order = []string{
	"demo",
	"tcp/addr_server",
	"tcp/addr_client",
	"tcp/echo_server",
	"tcp/echo_client",
	"tcp/loop_server",
	"tcp/loop_client",
	"tcp/multi_server",
	"tcp/concurrent_server",
	"tcp/select_server",
	"tcp/cmd_server",
	"tcp/cmd_client",
	"tcp/sticky_server",
	"tcp/sticky_client",
	"tcp/framed_server",
	"tcp/framed_client",
	"udp/server",
	"udp/client",
	"udp/chat_server",
	"udp/chat_client",
	"udp/time_server",
	"udp/time_client",
	"unix/echo_server",
	"unix/echo_client",
	"luasocket/echo_server",
	"luasocket/echo_client",
	"luasocket/time_client",
	"bench/echo_server",
	"bench/udp_echo_server",
	"bench/luasocket_echo_server",
}

// List returns every bundled script with its summary, in the tutorial's
// order.
func List() []Info {
	infos := make([]Info, 0, len(order))
	for _, name := range order {
		src, err := fs.ReadFile(FS, name+".lua")
		if err != nil {
			continue // cannot happen: a test checks order against FS
		}
		infos = append(infos, Info{Name: name, Summary: Summary(src), SummaryZh: SummaryZh(src)})
	}
	return infos
}

// Summary returns the first line of a script's header comment, without
// the comment marker: the one-line description `sockplay list` shows.
func Summary(src []byte) string {
	line, _, _ := strings.Cut(string(src), "\n")
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "--") {
		return ""
	}
	return strings.TrimSpace(strings.TrimLeft(line, "-"))
}

// SummaryZh returns the Chinese summary of a script: its header's second
// line, "-- zh: ...", without the marker; "" if it has none. (It takes
// the blank comment line under the summary, so that the lines below keep
// their numbers, which errors and the docs quote.)
func SummaryZh(src []byte) string {
	lines := strings.SplitN(string(src), "\n", 3)
	if len(lines) < 2 {
		return ""
	}
	zh, ok := strings.CutPrefix(strings.TrimSpace(lines[1]), "-- zh:")
	if !ok {
		return ""
	}
	return strings.TrimSpace(zh)
}
