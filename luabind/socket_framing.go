package luabind

import (
	"encoding/binary"
	"fmt"
	"slices"
	"syscall"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// Message framing over a byte stream. TCP keeps no message boundaries:
// two sends may arrive in one recv, one send in several. send_msg puts a
// 4-byte big-endian length before the data and recv_msg reads exactly one
// such frame, however the bytes arrive. (Lines are the other usual frame:
// sock:makefile():lines() and readline, in socket_makefile.go.)

// DefaultMsgLimit is the largest message send_msg and recv_msg accept
// unless given a limit: a peer that does not speak the protocol (an HTTP
// client, say) would otherwise make recv_msg wait for gigabytes.
const DefaultMsgLimit = 16 << 20

// sock:send_msg(data, limit?)   (sends a 4-byte big-endian length, then data, as sendall; raises if #data > limit, default 16 MiB)
func (rt *Runtime) sockSendMsg(L *lua.LState) int {
	const fname = "sock:send_msg"
	s := checkSocket(L, fname)
	data := lualib.CheckString(L, 2, fname, "data")
	limit := msgLimitArg(L, 3, fname)
	checkStreamSocket(L, s, fname)
	if len(data) > limit {
		lualib.ArgError(L, 2, fname, fmt.Sprintf(
			"message of %d bytes is over the limit of %d bytes (pass a larger limit, sock:send_msg(data, limit), and the same to the receiver's recv_msg)",
			len(data), limit))
	}
	frame := make([]byte, 4+len(data))
	binary.BigEndian.PutUint32(frame, uint32(len(data)))
	copy(frame[4:], data)
	tc := rt.traceSend()
	if tc != nil {
		defer tc.settle() // a raise before emit (the sandbox) must not hold back the trace
	}
	err := s.sendAll(L, frame, 0)
	if tc != nil {
		tc.emit(L, s, &traceNote{event: "send", call: "send_msg", data: frame, bytes: len(frame), isData: err == nil}, err)
	}
	if err != nil {
		return raise(L, err)
	}
	return 0
}

// sock:recv_msg(limit?) -> data | nil   (one message sent by send_msg; nil when the peer closed between messages)
func (rt *Runtime) sockRecvMsg(L *lua.LState) int {
	const fname = "sock:recv_msg"
	s := checkSocket(L, fname)
	limit := msgLimitArg(L, 2, fname)
	checkStreamSocket(L, s, fname)
	tc := rt.traceBegin()

	var hdr [4]byte
	got, err := recvFull(L, s, hdr[:])
	var body []byte
	switch {
	case err != nil:
	case got == 0:
		// The peer closed between messages: the end, not an error.
		if tc != nil {
			tc.emit(L, s, &traceNote{event: "recv", call: "recv_msg", isData: true}, nil)
		}
		L.Push(lua.LNil)
		return 1
	case got < 4:
		err = cutShort(L, fmt.Sprintf("%d of the 4 bytes of its length", got), got, 4, true)
	default:
		n := binary.BigEndian.Uint32(hdr[:])
		if int64(n) > int64(limit) {
			// The bytes stay unread: the stream is out of step now.
			err = valueError{lualib.NewError(L, "OSError", int(syscall.EMSGSIZE), fmt.Sprintf(
				"Message too long: the peer announced %d bytes, over the limit of %d (raise it with recv_msg(limit); or the peer does not send 4-byte length prefixes)",
				n, limit))}
			break
		}
		// Memory grows as the bytes come: the length is not trusted ahead.
		body = make([]byte, 0, min(int(n), 1<<20))
		for len(body) < int(n) && err == nil {
			if len(body) == cap(body) {
				body = slices.Grow(body, min(int(n)-len(body), cap(body)))
			}
			var m int
			m, err = recvFull(L, s, body[len(body):min(cap(body), int(n))])
			body = body[:len(body)+m]
			if err == nil && m == 0 {
				err = cutShort(L, fmt.Sprintf("%d of its %d bytes", len(body), n), len(body), int(n), false)
			}
		}
	}
	if tc != nil {
		got := got + len(body)
		head := append(append([]byte{}, hdr[:min(got, 4)]...), body[:min(len(body), tc.tr.bytes)]...)
		tc.emit(L, s, &traceNote{event: "recv", call: "recv_msg", data: head, bytes: got, isData: true}, err)
	}
	if err != nil {
		if v, ok := err.(valueError); ok {
			L.Error(v.t, 0)
		}
		return raise(L, err)
	}
	L.Push(lua.LString(body))
	return 1
}

// cutShort is the error of a message the peer's close cut short: a
// ConnectionError with the counts as fields (received, expected, and
// in_length when it ended inside the 4-byte length).
func cutShort(L *lua.LState, what string, received, expected int, inLength bool) error {
	e := lualib.NewError(L, "ConnectionError", lualib.NoErrno, "the peer closed the connection in the middle of a message: "+what)
	e.RawSetString("received", lua.LNumber(received))
	e.RawSetString("expected", lua.LNumber(expected))
	if inLength {
		e.RawSetString("in_length", lua.LTrue)
	}
	return valueError{e}
}

// recvFull reads until buf is full or the peer closes; it returns how
// many bytes it read (fewer than len(buf) only at end of stream).
func recvFull(L *lua.LState, s *Socket, buf []byte) (int, error) {
	got := 0
	for got < len(buf) {
		n, err := s.sys.recvInto(L, buf[got:], 0)
		if err != nil {
			return got, err
		}
		if n == 0 {
			break
		}
		got += n
	}
	return got, nil
}
