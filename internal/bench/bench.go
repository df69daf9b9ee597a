// Package bench holds what the benchmarks of more than one package share,
// so that their figures measure the same thing: the Lua code they run,
// the echo client's round trip.
package bench

import "io"

// SendRecv sends 64 bytes and receives them on a socketpair, arg[1] times,
// in one task: the cost of the bindings (and of whatever watches their
// events) without waiting for the network.
const SendRecv = `
local a, b = socket.socketpair()
local msg = string.rep("x", 64)
for i = 1, tonumber(arg[1]) do
  a:send(msg)
  b:recv(65536)
end
a:close(); b:close()
`

// RoundTrip sends msg to an echo server on c and reads the echo into buf
// (len(msg) bytes).
func RoundTrip(c io.ReadWriter, msg, buf []byte) error {
	if _, err := c.Write(msg); err != nil {
		return err
	}
	_, err := io.ReadFull(c, buf[:len(msg)])
	return err
}
