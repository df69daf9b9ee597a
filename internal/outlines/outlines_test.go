package outlines

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fatalRecorder is a test that records its Fatalf and stops there.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// next runs Next as a test that may fail, and returns the line and the
// failure's message.
func next(o *Reader, d time.Duration, done <-chan struct{}) (line, failure string) {
	f := &fatalRecorder{}
	result := errors.New("exit status 3")
	var shown strings.Builder
	shown.WriteString("what it wrote")
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		line = o.Next(f, d, "prog", done, &result, &shown)
	}()
	<-ended
	return line, f.msg
}

func TestNext(t *testing.T) {
	pr, pw := io.Pipe()
	var all strings.Builder
	o := Start(pr, 10, 1<<10, &all)
	done := make(chan struct{})
	go func() {
		io.WriteString(pw, "one\ntwo\n")
		pw.Close()
		close(done)
	}()
	for _, want := range []string{"one", "two"} {
		if line, failure := next(o, 10*time.Second, done); line != want || failure != "" {
			t.Errorf("Next = %q (failure %q), want %q", line, failure, want)
		}
	}
	if _, failure := next(o, 10*time.Second, done); failure != "prog ended before the expected output (exit status 3):\nwhat it wrote" {
		t.Errorf("after the end: failure %q", failure)
	}
	if all.String() != "one\ntwo\n" {
		t.Errorf("copy = %q", all.String())
	}
}

func TestNextTimesOut(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	o := Start(pr, 10, 1<<10, nil)
	if _, failure := next(o, time.Millisecond, nil); failure != "prog: no output within 1ms:\nwhat it wrote" {
		t.Errorf("failure %q", failure)
	}
}

// A line longer than the limit ends the reading, and the writer is not
// blocked by what follows.
func TestLongLineEndsTheOutput(t *testing.T) {
	pr, pw := io.Pipe()
	o := Start(pr, 1, 16, nil)
	wrote := make(chan error, 1)
	go func() {
		_, err := io.WriteString(pw, strings.Repeat("x", 100)+"\n"+strings.Repeat("y\n", 100))
		pw.Close()
		wrote <- err
	}()
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the writer is blocked")
	}
	o.Drain()
}
