// Package hexdump shows bytes as hex and ASCII: the `hexdump -C` layout
// (lualib's hexdump()) and the one-line dump of a trace line.
package hexdump

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dump formats data as `hexdump -C` does (without collapsing repeated
// lines into "*"): offset, 16 bytes in hex in two groups of 8, the ASCII
// between bars, and a last line with the length. "" for no data.
func Dump(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	var b strings.Builder
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		fmt.Fprintf(&b, "%08x  ", off)
		for i := 0; i < 16; i++ {
			if i < len(line) {
				fmt.Fprintf(&b, "%02x ", line[i])
			} else {
				b.WriteString("   ")
			}
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		b.WriteByte(' ')
		writeASCII(&b, line)
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%08x\n", len(data))
	return b.String()
}

// Line is data, the first bytes of total, as hex bytes and as text on
// one line: "68 65 6c 6c 6f |hello|". UTF-8 text shows as text ("e4 bd
// a0 e5 a5 bd |你好|", the last character possibly cut short when total
// is more); data that is not UTF-8 (GBK text, binary) shows its
// printable ASCII bytes and a "." for each other byte, as hexdump -C
// does. What is left out the caller says, in its language.
func Line(data []byte, total int) string {
	var b strings.Builder
	for i, c := range data {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", c)
	}
	b.WriteByte(' ')
	if isText(data, total > len(data)) {
		writeText(&b, data)
	} else {
		writeASCII(&b, data)
	}
	return b.String()
}

// isText reports whether data is UTF-8 text; cut: data is the start of
// more, so its last character may be cut short.
func isText(data []byte, cut bool) bool {
	if utf8.Valid(data) {
		return true
	}
	if !cut {
		return false
	}
	// A cut character: the last up to 3 bytes start a rune that is not
	// complete.
	for i := len(data) - 1; i >= 0 && i >= len(data)-3; i-- {
		if utf8.RuneStart(data[i]) {
			return !utf8.FullRune(data[i:]) && utf8.Valid(data[:i])
		}
	}
	return false
}

// writeText writes UTF-8 text between bars: each printable character as
// it is, "." for each byte of any other (a control character, one cut
// short at the end).
func writeText(b *strings.Builder, data []byte) {
	b.WriteByte('|')
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1, !unicode.IsPrint(r):
			b.WriteString(strings.Repeat(".", max(size, 1)))
		default:
			b.Write(data[i : i+size])
		}
		i += max(size, 1)
	}
	b.WriteByte('|')
}

// writeASCII writes data between bars, "." for a byte that is not
// printable ASCII.
func writeASCII(b *strings.Builder, data []byte) {
	b.WriteByte('|')
	for _, c := range data {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		b.WriteByte(c)
	}
	b.WriteByte('|')
}
