-- The peer of contracts.lua: a server in the LuaSocket dialect that runs
-- whatever Lua its control connection sends, a line at a time, so the
-- client can make it accept, send, close or sleep at the right moment.
-- Runs on sockplay and on Lua 5.x + LuaSocket alike.
--
--   peer.lua [port]   prints "listening PORT", then serves one control
--                     connection; the command "quit = true" ends it.
--
-- Each command is acknowledged with "\n" before it runs (so a command
-- that accepts a connection does not hold up the client that will make
-- it). Globals the commands use: socket, server, control, data, str.

socket = require("socket")
server = assert(socket.bind("127.0.0.1", tonumber(arg and arg[1]) or 0))
local _, port = server:getsockname()
io.write("listening ", port, "\n")
io.stdout:flush()

server:settimeout(60) -- a client that never comes must not keep us forever
-- The globals the client's commands use, declared (a sockplay run warns
-- about a global read before anything assigned it).
quit, data, str = false, nil, nil
control = assert(server:accept())
server:settimeout(-1)
local load = loadstring or load
while not quit do
  local command, err = control:receive()
  if not command then
    io.write("control connection: ", err, "\n")
    break
  end
  assert(control:send("\n"))
  local chunk = assert(load(command))
  chunk()
end
io.write("peer done\n")
