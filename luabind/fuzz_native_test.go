package luabind

// Go fuzz targets of what reads a peer's bytes: message framing
// (recv_msg) and makefile reads, each compared with a model of what it
// must return, whatever the bytes and however they arrive. Their seed
// corpora are testdata/fuzz/FuzzXxx; CI runs each for a few seconds
// (.ci/run):
//
//	go test -run '^$' -fuzz FuzzRecvMsg -fuzztime 5s ./luabind/

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"reflect"
	"strconv"
	"testing"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lualib"
)

// fuzzRuntime is a runtime whose scripts report what they read through
// sink.out(value): a string, nil, or an error value.
type fuzzRuntime struct {
	rt  *Runtime
	got []string
}

func newFuzzRuntime(f *testing.F) *fuzzRuntime {
	fr := &fuzzRuntime{}
	fr.rt = New(Options{Modules: map[string]lua.LGFunction{"sink": func(L *lua.LState) int {
		L.Push(L.SetFuncs(L.NewTable(), map[string]lua.LGFunction{
			"out": func(L *lua.LState) int {
				switch v := L.Get(1).(type) {
				case lua.LString:
					fr.got = append(fr.got, "data "+strconv.Quote(string(v)))
				case *lua.LNilType:
					fr.got = append(fr.got, "nil")
				default:
					e, ok := lualib.IsError(L, v)
					if !ok {
						fr.got = append(fr.got, "raised "+lua.LVAsString(v))
						break
					}
					fr.got = append(fr.got, fmt.Sprintf("raised %s %v %v %v %v", e.RawGetString("name"), e.RawGetString("errno"),
						e.RawGetString("received"), e.RawGetString("expected"), e.RawGetString("in_length")))
				}
				return 0
			},
		}))
		return 1
	}}})
	f.Cleanup(func() { fr.rt.Close() })
	return fr
}

// run runs code with args and returns what it reported.
func (fr *fuzzRuntime) run(t *testing.T, code string, args ...string) []string {
	fr.got = nil
	ctx, cancel := context.WithTimeout(context.Background(), luaTestTimeout)
	defer cancel()
	if err := fr.rt.RunString(ctx, "fuzz.lua", code, args); err != nil {
		t.Fatalf("run: %v", err)
	}
	for _, g := range fr.got {
		if panicPattern.MatchString(g) {
			t.Fatalf("Go panic text: %s", g)
		}
	}
	return fr.got
}

// fuzzSender is Lua that sends arg[1] over a socketpair in pieces of
// arg[2] bytes, then closes, while the code after it reads from a.
const fuzzSender = `
local data, piece = arg[1], math.max(tonumber(arg[2]), 1)
local a, b = socket.socketpair()
spawn(function()
  pcall(function() for i = 1, #data, piece do b:sendall(data:sub(i, i + piece - 1)) end end)
  b:close()
end)
`

// FuzzRecvMsg: recv_msg returns the frames of the stream, then nil at
// its end; a frame over the limit is OSError EMSGSIZE, a stream cut in
// a frame a ConnectionError with the counts.
func FuzzRecvMsg(f *testing.F) {
	fr := newFuzzRuntime(f)
	const code = fuzzSender + `
local limit = tonumber(arg[3])
while true do
  local ok, m = pcall(a.recv_msg, a, limit)
  sink.out(m)
  if not ok or m == nil then break end
end
a:close()
`
	f.Fuzz(func(t *testing.T, data []byte, piece uint8, limit uint16) {
		got := fr.run(t, code, string(data), strconv.Itoa(int(piece)), strconv.Itoa(int(limit)))
		if want := recvMsgModel(data, int(limit)); !reflect.DeepEqual(got, want) {
			t.Fatalf("stream %q in pieces of %d, limit %d:\ngot  %q\nwant %q", data, piece, limit, got, want)
		}
	})
}

func recvMsgModel(data []byte, limit int) []string {
	var out []string
	for {
		switch {
		case len(data) == 0:
			return append(out, "nil")
		case len(data) < 4:
			return append(out, fmt.Sprintf("raised ConnectionError nil %d 4 true", len(data)))
		}
		n := int(binary.BigEndian.Uint32(data))
		if n > limit {
			return append(out, "raised OSError 90 nil nil nil")
		}
		if len(data)-4 < n {
			return append(out, fmt.Sprintf("raised ConnectionError nil %d %d nil", len(data)-4, n))
		}
		out = append(out, "data "+strconv.Quote(string(data[4:4+n])))
		data = data[4+n:]
	}
}

// FuzzMakefile: a makefile's readline, read(n), read() and lines return
// the stream's bytes in order, as Python's buffered reader does, however
// they arrive. ops says the calls, one byte each: its value mod 4 is the
// call (readline, read(ops/4), read(), the lines iterator).
func FuzzMakefile(f *testing.F) {
	fr := newFuzzRuntime(f)
	const code = fuzzSender + `
local ops = arg[3]
local file = a:makefile("r")
local lines = file:lines()
for i = 1, #ops do
  local op = ops:byte(i)
  local kind = op % 4
  local ok, v
  if kind == 0 then ok, v = pcall(file.readline, file)
  elseif kind == 1 then ok, v = pcall(file.read, file, math.floor(op / 4))
  elseif kind == 2 then ok, v = pcall(file.read, file)
  else ok, v = pcall(lines) end
  sink.out(v)
end
file:close()
a:close()
`
	f.Fuzz(func(t *testing.T, data []byte, piece uint8, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		got := fr.run(t, code, string(data), strconv.Itoa(int(piece)), string(ops))
		if want := makefileModel(data, ops); !reflect.DeepEqual(got, want) {
			t.Fatalf("stream %q in pieces of %d, ops %v:\ngot  %q\nwant %q", data, piece, ops, got, want)
		}
	})
}

func makefileModel(data, ops []byte) []string {
	var out []string
	line := func() []byte {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			i = len(data) - 1
		}
		l := data[:i+1]
		data = data[i+1:]
		return l
	}
	for _, op := range ops {
		var v []byte
		switch op % 4 {
		case 0:
			v = line()
		case 1:
			v = data[:min(int(op/4), len(data))]
			data = data[len(v):]
		case 2:
			v, data = data, nil
		case 3:
			l := line()
			if len(l) == 0 {
				out = append(out, "nil")
				continue
			}
			v = l
			if bytes.HasSuffix(v, []byte("\n")) { // and \r before it
				v = bytes.TrimSuffix(v[:len(v)-1], []byte("\r"))
			}
		}
		out = append(out, "data "+strconv.Quote(string(v)))
	}
	return out
}
