package luabind

import (
	"strings"
	"syscall"
	"unsafe"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// The LuaSocket dialect's stream I/O (LuaSocket's buffer.c): receive with
// its patterns and partial results, send(data, i, j). What a read brings
// beyond what a pattern takes waits in the object (lsObject.pending) for
// the next receive, which is what dirty() reports.

// Read sizes: a line or "*a" reads lsChunk bytes at a time; a count reads
// what is missing, at least lsMinRead (so small receives do not cost a
// system call each) and at most lsChunk.
const (
	lsChunk   = 64 * 1024
	lsMinRead = 8 * 1024
)

// fill reads what the connection has, up to size bytes, into pending,
// which is empty: LuaSocket's buffer_get. errLSClosed: end of stream, or
// no descriptor.
func (o *lsObject) fill(L *lua.LState, size int) error {
	switch {
	case !o.open() || o.eof:
		return errLSClosed
	case o.readErr != nil:
		err := o.readErr
		o.readErr = nil
		return err
	case o.noRead:
		return syscall.EAGAIN // "timeout": see readAhead
	}
	o.arm()
	data, err := o.s.sys.recvString(L, size, 0)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		o.eof = true
		return errLSClosed
	}
	o.pending = string(data)
	return nil
}

// take consumes n bytes of pending.
func (o *lsObject) take(n int) string {
	s := o.pending[:n]
	o.pending = o.pending[n:]
	o.received += int64(n)
	return s
}

// lsAcc accumulates a result: one piece is kept as it is, more are
// copied into one buffer.
type lsAcc struct {
	s string
	b []byte
}

func (a *lsAcc) add(p string) {
	if a.b == nil {
		if a.s == "" {
			a.s = p
			return
		}
		a.b = make([]byte, 0, 2*(len(a.s)+len(p)))
		a.b = append(a.b, a.s...)
	}
	a.b = append(a.b, p...)
}

func (a *lsAcc) String() string {
	if len(a.b) > 0 {
		// The buffer is not written again: it becomes the string.
		return unsafe.String(&a.b[0], len(a.b))
	}
	return a.s
}

// receiveLine reads up to "\n", dropping it and every "\r" (LuaSocket's
// recvline).
func (o *lsObject) receiveLine(L *lua.LState, acc *lsAcc) error {
	for {
		if o.pending == "" {
			if err := o.fill(L, lsChunk); err != nil {
				return err
			}
		}
		i := strings.IndexByte(o.pending, '\n')
		if i < 0 {
			acc.add(dropCR(o.take(len(o.pending))))
			continue
		}
		acc.add(dropCR(o.take(i + 1)[:i]))
		return nil
	}
}

func dropCR(s string) string {
	if strings.IndexByte(s, '\r') < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\r", "")
}

// receiveCount reads wanted bytes (LuaSocket's recvraw). As there, it
// reads once even for 0 bytes, so receive(0) waits for the connection to
// have something to say.
func (o *lsObject) receiveCount(L *lua.LState, wanted int, acc *lsAcc) error {
	for {
		if o.pending == "" {
			if err := o.fill(L, min(max(wanted, lsMinRead), lsChunk)); err != nil {
				return err
			}
		}
		n := min(len(o.pending), wanted)
		acc.add(o.take(n))
		if wanted -= n; wanted <= 0 {
			return nil
		}
	}
}

// receiveAll reads until the peer closes (LuaSocket's recvall): closed
// with nothing read is an error, closed after data is success.
func (o *lsObject) receiveAll(L *lua.LState, acc *lsAcc) error {
	total := 0
	for {
		if o.pending == "" {
			if err := o.fill(L, lsChunk); err != nil {
				if err == errLSClosed && total > 0 {
					return nil
				}
				return err
			}
		}
		total += len(o.pending)
		acc.add(o.take(len(o.pending)))
	}
}

