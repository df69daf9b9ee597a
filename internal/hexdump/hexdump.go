// Package hexdump shows bytes as hex and ASCII: the `hexdump -C` layout
// (lualib's hexdump()) and the one-line dump of a trace line.
package hexdump

import (
	"fmt"
	"strings"
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

// Line is data as hex bytes and ASCII on one line, with what is left out
// of total: "68 65 6c 6c 6f |hello| …+100 B".
func Line(data []byte, total int) string {
	var b strings.Builder
	for i, c := range data {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", c)
	}
	b.WriteByte(' ')
	writeASCII(&b, data)
	if total > len(data) {
		fmt.Fprintf(&b, " …+%d B", total-len(data))
	}
	return b.String()
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
