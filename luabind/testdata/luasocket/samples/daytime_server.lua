-- UDP daytime server (RFC 867), the peer LuaSocket's
-- samples/daytimeclnt.lua talks to: any datagram gets the date and time.
--   daytime_server.lua [host] [port]   (default 127.0.0.1, any free port)
local socket = require("socket")
local udp = assert(socket.udp())
assert(udp:setsockname(arg[1] or "127.0.0.1", arg[2] or 0))
local ip, port = udp:getsockname()
io.write("daytime on ", ip, ":", port, "\n")
io.stdout:flush()
while true do
  local _, from, fromport = udp:receivefrom()
  if from then
    udp:sendto(os.date("!%A, %B %d, %Y %H:%M:%S-UTC") .. "\r\n", from, fromport)
  end
end
