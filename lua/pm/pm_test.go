package pm

import (
	"testing"
	"time"
)

func TestFindKeepsTheOriginalAPI(t *testing.T) {
	ms, err := Find("(%w+)=()", []byte("a=1, bb=2"), 0, -1)
	if err != nil || len(ms) != 2 {
		t.Fatalf("%v %v", ms, err)
	}
	m := ms[1]
	if m.CaptureLength() != 6 || m.Capture(0) != 5 || m.Capture(1) != 8 ||
		m.Capture(2) != 5 || m.Capture(3) != 7 || m.IsPosCapture(2) || !m.IsPosCapture(4) || m.Capture(4) != 9 {
		t.Fatalf("second match: %+v", m)
	}
	if ms, err := Find("^a", []byte("aaa"), 0, -1); err != nil || len(ms) != 1 {
		t.Fatalf("anchored: %v %v", ms, err)
	}
	if _, err := Find("[a", []byte("a"), 0, -1); err == nil || err.Error() != "malformed pattern (missing ']')" {
		t.Fatalf("malformed: %v", err)
	}
	if _, err := Find("(a", []byte("a"), 0, -1); err == nil || err.Error() != "unfinished capture" {
		t.Fatalf("unfinished: %v", err)
	}
}

// Matching recurses once per pattern item, not once per subject byte.
func TestLongSubject(t *testing.T) {
	src := make([]byte, 4<<20)
	for i := range src {
		src[i] = 'a'
	}
	m := NewMatcher(".-b?$", src, nil)
	if e, err := m.Match(0, 0); err != nil || e != len(src) {
		t.Fatalf("%d %v", e, err)
	}
}

func TestDeepPatternIsAnError(t *testing.T) {
	p := make([]byte, 0, 2*(maxDepth+1))
	for i := 0; i <= maxDepth; i++ {
		p = append(p, 'a', '*') // each item calls the matcher for the rest
	}
	if _, err := NewMatcher(string(p), []byte("b"), nil).Match(0, 0); err == nil || err.Error() != "pattern too complex" {
		t.Fatalf("%v", err)
	}
}

func TestInterrupted(t *testing.T) {
	src := []byte("aaaaaaaaaaaaaaaaaaaaaa")
	var p []byte
	for range 22 {
		p = append(p, 'a', '*')
	}
	p = append(p, 'b')
	done := make(chan struct{})
	close(done)
	res := make(chan error, 1)
	go func() {
		_, err := NewMatcher(string(p), src, done).Match(0, 0)
		res <- err
	}()
	select {
	case err := <-res:
		if err != ErrInterrupted {
			t.Fatalf("%v, want ErrInterrupted", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("a closed done channel did not stop the match within a minute")
	}
}
