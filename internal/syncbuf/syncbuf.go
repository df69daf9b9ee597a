// Package syncbuf has a bytes.Buffer that is safe to write from one
// goroutine while another reads it: a runtime's output, written by its
// tasks while a test or the test runner looks at it.
package syncbuf

import (
	"bytes"
	"fmt"
	"sync"
	"unicode/utf8"
)

// Buffer is a bytes.Buffer behind a mutex. The zero value is ready to use.
type Buffer struct {
	// Limit, if positive, is how many bytes are kept: the rest is counted
	// and dropped, and String says so. A script's output is kept this way
	// (a gigabyte of it must not become a gigabyte of report).
	Limit int

	mu      sync.Mutex
	buf     bytes.Buffer
	dropped int64
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	if b.Limit > 0 {
		if room := b.Limit - b.buf.Len(); room < len(p) {
			b.dropped += int64(len(p) - max(room, 0))
			p = p[:max(room, 0)]
		}
	}
	b.buf.Write(p)
	return n, nil
}

// String returns what has been written so far, and after it, if the
// limit dropped some, how much.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped > 0 {
		return b.buf.String() + Dropped(b.dropped)
	}
	return b.buf.String()
}

// Head is String for at most n bytes of what was written (never
// splitting a UTF-8 sequence), with the note counting all the rest.
func (b *Buffer) Head(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	kept := b.buf.Bytes()
	if len(kept) <= n {
		if b.dropped > 0 {
			return string(kept) + Dropped(b.dropped)
		}
		return string(kept)
	}
	end := n
	for end > 0 && !utf8.RuneStart(kept[end]) {
		end--
	}
	return string(kept[:end]) + Dropped(b.dropped+int64(len(kept)-end))
}

// Dropped is the note that ends a text cut at its limit.
func Dropped(n int64) string {
	return fmt.Sprintf("\n[... %d bytes more dropped]", n)
}
