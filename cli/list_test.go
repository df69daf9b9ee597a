package cli

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sockplay/sockplay/scripts"
)

// sockplay list: one line per bundled script, and every summary starts in
// the same column, at least two spaces after the longest name (a long
// name such as bench/luasocket_echo_server pushed its summary out of line).
func TestListAlignsSummaries(t *testing.T) {
	t.Setenv("SOCKPLAY_LANG", "en") // the English summaries, whatever the developer's locale
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"list"}, strings.NewReader(""), &stdout, &stderr); code != 0 || stderr.Len() > 0 {
		t.Fatalf("sockplay list: exit %d, stderr %q", code, stderr.String())
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	list := scripts.List()
	if len(lines) != len(list) {
		t.Fatalf("%d lines for %d scripts:\n%s", len(lines), len(list), stdout.String())
	}
	column, longest := -1, ""
	for i, s := range list {
		name, rest, ok := strings.Cut(lines[i], " ")
		if !ok || name != s.Name {
			t.Fatalf("line %d is %q, want script %s first", i+1, lines[i], s.Name)
		}
		summary := strings.TrimLeft(rest, " ")
		if summary != s.Summary {
			t.Errorf("line %d: summary %q, want %q", i+1, summary, s.Summary)
		}
		at := utf8.RuneCountInString(lines[i]) - utf8.RuneCountInString(summary)
		if column < 0 {
			column = at
		}
		if at != column {
			t.Errorf("%s: summary starts in column %d, the first line's in %d:\n%s", s.Name, at, column, stdout.String())
		}
		if len(s.Name) > len(longest) {
			longest = s.Name
		}
	}
	if column < utf8.RuneCountInString(longest)+2 {
		t.Errorf("summaries start in column %d, less than two spaces after %s", column, longest)
	}
}
