-- The socket backend: socket.backend names it; what the portable one
-- cannot do raises an error that says so (docs/API.md, "The portable
-- backend").

local LOCAL = "127.0.0.1"

assert.true_(socket.backend == "linux" or socket.backend == "portable", tostring(socket.backend))

local function pair()
  local srv = socket.create_server({LOCAL, 0})
  local c = socket.create_connection(srv:getsockname())
  local conn = srv:accept()
  srv:close()
  return c, conn
end

-- a socket's number looks like a descriptor's on both
do
  local s = socket.socket()
  assert.true_(s:fileno() >= 3, "fileno " .. s:fileno())
  s:close()
  assert.eq(s:fileno(), -1)
end

-- urgent data (MSG_OOB): the kernel's on Linux, an error naming it on the
-- portable backend
do
  local c, conn = pair()
  conn:settimeout(5)
  if socket.backend == "linux" then
    assert.eq(c:send("!", socket.MSG_OOB), 1)
    assert.eq(conn:recv(1, socket.MSG_OOB), "!")
  else
    assert.raises(function() c:send("!", socket.MSG_OOB) end, "MSG_OOB: the portable backend")
    assert.raises(function() conn:recv(1, socket.MSG_OOB) end, "MSG_OOB: the portable backend")
    -- the connection is still usable
    c:sendall("after")
    assert.eq(conn:recv(10), "after")
  end
  c:close()
  conn:close()
end

-- MSG_PEEK leaves the data for the next recv, on both
do
  local c, conn = pair()
  conn:settimeout(5)
  c:sendall("peeked")
  assert.eq(conn:recv(3, socket.MSG_PEEK), "pee")
  assert.eq(conn:recv(10), "peeked")
  c:close()
  conn:close()
end

-- listen(backlog) is what the script asked for, on both (SO_ACCEPTCONN)
do
  local s = socket.socket()
  s:bind({LOCAL, 0})
  assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0)
  s:listen(3)
  assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
  s:close()
end

-- select.select on a number that is no socket: the system's answer on
-- Linux (descriptor 0 is there), an error naming it on the portable backend
do
  if socket.backend == "linux" then
    local ok, err = pcall(select.select, {}, {1}, {}, 0)
    assert.true_(ok, tostring(err))
  else
    assert.raises(function() select.select({0}, {}, {}, 0) end, "0 is not a socket of this run")
  end
end
