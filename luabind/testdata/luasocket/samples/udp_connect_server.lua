-- The receiving end of LuaSocket's test/udpconnectclnt.lua pair: a UDP
-- socket connected to one sender takes only its datagrams; unconnected
-- again (setpeername("*")), it has lost its address (Linux takes back a
-- port that was bound to 0) until it sends.
--   udp_connect_server.lua   prints its port, then reads the port of the
--                            sender to connect to from its input.
local socket = require("socket")
local function say(...) io.write(...); io.write("\n"); io.stdout:flush() end
local s = assert(socket.udp())
assert(s:setsockname("127.0.0.1", 0))
assert(s:settimeout(20))
local _, port = s:getsockname()
say("port ", port)
local peer = assert(io.read("*l"))
say("setpeername ", s:setpeername("127.0.0.1", peer), " ", s.class)
say("received ", assert(s:receive()))
say("setpeername ", s:setpeername("*"), " ", s.class)
local ip, p = s:getsockname()
say("getsockname ", ip, " ", p)
s:close()
