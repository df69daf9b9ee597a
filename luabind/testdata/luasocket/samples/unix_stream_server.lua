-- Unix-domain stream server, as LuaSocket's test/unixstreamsrvr.lua
-- behaves: one client; its lines are printed until it leaves.
--   unix_stream_server.lua PATH
local socket = require("socket")
socket.unix = require("socket.unix")
local function say(...) io.write(...); io.write("\n"); io.stdout:flush() end
local path = assert(arg[1], "path?")
local u = assert(socket.unix.stream())
assert(u:bind(path))
assert(u:listen())
say("listening on ", u:getsockname())
local c = assert(u:accept())
while true do
  local line, err = c:receive()
  if not line then say("end: ", err) break end
  say(line)
end
c:close()
u:close()
