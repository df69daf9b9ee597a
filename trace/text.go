package trace

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/internal/hexdump"
	"github.com/sockplay/sockplay/internal/i18n"
)

// ANSI colours of the text lines.
const (
	ansiReset  = "\x1b[0m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiPurple = "\x1b[35m"
	ansiCyan   = "\x1b[36m"
)

// TextLine is the event as one line of --trace, with its newline; color
// adds ANSI colours (for a terminal):
//
//	trace 0.001234 task 1 sock 2 127.0.0.1:8081 → 127.0.0.1:50312 recv 5 B (bufsize 1024): 68 65 6c 6c 6f |hello|
func (e *Event) TextLine(color bool) string { return e.TextLineIn(color, i18n.English) }

// TextLineIn is TextLine in language l. Only the line's own words are
// translated ("task", "B", "end of stream"...): the socket calls,
// constants, addresses, numbers, data and the error (Python's text) are
// the same in every language, and so is the tag "trace" that starts it.
//
//	trace 0.001234 任务 1 套接字 2 127.0.0.1:8081 → 127.0.0.1:50312 recv 5 字节 (bufsize 1024): 68 65 6c 6c 6f |hello|
func (e *Event) TextLineIn(color bool, l i18n.Lang) string {
	paint := func(code, s string) string {
		if !color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	// Numbers go in as text: x/text's printer would group their digits.
	b.WriteString(paint(ansiDim, "trace "+strconv.FormatFloat(e.T, 'f', 6, 64)+" "+l.Sprintf("task %s", strconv.Itoa(e.Task))))
	b.WriteString(" " + l.Sprintf("sock %s", strconv.Itoa(e.Sock)))
	if e.Local != "" || e.Remote != "" {
		b.WriteString(" " + ShowAddrIn(l, e.Local))
		if e.Remote != "" {
			b.WriteString(" → " + ShowAddrIn(l, e.Remote))
		}
	}
	name := e.Event
	if name == "created" {
		name = l.Sprintf("created") // the one event that is not a call
	}
	if e.Call != "" {
		name += " (" + e.Call + ")"
	}
	code := ansiBlue
	switch e.Event {
	case "send", "sendto":
		code = ansiGreen
	case "recv", "recvfrom":
		code = ansiCyan
	case "shutdown", "close":
		code = ansiPurple
	case "created":
		code = ansiYellow
	}
	if e.Error != "" {
		code = ansiRed
	}
	b.WriteString(" " + paint(code, name))
	switch e.Event {
	case "created":
		fmt.Fprintf(&b, " %s %s", e.Family, e.Type)
		if e.Peer != 0 {
			b.WriteString(" " + l.Sprintf("(pair of sock %s)", strconv.Itoa(e.Peer)))
		}
	case "listen":
		if e.Backlog != nil {
			fmt.Fprintf(&b, " backlog %d", *e.Backlog)
		}
	case "accept":
		if e.New != 0 {
			b.WriteString(" → " + l.Sprintf("sock %s", strconv.Itoa(e.New)))
		}
	case "shutdown":
		b.WriteString(" " + e.How)
	}
	if e.Error != "" {
		b.WriteString(" " + paint(ansiRed, l.Sprintf("failed: %s", e.Error)))
		if e.ByteCount() == 0 {
			b.WriteString("\n")
			return b.String()
		}
	}
	if e.Bytes != nil {
		n := *e.Bytes
		count := strconv.Itoa(n)
		b.WriteString(" " + l.Sprintf("%s B", count))
		if e.Bufsize != 0 {
			fmt.Fprintf(&b, " (bufsize %d)", e.Bufsize)
		}
		switch data := e.DataBytes(); {
		case n == 0 && e.Event == "recv" && e.Error == "":
			b.WriteString(": " + l.Sprintf("end of stream (the peer closed)"))
		case len(data) > 0:
			dump := hexdump.Line(data, n)
			if n > len(data) {
				rest := strconv.Itoa(n - len(data))
				dump += " " + l.Sprintf("…+%s B", rest)
			}
			b.WriteString(": " + paint(ansiDim, dump))
		}
	}
	b.WriteString("\n")
	return b.String()
}
