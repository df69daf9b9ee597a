package cli

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sockplay/sockplay/internal/near"
	"github.com/sockplay/sockplay/scripts"
)

// Near misses: what a name the user typed most likely meant, among the
// bundled scripts and the .lua files beside it. `sockplay run
// echo_server` means tcp/echo_server; `tcp/echo_sever` too.

// maxSuggestions bounds the names a message offers.
const maxSuggestions = 3

// suggestScripts returns the bundled scripts and the files name most
// likely meant, best first: a bundled script of that base name
// (echo_server: tcp/echo_server, unix/echo_server, ...), then the names
// within a typo or two of it (tcp/echo_sever, myservr).
func suggestScripts(name string) []string {
	name = strings.TrimSuffix(filepath.ToSlash(name), ".lua")
	if name == "" {
		return nil
	}
	base := path.Base(name)
	var bundled []string
	for _, info := range scripts.List() {
		bundled = append(bundled, info.Name)
	}
	out := near.Paths(name, bundled)
	// The user's own scripts in the folder the name points into.
	dir := filepath.Dir(filepath.FromSlash(name))
	if files, err := filepath.Glob(filepath.Join(dir, "*.lua")); err == nil {
		for _, f := range files {
			stem := strings.TrimSuffix(filepath.Base(f), ".lua")
			if near.Name(base, stem) {
				out = append(out, filepath.ToSlash(f))
			}
		}
	}
	out = slices.Compact(out)
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}

// luaFileFor is the script file a name without ".lua" means (myserver:
// myserver.lua), "" if there is none.
func luaFileFor(name string) string {
	if strings.HasSuffix(name, ".lua") {
		return ""
	}
	if st, err := os.Stat(name + ".lua"); err == nil && st.Mode().IsRegular() {
		return name + ".lua"
	}
	return ""
}

// bundledOnly keeps the names of bundled scripts (not files).
func bundledOnly(names []string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasSuffix(n, ".lua") {
			out = append(out, n)
		}
	}
	return out
}

// suggestCommands returns the commands of c within a typo of name.
func suggestCommands(c *Command, name string) []string {
	var out []string
	for _, sub := range c.Commands {
		if near.Name(name, sub.Name()) {
			out = append(out, sub.Name())
		}
	}
	return out
}
