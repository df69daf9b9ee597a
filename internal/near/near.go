// Package near says whether a name the user typed is within a typo or
// two of another: the command line's "did you mean" for scripts,
// commands and exercises, and the hint of a misspelt method.
package near

import (
	"path"
	"strings"
)

// Name reports whether b is within a typo or two of a, ignoring case:
// one edit for short names, two from 8 characters on.
func Name(a, b string) bool {
	limit := 1
	if len(a) >= 8 {
		limit = 2
	}
	if abs(len(a)-len(b)) > limit {
		return false
	}
	return distance(strings.ToLower(a), strings.ToLower(b)) <= limit
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of two neighbours
// (echo_sevrer) each count one.
func distance(a, b string) int {
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

// Paths returns the names among candidates (slash-separated paths, as
// tcp/echo_server) that name most likely meant, best first: those of
// the same base name (echo_server: tcp/echo_server, unix/echo_server),
// then those within a typo or two of it, whole (tcp/echo_sever) or, for
// a name without a folder, by base name (echo_sever).
func Paths(name string, candidates []string) []string {
	base := path.Base(name)
	var exact, typos []string
	for _, c := range candidates {
		switch {
		case c == name:
		case path.Base(c) == base:
			exact = append(exact, c)
		case Name(name, c) || !strings.Contains(name, "/") && Name(base, path.Base(c)):
			typos = append(typos, c)
		}
	}
	return append(exact, typos...)
}
