// Package trace is the socket trace of a sockplay runtime as data: one
// Event per socket event (created, bind, listen, connect, accept, send,
// recv, sendto, recvfrom, shutdown, close, and their failures), written
// as one JSON line (--trace-json) or one text line (--trace), and read
// back from JSON lines. docs/TRACE.md documents both formats; the JSON
// field names are a stable interface.
//
// The runtime (package luabind) writes events and package diagram reads
// them; Event is the one definition both use. The package needs the
// standard library and sockplay's messages (internal/i18n: the text
// lines speak the user's language, the JSON lines do not), so a reader
// of traces does not pull in the Lua VM.
package trace

import (
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
)

// Event is one socket event. The JSON names are docs/TRACE.md's; the
// order of the fields is the order they are written in, and a field
// without a value for an event is left out (except the first seven).
type Event struct {
	T      float64 `json:"t"`     // seconds since the trace started, to the microsecond
	Time   string  `json:"time"`  // wall clock, RFC 3339 with nanoseconds, UTC: orders the events of several traces
	Task   int     `json:"task"`  // the task that made the call
	Sock   int     `json:"sock"`  // the socket's number in its runtime, from 1
	Event  string  `json:"event"` // created bind listen connect accept send recv sendto recvfrom shutdown close
	Call   string  `json:"call,omitempty"`
	Family string  `json:"family"` // AF_INET, AF_INET6, AF_UNIX
	Type   string  `json:"type"`   // SOCK_STREAM, SOCK_DGRAM
	Local  string  `json:"local,omitempty"`
	Remote string  `json:"remote,omitempty"`
	// Bytes is set for data events: bytes sent or received (0 on a recv:
	// end of stream). nil: not a data event.
	Bytes   *int   `json:"bytes,omitempty"`
	Bufsize int    `json:"bufsize,omitempty"` // recv, recvfrom: the size asked for
	Data    string `json:"data,omitempty"`    // the first bytes of the data, in hex
	New     int    `json:"new,omitempty"`     // accept: the new socket
	Peer    int    `json:"peer,omitempty"`    // created by socketpair: the other socket
	// Backlog is set for listen.
	Backlog *int    `json:"backlog,omitempty"`
	How     string  `json:"how,omitempty"` // shutdown: SHUT_RD, SHUT_WR, SHUT_RDWR
	Dur     float64 `json:"dur,omitempty"` // seconds the call took
	Error   string  `json:"error,omitempty"`
	Errno   int     `json:"errno,omitempty"`
}

// JSONLine is the event as one line of --trace-json: a JSON object and
// a newline.
func (e *Event) JSONLine() ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err // only a NaN or infinite T or Dur
	}
	return append(b, '\n'), nil
}

// ByteCount is the event's byte count, 0 when it is not a data event.
func (e *Event) ByteCount() int {
	if e.Bytes == nil {
		return 0
	}
	return *e.Bytes
}

// DataBytes is the recorded first bytes of the event's data.
func (e *Event) DataBytes() []byte {
	b, _ := hex.DecodeString(e.Data)
	return b
}

// CallName is what the script called: Call, else Event.
func (e *Event) CallName() string {
	if e.Call != "" {
		return e.Call
	}
	return e.Event
}

// Wall is the event's wall-clock time in seconds since 1970; an event
// without a valid time field falls back to T.
func (e *Event) Wall() float64 {
	if t, err := time.Parse(time.RFC3339Nano, e.Time); err == nil {
		return float64(t.UnixNano()) / 1e9
	}
	return e.T
}

// ShowAddr is an address as the text lines and diagrams show it: the
// unnamed AF_UNIX address ("") is "(unnamed)".
func ShowAddr(a string) string { return ShowAddrIn(i18n.English, a) }

// ShowAddrIn is ShowAddr in language l: an address is the same in every
// language, "(unnamed)" is not.
func ShowAddrIn(l i18n.Lang, a string) string {
	if a == "" {
		return l.Sprintf("(unnamed)")
	}
	return a
}
