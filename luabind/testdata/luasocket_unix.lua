-- socket.unix: stream and datagram objects on socket files (arg[1] is a
-- fresh directory).

local dir = arg[1]
local unix = require("socket.unix")

-- Stream: master, server, client; lines and counts as over TCP
do
  local path = dir .. "/stream.sock"
  local server = assert(unix.stream())
  assert.eq(server.class, "unixstream{master}")
  assert.eq(server:bind(path), 1)
  assert.eq(server:getsockname(), path)
  assert.eq(server:listen(), 1)
  assert.eq(server.class, "unixstream{server}")
  local task = spawn(function()
    local c = assert(server:accept())
    assert.eq(c.class, "unixstream{client}")
    assert.eq(c:receive(), "hello")
    assert.eq(c:send("world\r\n"), 7)
    c:close()
  end)
  local c = assert(unix())
  assert.eq(c:connect(path), 1)
  assert.eq(c.class, "unixstream{client}")
  c:send("hello\n")
  assert.eq(c:receive(), "world")
  local r, err = c:receive()
  assert.eq(r, nil)
  assert.eq(err, "closed")
  task:join()
  c:close()
  server:close()

  local failed = assert(unix.stream())
  local ok, ferr = failed:connect(dir .. "/nobody.sock")
  assert.eq(ok, nil)
  assert.eq(ferr, "No such file or directory")
  assert.eq(failed:getfd(), -1, "a failed connect closes the object, as in LuaSocket")
  local long = assert(unix.stream())
  local r2, lerr = long:bind(dir .. "/" .. string.rep("x", 120))
  assert.eq(r2, nil)
  assert.eq(lerr, "path too long")
  long:close()
end

-- Datagrams: sendto and receivefrom name paths
do
  local a, b = assert(unix.dgram()), assert(unix.udp())
  assert.eq(a.class, "unixdgram{unconnected}")
  assert.eq(a:bind(dir .. "/a.sock"), 1)
  assert.eq(b:bind(dir .. "/b.sock"), 1)
  a:settimeout(10)
  b:settimeout(10)
  assert.eq(a:sendto("ping", dir .. "/b.sock"), 4)
  local data, from = b:receivefrom()
  assert.eq(data, "ping")
  assert.eq(from, dir .. "/a.sock")
  assert.eq(b:connect(dir .. "/a.sock"), 1)
  assert.eq(b.class, "unixdgram{connected}")
  assert.eq(b:send("pong"), 4)
  assert.eq(a:receive(), "pong")
  a:close()
  b:close()
end
