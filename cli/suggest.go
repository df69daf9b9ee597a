package cli

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

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
	var exact, near []string
	for _, info := range scripts.List() {
		full := info.Name
		switch {
		case path.Base(full) == base && full != name:
			exact = append(exact, full)
		case nearName(name, full) || !strings.Contains(name, "/") && nearName(base, path.Base(full)):
			near = append(near, full)
		}
	}
	// The user's own scripts in the folder the name points into.
	dir := filepath.Dir(filepath.FromSlash(name))
	if files, err := filepath.Glob(filepath.Join(dir, "*.lua")); err == nil {
		for _, f := range files {
			stem := strings.TrimSuffix(filepath.Base(f), ".lua")
			if nearName(base, stem) {
				near = append(near, filepath.ToSlash(f))
			}
		}
	}
	out := append(exact, near...)
	out = slices.Compact(out)
	if len(out) > maxSuggestions {
		out = out[:maxSuggestions]
	}
	return out
}

// nearName reports whether b is within a typo or two of a: one edit for
// short names, two from 8 characters on.
func nearName(a, b string) bool {
	limit := 1
	if len(a) >= 8 {
		limit = 2
	}
	if abs(len(a)-len(b)) > limit {
		return false
	}
	return editDistance(strings.ToLower(a), strings.ToLower(b)) <= limit
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance is the optimal string alignment distance between a and
// b: insertions, deletions, substitutions and swaps of two neighbours
// (echo_sevrer) each count one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows: the one before the previous (for swaps), the previous,
	// the current.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
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
		if nearName(name, sub.Name()) {
			out = append(out, sub.Name())
		}
	}
	return out
}
