-- The sending end of the UDP connect pair (LuaSocket's
-- test/udpconnectclnt.lua): two sockets take turns sending to the
-- server; each line of input lets the next datagram go.
--   udp_connect_client.lua port   prints "sc PORT": the sender the server
--                                 connects to
local socket = require("socket")
local port = assert(arg[1], "port?")
local function say(...) io.write(...); io.write("\n"); io.stdout:flush() end
local se, sc = assert(socket.udp()), assert(socket.udp())
assert(se:setsockname("127.0.0.1", 0))
assert(sc:setsockname("127.0.0.1", 0))
local _, scport = sc:getsockname()
say("sc ", scport)
local turn = { se, sc, se }
local names = { "se", "sc", "se" }
for i = 1, #turn do
  if not io.read("*l") then break end
  assert(turn[i]:sendto("this is a test from " .. names[i], "127.0.0.1", port))
  say("sent from ", names[i])
end
