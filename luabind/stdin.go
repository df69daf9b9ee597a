package luabind

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"
)

// lineReader hands out lines of the runtime's input. A goroutine does the
// reading so a wait for input can be cancelled; a line read after its
// caller gave up is kept for the next call.
type lineReader struct {
	r       *bufio.Reader
	req     chan struct{}
	lines   chan lineResult
	turn    chan struct{} // one reader at a time; holds pending
	pending bool          // a request is out
	once    sync.Once
	stop    chan struct{}
	// host, if set, serves every read instead (Session.SetInput: a REPL
	// reads input() lines with its own line editor).
	host func(ctx context.Context) (line string, ok bool, err error)
}

type lineResult struct {
	line string
	ok   bool
}

func newLineReader(r io.Reader) *lineReader {
	lr := &lineReader{stop: make(chan struct{}), turn: make(chan struct{}, 1)}
	if r != nil {
		lr.r = bufio.NewReader(r)
	}
	return lr
}

// readLine blocks until a line, end of input, or ctx. Called without the
// runtime lock.
func (lr *lineReader) readLine(ctx context.Context) (string, bool, error) {
	if lr.host != nil {
		return lr.host(ctx)
	}
	if lr.r == nil {
		return "", false, nil
	}
	select {
	case lr.turn <- struct{}{}:
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
	defer func() { <-lr.turn }()
	lr.once.Do(func() {
		lr.req = make(chan struct{}, 1)
		lr.lines = make(chan lineResult, 1)
		go lr.loop()
	})
	if !lr.pending {
		lr.pending = true
		lr.req <- struct{}{}
	}
	select {
	case res := <-lr.lines:
		lr.pending = false
		return res.line, res.ok, nil
	case <-ctx.Done():
		return "", false, ctx.Err()
	}
}

func (lr *lineReader) loop() {
	for {
		select {
		case <-lr.req:
		case <-lr.stop:
			return
		}
		line, err := lr.r.ReadString('\n')
		res := lineResult{line: strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r"), ok: err == nil || line != ""}
		select {
		case lr.lines <- res:
		case <-lr.stop:
			return
		}
	}
}

func (lr *lineReader) close() {
	select {
	case <-lr.stop:
	default:
		close(lr.stop)
	}
}
