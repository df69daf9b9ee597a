-- Unix-domain stream client, as LuaSocket's test/unixstreamclnt.lua
-- behaves: sends each line read, until the end of input.
--   unix_stream_client.lua PATH
local socket = require("socket")
socket.unix = require("socket.unix")
local c = assert(socket.unix())
assert(c:connect(assert(arg[1], "path?")))
for line in io.lines() do
  assert(c:send(line .. "\n"))
end
c:close()
