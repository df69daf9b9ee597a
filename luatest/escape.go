package luatest

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sockplay/sockplay/internal/syncbuf"
)

// What a report shows of a test is text the tested code chose: its
// errors, its output, in a test file nobody reviewed its comments. On a
// teacher's terminal a carriage return or an escape sequence in it would
// paint over the report (a fake PASS line over a real FAIL), and a
// gigabyte of output would become a gigabyte of report. So every text of
// a TestResult is cut at Options.OutputLimit and shown with its control
// characters escaped; newlines and tabs stay (every line of a failure is
// indented under its test, so none can pass for a line of the report).

// escapeText escapes what a terminal or an XML file would not show as
// text: control characters (\r, \x1b, ...), invalid UTF-8 bytes (\xff),
// and invisible formatting characters that reorder or hide text
// (\u{202e}).
func escapeText(s string) string {
	clean := true
	for _, r := range s {
		if needsEscape(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80 && needsEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u{%x}`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r == utf8.RuneError:
		return true // an invalid byte, or U+FFFD itself: escaped as what it is
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r)
}

// cut keeps the first limit bytes of s (never splitting a character) and
// says how many more there were.
func cut(s string, limit int) string {
	if limit <= 0 || len(s) <= limit {
		return s
	}
	end := limit
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + syncbuf.Dropped(int64(len(s)-end))
}

// sanitize makes r fit to show: every text cut at limit, escaped.
func sanitize(r *TestResult, limit int) {
	for i, f := range r.Failures {
		r.Failures[i] = escapeText(cut(f, limit))
	}
	r.Output = escapeText(cut(r.Output, limit))
	r.Doc = escapeText(r.Doc)
	r.Hint = escapeText(r.Hint)
	r.DocZh = escapeText(r.DocZh)
	r.HintZh = escapeText(r.HintZh)
	r.Name = escapeText(r.Name)
	r.File = escapeText(r.File)
}
