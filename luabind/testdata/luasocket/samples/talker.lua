-- TCP line talker, as LuaSocket's samples/talker.lua behaves: sends each
-- line read until an empty one or the end of input.
--   talker.lua host port
local socket = require("socket")
local host, port = arg[1] or "localhost", assert(arg[2], "port?")
print("Attempting connection to host '" .. host .. "' and port " .. port .. "...")
local c = assert(socket.connect(host, port))
print("Connected! Please type stuff (empty line to stop):")
for line in io.lines() do
  if line == "" then break end
  assert(c:send(line .. "\n"))
end
c:close()
