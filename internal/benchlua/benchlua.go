// Package benchlua holds the Lua code that the benchmarks of more than one
// package run, so that their figures measure the same thing.
package benchlua

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
