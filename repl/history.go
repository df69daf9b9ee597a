package repl

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/peterh/liner"
	"github.com/sockplay/sockplay/internal/i18n"
)

// historyKeep is how many lines are loaded; the file is trimmed to that
// when it has grown to twice as many.
const historyKeep = 1000

// HistoryFile returns where the REPL keeps its line history:
// $SOCKPLAY_HISTORY if it is set ("" or "off": nowhere), else
// $XDG_STATE_HOME/sockplay/history, else ~/.local/state/sockplay/history
// (on Windows %LocalAppData%\sockplay\history, where programs keep their
// state there); "" when there is no home directory either.
func HistoryFile() string {
	if v, ok := os.LookupEnv("SOCKPLAY_HISTORY"); ok {
		if v == "off" {
			return ""
		}
		return v
	}
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "sockplay", "history")
	}
	if runtime.GOOS == "windows" {
		if dir, err := os.UserCacheDir(); err == nil { // %LocalAppData%
			return filepath.Join(dir, "sockplay", "history")
		}
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".local", "state", "sockplay", "history")
}

// history keeps typed lines in liner (Up, Ctrl-R) and in a file, one line
// an entry, appended as they are typed so that a crash loses nothing.
type history struct {
	path   string
	ed     *liner.State
	last   string
	stderr io.Writer
	lang   i18n.Lang // of the report of a failed write
	failed bool      // a write failed and was reported: stay quiet
}

// openHistory loads path's last lines into ed; a failure to save one is
// reported to stderr in l.
func openHistory(path string, ed *liner.State, stderr io.Writer, l i18n.Lang) *history {
	if path == "" {
		return nil
	}
	h := &history{path: path, ed: ed, stderr: stderr, lang: l}
	lines, total := readHistory(path)
	for _, l := range lines {
		ed.AppendHistory(l)
	}
	if len(lines) > 0 {
		h.last = lines[len(lines)-1]
	}
	if total >= 2*historyKeep {
		h.rewrite(lines)
	}
	return h
}

// readHistory returns the last historyKeep entries of the file and how
// many it has.
func readHistory(path string) ([]string, int) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0
	}
	defer f.Close()
	var lines []string
	total := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		if l := sc.Text(); l != "" {
			lines = append(lines, l)
			total++
			if len(lines) > 2*historyKeep {
				lines = append(lines[:0:0], lines[len(lines)-historyKeep:]...)
			}
		}
	}
	if len(lines) > historyKeep {
		lines = lines[len(lines)-historyKeep:]
	}
	return lines, total
}

// add records a typed line, skipping blank lines and repeats.
func (h *history) add(line string) {
	if strings.TrimSpace(line) == "" || line == h.last {
		return
	}
	h.last = line
	h.ed.AppendHistory(line)
	if err := h.appendFile(line); err != nil && !h.failed {
		h.failed = true
		why := err.Error()
		h.lang.Fprintf(h.stderr, "history is not saved: %s (SOCKPLAY_HISTORY=off turns it off)\n", why)
	}
}

func (h *history) appendFile(line string) error {
	if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(h.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, line+"\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// rewrite replaces the file with lines (trimming it), through a temporary
// file so that a crash leaves the old one.
func (h *history) rewrite(lines []string) {
	tmp := h.path + ".tmp"
	if err := os.WriteFile(tmp, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return
	}
	if os.Rename(tmp, h.path) != nil {
		os.Remove(tmp)
	}
}

// HistoryCopy is a history file's last lines copied into a file of
// another folder, for a REPL whose process may not reach the original
// (the sandboxed REPL's, which writes only in folders made for it):
// Merge adds the lines typed there to the original.
type HistoryCopy struct {
	orig, path string
	n          int // the lines copied
}

// CopyHistory copies the lines of orig a REPL loads into path.
func CopyHistory(orig, path string) (*HistoryCopy, error) {
	lines, _ := readHistory(orig)
	var data []byte
	if len(lines) > 0 {
		data = []byte(strings.Join(lines, "\n") + "\n")
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return nil, err
	}
	return &HistoryCopy{orig: orig, path: path, n: len(lines)}, nil
}

// Path is the copy's file, the REPL's HistoryFile.
func (c *HistoryCopy) Path() string { return c.path }

// Merge appends to the original the lines added to the copy.
func (c *HistoryCopy) Merge() error {
	f, err := os.Open(c.path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := &history{path: c.orig}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for i := 0; sc.Scan(); {
		if l := sc.Text(); l != "" {
			if i++; i > c.n {
				if err := h.appendFile(l); err != nil {
					return err
				}
			}
		}
	}
	return sc.Err()
}
