package trace

import (
	"fmt"
	"strings"

	"github.com/sockplay/sockplay/internal/hexdump"
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
func (e *Event) TextLine(color bool) string {
	paint := func(code, s string) string {
		if !color || s == "" {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	b.WriteString(paint(ansiDim, fmt.Sprintf("trace %.6f task %d", e.T, e.Task)))
	fmt.Fprintf(&b, " sock %d", e.Sock)
	if e.Local != "" || e.Remote != "" {
		b.WriteString(" " + ShowAddr(e.Local))
		if e.Remote != "" {
			b.WriteString(" → " + ShowAddr(e.Remote))
		}
	}
	name := e.Event
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
			fmt.Fprintf(&b, " (pair of sock %d)", e.Peer)
		}
	case "listen":
		if e.Backlog != nil {
			fmt.Fprintf(&b, " backlog %d", *e.Backlog)
		}
	case "accept":
		if e.New != 0 {
			fmt.Fprintf(&b, " → sock %d", e.New)
		}
	case "shutdown":
		b.WriteString(" " + e.How)
	}
	if e.Error != "" {
		b.WriteString(" " + paint(ansiRed, "failed: "+e.Error))
		if e.ByteCount() == 0 {
			b.WriteString("\n")
			return b.String()
		}
	}
	if e.Bytes != nil {
		n := *e.Bytes
		fmt.Fprintf(&b, " %d B", n)
		if e.Bufsize != 0 {
			fmt.Fprintf(&b, " (bufsize %d)", e.Bufsize)
		}
		switch data := e.DataBytes(); {
		case n == 0 && e.Event == "recv" && e.Error == "":
			b.WriteString(": end of stream (the peer closed)")
		case len(data) > 0:
			b.WriteString(": " + paint(ansiDim, hexdump.Line(data, n)))
		}
	}
	b.WriteString("\n")
	return b.String()
}
