-- UDP echo client, as LuaSocket's samples/echoclnt.lua behaves: each line
-- read is sent and its echo printed; an empty line or the end of input
-- ends it.
--   udp_echo_client.lua host port
local socket = require("socket")
local host = assert(socket.dns.toip(arg[1] or "localhost"))
local port = assert(arg[2], "port?")
local udp = assert(socket.udp())
assert(udp:setpeername(host, port))
assert(udp:settimeout(10))
print("Using remote host '" .. host .. "' and port " .. port .. "...")
for line in io.lines() do
  if line == "" then break end
  assert(udp:send(line))
  print((assert(udp:receive())))
end
