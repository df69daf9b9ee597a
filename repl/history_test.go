package repl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peterh/liner"
	"github.com/sockplay/sockplay/internal/i18n"
)

func TestHistoryFileLocation(t *testing.T) {
	t.Setenv("HOME", "/home/ada")
	t.Setenv("XDG_STATE_HOME", "/state")
	os.Unsetenv("SOCKPLAY_HISTORY")
	if got := HistoryFile(); got != "/state/sockplay/history" {
		t.Errorf("with XDG_STATE_HOME: %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "relative/ignored")
	if got := HistoryFile(); got != "/home/ada/.local/state/sockplay/history" {
		t.Errorf("without XDG_STATE_HOME: %q", got)
	}
	t.Setenv("SOCKPLAY_HISTORY", "/tmp/elsewhere")
	if got := HistoryFile(); got != "/tmp/elsewhere" {
		t.Errorf("moved: %q", got)
	}
	for _, off := range []string{"", "off"} {
		t.Setenv("SOCKPLAY_HISTORY", off)
		if got := HistoryFile(); got != "" {
			t.Errorf("SOCKPLAY_HISTORY=%q: %q, want none", off, got)
		}
	}
}

func TestHistoryKeepsLinesAndTrims(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sockplay", "history")
	ed := liner.NewLiner() // not a terminal here: only its history is used
	defer ed.Close()
	var errs strings.Builder
	h := openHistory(path, ed, &errs, i18n.English)
	for _, l := range []string{"x = 1", "x = 1", "  ", "print(x)", "for i = 1, 2 do"} {
		h.add(l)
	}
	data, err := os.ReadFile(path)
	if err != nil || string(data) != "x = 1\nprint(x)\nfor i = 1, 2 do\n" {
		t.Fatalf("history file %q, %v", data, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("history file mode %v", st.Mode())
	}

	// A long file is read to its last entries, and trimmed.
	var b strings.Builder
	for i := range 2*historyKeep + 5 {
		fmt.Fprintf(&b, "line %d\n", i)
	}
	os.WriteFile(path, []byte(b.String()), 0o600)
	lines, total := readHistory(path)
	if total != 2*historyKeep+5 || len(lines) != historyKeep || lines[len(lines)-1] != fmt.Sprintf("line %d", 2*historyKeep+4) {
		t.Fatalf("read %d of %d lines, last %q", len(lines), total, lines[len(lines)-1])
	}
	ed2 := liner.NewLiner()
	defer ed2.Close()
	openHistory(path, ed2, &errs, i18n.English)
	if lines, total := readHistory(path); total != historyKeep || len(lines) != historyKeep {
		t.Errorf("after trimming: %d lines", total)
	}
	if errs.Len() > 0 {
		t.Errorf("errors: %s", errs.String())
	}
}

func TestHistoryReportsAWriteFailureOnce(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	ed := liner.NewLiner()
	defer ed.Close()
	for _, c := range []struct {
		l    i18n.Lang
		want string
	}{{i18n.English, "history is not saved: "}, {i18n.Chinese, "历史记录没有保存："}} {
		var errs strings.Builder
		h := openHistory(filepath.Join(blocker, "history"), ed, &errs, c.l) // a file where a directory should be
		h.add("a")
		h.add("b")
		if n := strings.Count(errs.String(), c.want); n != 1 {
			t.Errorf("%v: reported %d times: %q", c.l, n, errs.String())
		}
	}
}

// A copy holds the lines a REPL loads; Merge adds to the original the
// lines appended to the copy since, and only those.
func TestHistoryCopy(t *testing.T) {
	dir := t.TempDir()
	orig := filepath.Join(dir, "state", "history")
	os.MkdirAll(filepath.Dir(orig), 0o700)
	var old []string
	for i := range historyKeep + 5 {
		old = append(old, fmt.Sprint("old ", i))
	}
	if err := os.WriteFile(orig, []byte(strings.Join(old, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := CopyHistory(orig, filepath.Join(dir, "copy"))
	if err != nil {
		t.Fatal(err)
	}
	copied, _ := os.ReadFile(c.Path())
	if want := strings.Join(old[5:], "\n") + "\n"; string(copied) != want {
		t.Fatalf("the copy has %d bytes, want the last %d lines", len(copied), historyKeep)
	}
	h := &history{path: c.Path()}
	h.appendFile("typed 1")
	h.appendFile("typed 2")
	if err := c.Merge(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(orig)
	if want := strings.Join(append(old, "typed 1", "typed 2"), "\n") + "\n"; string(data) != want {
		t.Errorf("after Merge the history ends with %q", data[max(0, len(data)-40):])
	}
	// No history yet: an empty copy, and Merge makes the file.
	none := filepath.Join(dir, "none", "history")
	c, err = CopyHistory(none, filepath.Join(dir, "copy2"))
	if err != nil {
		t.Fatal(err)
	}
	(&history{path: c.Path()}).appendFile("first")
	if err := c.Merge(); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(none); string(data) != "first\n" {
		t.Errorf("a new history: %q", data)
	}
}
