-- UDP echo server, as LuaSocket's samples/echosrvr.lua behaves: every
-- datagram goes back to its sender; each is reported, and so is every
-- 5 s without one ("timeout").
--   udp_echo_server.lua [host] [port]   (default 127.0.0.1, any free port)
local socket = require("socket")
local host, port = arg[1] or "127.0.0.1", arg[2] or 0
local function say(...) io.write(...); io.write("\n"); io.stdout:flush() end

say("Binding to host '", host, "' and port ", port, "...")
local udp = assert(socket.udp())
assert(udp:setsockname(host, port))
assert(udp:settimeout(5))
local ip, p = udp:getsockname()
say("Waiting packets on ", ip, ":", p, "...")
while true do
  local dgram, from, fromport = udp:receivefrom()
  if dgram then
    say("Echoing '", dgram, "' to ", from, ":", fromport)
    udp:sendto(dgram, from, fromport)
  else
    say(from)
  end
end
