-- TCP echo server in the LuaSocket dialect: every line back, to many clients.
-- zh: LuaSocket 方言的 TCP 回显服务端：每一行原样发回，服务多个客户端。
-- The same job as tcp/loop_server, written as LuaSocket programs are:
-- socket.bind makes a listening object, socket.select waits for whichever
-- socket has something to say, receive() reads a line, send writes one,
-- and failures are results (nil, "closed") rather than errors. One loop
-- serves every client; a client that leaves is dropped from the set.
-- It runs until stopped (Ctrl-C).
-- Not in the tutorial: its LuaSocket counterpart (docs/API.md, "LuaSocket dialect").
--
-- Run:  sockplay run luasocket/echo_server [port] [host]   (default 8083 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run luasocket/echo_client [port] [host]

local socket = require("socket")

local port = tonumber(arg[1] or 8083)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run luasocket/echo_server [port] [host]", 0) end

local server = assert(socket.bind(host, port))
local ip, bound = server:getsockname()
print("server is listening on " .. ip .. ":" .. bound)

-- The sockets to watch: the server, then every client.
local watched = { server }

local function drop(client)
  for i, s in ipairs(watched) do
    if s == client then table.remove(watched, i) break end
  end
  client:close()
end

while true do
  local readable = socket.select(watched, nil)
  for _, s in ipairs(readable) do
    if s == server then
      local client = server:accept()
      if client then
        watched[#watched + 1] = client
        print("client " .. table.concat({client:getpeername()}, " ", 1, 2) .. " connected")
      end
    else
      local line, err = s:receive()
      if line then
        print("echo: " .. line)
        s:send(line .. "\n")
      else
        print("client left: " .. err)
        drop(s)
      end
    end
  end
end
