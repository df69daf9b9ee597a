-- TCP echo client in the LuaSocket dialect: sends each line you type, prints the echo.
-- zh: LuaSocket 方言的 TCP 回显客户端：发送你输入的每一行，打印回显。
-- socket.connect gives a connected object; send writes a line, receive()
-- reads one back (without its "\n"). Errors come back as values: when the
-- server goes away, receive returns nil and "closed", and the client says
-- so and ends. End of input (Ctrl-D) ends it too.
-- Not in the tutorial: the LuaSocket counterpart of tcp/loop_client.
--
-- Run:  sockplay run luasocket/echo_server     then, in another terminal:
--       sockplay run luasocket/echo_client [port] [host]   (default 8083 127.0.0.1)

local socket = require("socket")

local port = tonumber(arg[1] or 8083)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run luasocket/echo_client [port] [host]", 0) end

local client, err = socket.connect(host, port)
if not client then error("cannot connect to " .. host .. ":" .. port .. ": " .. err, 0) end
client:settimeout(10) -- an echo that does not come is an error, not a hang

while true do
  local line = input("> ")
  if line == nil then break end -- end of input
  client:send(line .. "\n")
  local echo, rerr = client:receive()
  if not echo then
    print("no echo: " .. rerr)
    break
  end
  print(echo)
end
client:close()
