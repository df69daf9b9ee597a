package lua

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A checkpoint requested from another goroutine is served by the running
// loop, on its goroutine, with the loop's line, whatever kind of loop it
// is; once per request.
func TestCheckpointServedByTheRunningLoop(t *testing.T) {
	for _, c := range []struct {
		name, code string
		line       int // where the loop begins
	}{
		{"while true", "local n = 0\nwhile true do\n  n = n + 1\nend\n", 3}, // no condition to test: its body
		{"while", "local n = 0\nwhile n >= 0 do\n  n = n + 1\nend\n", 2},
		{"repeat", "local n = 0\nrepeat\n  n = n + 1\nuntil false\n", 3},
		{"numeric for", "for i = 1, math.huge do\n  local x = i\nend\n", 1},
		{"generic for", "local function forever() return 1 end\nfor k in forever do\n  local x = k\nend\n", 2},
		{"goto", "::top::\nlocal x = 1\ngoto top\n", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			L := NewState()
			defer L.Close()
			got := make(chan string, 10)
			L.SetCheckpoint(func(L *LState) {
				p, _ := L.Caller()
				got <- fmt.Sprintf("%s:%d", p.SourceName, L.LoopLine())
			})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			L.SetContext(ctx)
			fn, err := L.LoadString(c.code)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() {
				L.Push(fn)
				done <- L.PCall(0, 0, nil)
			}()
			L.RequestCheckpoint()
			select {
			case where := <-got:
				if want := fmt.Sprintf("<string>:%d", c.line); where != want {
					t.Errorf("checkpoint at %q, want %q", where, want)
				}
			case <-ctx.Done():
				t.Fatal("no checkpoint")
			}
			cancel()
			<-done
			if n := len(got); n != 0 {
				t.Errorf("%d more checkpoints for one request", n)
			}
		})
	}
}

// Without a request, a loop calls nothing.
func TestCheckpointOnlyWhenRequested(t *testing.T) {
	L := NewState()
	defer L.Close()
	calls := 0
	L.SetCheckpoint(func(*LState) { calls++ })
	L.SetContext(context.Background())
	if err := L.DoString("for i = 1, 1000 do local x = i end local n = 0 while n < 1000 do n = n + 1 end"); err != nil {
		t.Fatal(err)
	}
	if calls != 0 {
		t.Errorf("%d checkpoints without a request", calls)
	}
}
