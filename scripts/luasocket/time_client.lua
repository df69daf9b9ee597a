-- UDP time client in the LuaSocket dialect: asks udp/time_server for the time.
-- zh: LuaSocket 方言的 UDP 时间客户端：向 udp/time_server 询问时间。
-- Each line you type is a strftime format ("%Y %m %d", "%H:%M"); an empty
-- line asks for the server's default. setpeername fixes where datagrams
-- go, so send and receive need no address; settimeout(5) makes a lost
-- answer the result nil, "timeout" instead of a wait for ever. End of
-- input (Ctrl-D) ends the client.
-- Not in the tutorial: the LuaSocket counterpart of udp/time_client (§3.7).
--
-- Run:  sockplay run udp/time_server     then, in another terminal:
--       sockplay run luasocket/time_client [port] [host]   (default 9000 127.0.0.1)

local socket = require("socket")

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run luasocket/time_client [port] [host]", 0) end

local udp = assert(socket.udp())
assert(udp:setpeername(host, port))
udp:settimeout(5)

while true do
  local fmt = input("time format (e.g. %Y %m %d)> ")
  if fmt == nil then break end -- end of input
  udp:send(fmt:match("^%s*(.-)%s*$"))
  local answer, err = udp:receive()
  if not answer then
    print("no answer: " .. err)
    break
  end
  print("date: " .. answer)
end
udp:close()
