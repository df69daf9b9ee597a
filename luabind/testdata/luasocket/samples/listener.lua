-- TCP line listener, as LuaSocket's samples/listener.lua behaves: takes
-- one connection and prints its lines until it ends, then why.
--   listener.lua [host] [port]   (default 127.0.0.1, any free port)
local socket = require("socket")
local host, port = arg[1] or "127.0.0.1", arg[2] or 0
local function say(...) io.write(...); io.write("\n"); io.stdout:flush() end

say("Binding to host '", host, "' and port ", port, "...")
local s = assert(socket.bind(host, port))
local i, p = s:getsockname()
say("Waiting connection from talker on ", i, ":", p, "...")
local c = assert(s:accept())
say("Connected. Here is the stuff:")
local line, err = c:receive()
while not err do
  say(line)
  line, err = c:receive()
end
say(err)