// tcp:receive([pattern [, prefix]]) -> data, nil, nil | nil, err, partial
// (pattern "*l" (default): a line, without "\n" and "\r"; "*a": until the
// peer closes; a number: that many bytes. prefix is put before what is
// read. With LUASOCKET_DEBUG=1, the elapsed time follows.)
func (rt *Runtime) lsReceive(L *lua.LState) int {
	o := lsSelf(L, "tcp:receive", lsStreamClients)
	fname := lsMethodName(o.class, "receive")
	prefix := lsOptString(L, 3, fname, "prefix", "")
	o.markStart(rt.ls)
	o.noRead = o.readAhead && o.timeoutZero()
	o.readAhead = false
	acc := lsAcc{s: prefix}
	var err error
	switch p := L.Get(2).(type) {
	case lua.LNumber:
		err = o.receiveNumber(L, fname, float64(p), len(prefix), &acc)
	case *lua.LNilType:
		err = o.receiveLine(L, &acc)
	case lua.LString:
		if n, ok := lsNumeric(string(p)); ok {
			err = o.receiveNumber(L, fname, n, len(prefix), &acc)
			break
		}
		switch {
		case strings.HasPrefix(string(p), "*l"):
			err = o.receiveLine(L, &acc)
		case strings.HasPrefix(string(p), "*a"):
			err = o.receiveAll(L, &acc)
		default:
			lualib.ArgError(L, 2, fname, "invalid receive pattern")
		}
	default:
		lualib.ArgError(L, 2, fname, "invalid receive pattern (\"*l\", \"*a\" or a number), got "+lualib.TypeName(p))
	}
	o.noRead = false
	data := acc.String()
	if tc := rt.traceBegin(); tc != nil && o.s != nil {
		traceLSReceive(tc, L, o.s, data, err)
	}
	if err != nil {
		raiseInterrupt(L, err)
		L.Push(lua.LNil)
		L.Push(lsErrorValue(err))
		L.Push(lua.LString(data))
	} else {
		L.Push(lua.LString(data))
		L.Push(lua.LNil)
		L.Push(lua.LNil)
	}
	return 3 + o.pushElapsed(L, rt.ls)
}

// receiveNumber is receive(n): n bytes in all, counting the prefix.
func (o *lsObject) receiveNumber(L *lua.LState, fname string, n float64, have int, acc *lsAcc) error {
	if n < 0 || n != n {
		lualib.ArgError(L, 2, fname, "invalid receive pattern")
	}
	wanted := int(min(n, 1<<40))
	if have != 0 && wanted <= have {
		return nil
	}
	return o.receiveCount(L, wanted-have, acc)
}

//go:noinline
func traceLSReceive(tc *traceCall, L *lua.LState, s *Socket, data string, err error) {
	note := &traceNote{event: "recv", call: "receive", data: tc.head(data), bytes: len(data), isData: true}
	if err == errLSClosed {
		err = nil // end of stream: the event shows what came before it
	}
	tc.emit(L, s, note, err)
}

// sendAll sends data within the operation's timeouts; it returns how many
// bytes went out (LuaSocket's sendraw).
func (o *lsObject) sendAll(L *lua.LState, data string) (int, error) {
	sent := 0
	for sent < len(data) {
		if !o.open() {
			return sent, errLSClosed
		}
		var n int
		var err error
		if o.timeoutZero() {
			n, err = o.s.sys.sendNow(L, stringBytes(data[sent:]))
		} else {
			o.arm()
			n, err = o.s.sendOnce(L, stringBytes(data[sent:]), 0, sockAddr{})
		}
		sent += n
		if err != nil {
			o.sent += int64(sent)
			return sent, err
		}
	}
	o.sent += int64(sent)
	return sent, nil
}

// tcp:send(data [, i [, j]]) -> last, nil, nil | nil, err, last
// (sends data:sub(i, j); last is the index of the last byte sent)
func (rt *Runtime) lsSend(L *lua.LState) int {
	o := lsSelf(L, "tcp:send", lsStreamClients)
	fname := lsMethodName(o.class, "send")
	data := lsString(L, 2, fname, "data")
	size := int64(len(data))
	start := int64(lsOptNumber(L, 3, fname, "start", 1))
	end := int64(lsOptNumber(L, 4, fname, "end", -1))
	o.markStart(rt.ls)
	if start < 0 {
		start = size + start + 1
	}
	if end < 0 {
		end = size + end + 1
	}
	start = max(start, 1)
	end = min(end, size)
	sent := 0
	var err error
	if start <= end {
		part := data[start-1 : end]
		var tc *traceCall
		if o.s != nil {
			tc = rt.traceDataSend(o.s, "send")
		}
		if tc != nil {
			defer tc.settle()
		}
		sent, err = o.sendAll(L, part)
		if tc != nil && o.s != nil {
			tc.emit(L, o.s, &traceNote{event: "send", data: tc.head(part[:sent]), bytes: sent, isData: err == nil}, err)
		}
	}
	last := o.lastIndex.of(lua.LNumber(int64(sent) + start - 1))
	if err != nil {
		raiseInterrupt(L, err)
		L.Push(lua.LNil)
		L.Push(lsErrorValue(err))
		L.Push(last)
	} else {
		L.Push(last)
		L.Push(lua.LNil)
		L.Push(lua.LNil)
	}
	return 3 + o.pushElapsed(L, rt.ls)
}
