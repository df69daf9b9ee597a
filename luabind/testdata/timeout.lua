-- Timeouts as in Python: settimeout(nil) blocks, 0 is non-blocking
-- (BlockingIOError), x > 0 raises TimeoutError after x seconds.

local LOCAL = "127.0.0.1"

local function pair()
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local c = socket.socket()
  c:connect(srv:getsockname())
  local conn = srv:accept()
  srv:close()
  return c, conn
end

-- gettimeout / getblocking follow settimeout and setblocking
do
  local s = socket.socket()
  assert.eq(s:gettimeout(), nil, "new sockets block")
  assert.eq(s:getblocking(), true)
  s:settimeout(0)
  assert.eq(s:gettimeout(), 0)
  assert.eq(s:getblocking(), false)
  s:settimeout(1.5)
  assert.eq(s:gettimeout(), 1.5)
  assert.eq(s:getblocking(), true, "a timeout is still blocking mode")
  s:settimeout(nil)
  assert.eq(s:gettimeout(), nil)
  s:setblocking(false)
  assert.eq(s:gettimeout(), 0)
  assert.eq(s:getblocking(), false)
  s:setblocking(true)
  assert.eq(s:gettimeout(), nil)
  assert.eq(s:getblocking(), true)
  -- numbers as Python's ints: setblocking(0) is non-blocking (0 is true in Lua)
  s:setblocking(0)
  assert.eq(s:gettimeout(), 0)
  s:setblocking(1)
  assert.eq(s:gettimeout(), nil)
  -- the flag is required, as in Python; a failed call changes nothing
  s:settimeout(2)
  assert.fails(function() s:setblocking() end, "bad argument #1 to 'sock:setblocking'", "flag expected", "got no value")
  assert.fails(function() s:setblocking(nil) end, "flag expected")
  assert.fails(function() s:setblocking("false") end, "flag expected", "got string")
  assert.eq(s:gettimeout(), 2)
  s:close()
end

-- timeout 0: an operation that would wait raises BlockingIOError
do
  local c, conn = pair()
  conn:settimeout(0)
  local err = assert.raises(function() conn:recv(10) end, "BlockingIOError")
  if err then
    assert.eq(err.errno, 11)
    assert.eq(tostring(err), "BlockingIOError: [Errno 11] Resource temporarily unavailable")
    assert.true_(err:is("OSError"))
  end
  -- data already there is returned at once
  c:sendall("ready")
  local got
  for _ = 1, 1000 do -- the bytes may take a moment to cross loopback
    local ok, d = pcall(conn.recv, conn, 10)
    if ok then got = d break end
    sleep(0.001)
  end
  assert.eq(got, "ready")

  -- a non-blocking send fills the buffer and then raises
  c:settimeout(0)
  local chunk = string.rep("x", 65536)
  local sent, failed = 0, nil
  for _ = 1, 10000 do
    local ok, n = pcall(c.send, c, chunk)
    if not ok then failed = n break end
    sent = sent + n
  end
  assert.true_(failed ~= nil, "a full send buffer raises")
  if failed then assert.true_(failed:is("BlockingIOError"), tostring(failed)) end
  assert.true_(sent > 0)
  c:close()
  conn:close()
end

-- timeout 0 on accept and connect
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  srv:settimeout(0)
  assert.raises(function() srv:accept() end, "BlockingIOError")
  local c = socket.socket()
  c:settimeout(0)
  -- a non-blocking connect is in progress (or, on loopback, done at once)
  local ok, err = pcall(c.connect, c, srv:getsockname())
  if not ok then
    assert.true_(err:is("BlockingIOError"), tostring(err))
    assert.eq(err.errno, 115)
  end
  srv:settimeout(10)
  local conn = srv:accept()
  assert.eq(conn:gettimeout(), nil, "an accepted socket has the default timeout")
  conn:close()
  c:close()
  srv:close()
end

-- timeout x: TimeoutError "timed out", and the socket stays usable
do
  local c, conn = pair()
  conn:settimeout(0.05)
  local err = assert.raises(function() conn:recv(10) end, "TimeoutError")
  if err then
    assert.eq(tostring(err), "TimeoutError: timed out")
    assert.eq(err.errno, nil)
    assert.true_(err:is("OSError"))
    assert.true_(err:is(socket.timeout), "socket.timeout is TimeoutError")
  end
  c:sendall("late")
  assert.eq(conn:recv(10), "late", "a timed-out socket still works")
  -- back to blocking: waits without a deadline left over
  conn:settimeout(nil)
  local t = spawn(function() return conn:recv(10) end)
  sleep(0.1) -- longer than the old timeout: an old deadline would fire
  c:sendall("after")
  assert.eq(t:join(), "after")

  -- sendall to a peer that does not read times out as a whole
  c:settimeout(0.2)
  err = assert.raises(function() c:sendall(string.rep("y", 64 * 1024 * 1024)) end, "TimeoutError")
  c:close()
  conn:close()
end

-- accept with a timeout
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  srv:settimeout(0.05)
  assert.raises(function() srv:accept() end, "timed out")
  srv:close()
end

-- setdefaulttimeout affects sockets created afterwards
do
  assert.eq(socket.getdefaulttimeout(), nil)
  local before = socket.socket()
  socket.setdefaulttimeout(2.5)
  assert.eq(socket.getdefaulttimeout(), 2.5)
  local after = socket.socket()
  assert.eq(after:gettimeout(), 2.5)
  assert.eq(before:gettimeout(), nil, "existing sockets keep theirs")
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local c = socket.create_connection(srv:getsockname())
  assert.eq(c:gettimeout(), 2.5)
  local conn = srv:accept()
  assert.eq(conn:gettimeout(), 2.5)
  socket.setdefaulttimeout(0)
  assert.eq(socket.socket():getblocking(), false)
  socket.setdefaulttimeout(nil)
  assert.eq(socket.getdefaulttimeout(), nil)
  assert.eq(socket.socket():gettimeout(), nil)
  assert.fails(function() socket.setdefaulttimeout(-1) end, "bad argument #1 to 'socket.setdefaulttimeout'")
  assert.fails(function() socket.setdefaulttimeout("1") end, "timeout must be a number or nil")
end

-- settimeout misuse
do
  local s = socket.socket()
  assert.fails(function() s:settimeout(-1) end, "bad argument #1 to 'sock:settimeout'")
  assert.fails(function() s:settimeout("1") end, "timeout must be a number or nil")
  assert.fails(function() s:settimeout() end, "bad argument #1 to 'sock:settimeout'")
  assert.fails(function() s:settimeout(0/0) end, "out of range")
  -- very large timeouts are clamped, not overflowed into "no time at all"
  s:settimeout(1e300)
  assert.true_(s:gettimeout() > 1e6)
  s:close()
end
