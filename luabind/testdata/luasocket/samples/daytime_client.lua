-- UDP daytime client, as LuaSocket's samples/daytimeclnt.lua behaves:
-- asks once, prints the answer, or the error.
--   daytime_client.lua host port
local socket = require("socket")
local host = assert(socket.dns.toip(arg[1] or "127.0.0.1"))
local port = assert(arg[2], "port?")
local udp = socket.udp()
print("Using host '" .. host .. "' and port " .. port .. "...")
udp:setpeername(host, port)
udp:settimeout(3)
local _, err = udp:send("anything")
if err then print(err) os.exit() end
local dgram
dgram, err = udp:receive()
if not dgram then print(err) os.exit() end
io.write(dgram)
