// Package outlines reads a program's output line by line as it comes, for
// tests that wait for what a script prints: every wait is bounded.
package outlines

import (
	"bufio"
	"fmt"
	"io"
	"testing"
	"time"
)

// Reader is an output being read.
type Reader struct {
	lines chan string
}

// Start reads r's lines on a goroutine of its own until r ends or a line
// is longer than maxLine bytes; then the rest of r is discarded, so that
// its writer never blocks. At most buffered lines wait to be taken. copy,
// when not nil, gets every line too, with its newline.
func Start(r io.Reader, buffered, maxLine int, copy io.Writer) *Reader {
	o := &Reader{lines: make(chan string, buffered)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), maxLine)
		for sc.Scan() {
			if copy != nil {
				copy.Write([]byte(sc.Text() + "\n"))
			}
			o.lines <- sc.Text()
		}
		close(o.lines)
		io.Copy(io.Discard, r)
	}()
	return o
}

// Next returns the next line. It fails the test when the output ends
// first ("NAME ended before the expected output"), with *result, the
// program's, read once done is closed; or when no line comes within d
// ("NAME: no output within D"). Both messages show shown (what the
// program wrote, or its stderr).
func (o *Reader) Next(t testing.TB, d time.Duration, name string, done <-chan struct{}, result *error, shown fmt.Stringer) string {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case line, ok := <-o.lines:
		if !ok {
			<-done
			t.Fatalf("%s ended before the expected output (%v):\n%s", name, *result, shown)
		}
		return line
	case <-timer.C:
		t.Fatalf("%s: no output within %v:\n%s", name, d, shown)
	}
	return ""
}

// Drain waits for the end of the output, leaving out the lines not taken.
func (o *Reader) Drain() {
	for range o.lines {
	}
}
