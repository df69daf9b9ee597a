-- AF_UNIX: stream and datagram sockets on paths, socketpair, abstract names.

local dir = arg[1] -- a fresh temporary directory from the test
assert.true_(type(dir) == "string" and #dir > 0, "the test passes a directory")

local function recvall(s)
  local parts = {}
  while true do
    local d = s:recv(65536)
    if d == "" then return table.concat(parts) end
    parts[#parts + 1] = d
  end
end

-- stream sockets on a path
do
  local path = dir .. "/stream.sock"
  local srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
  assert.eq(srv.family, socket.AF_UNIX)
  srv:bind(path)
  srv:listen()
  assert.eq(srv:getsockname(), path, "a path address is the path string")
  assert.eq(tostring(srv), string.format(
    "<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0, laddr=%s>", srv:fileno(), path))

  local c = socket.socket(socket.AF_UNIX)
  c:connect(path)
  local conn, addr = srv:accept()
  assert.eq(addr, "", "an unbound client has the empty address")
  assert.eq(c:getpeername(), path)
  assert.eq(c:getsockname(), "")
  assert.eq(conn:getsockname(), path)
  assert.eq(tostring(c), string.format(
    "<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0, raddr=%s>", c:fileno(), path))

  c:sendall("over a unix socket\0\255")
  c:shutdown(socket.SHUT_WR)
  assert.eq(recvall(conn), "over a unix socket\0\255")
  conn:sendall("reply")
  conn:close()
  assert.eq(recvall(c), "reply")
  c:close()

  -- the path exists while bound: a second bind fails with EADDRINUSE
  local again = socket.socket(socket.AF_UNIX)
  local err = assert.raises(function() again:bind(path) end, "OSError")
  if err then
    assert.eq(err.errno, 98)
    assert.eq(err.family, socket.AF_UNIX, "the error records the socket's family (its hint is about files)")
  end
  again:close()
  local err2 = assert.raises(function() socket.create_server(path, {family = socket.AF_UNIX}) end, "OSError")
  if err2 then
    assert.eq(err2.errno, 98)
    assert.eq(err2.family, socket.AF_UNIX, "create_server's error too")
  end
  srv:close()
  -- the file stays after close: nothing listens there any more
  local late = socket.socket(socket.AF_UNIX)
  local err3 = assert.raises(function() late:connect(path) end, "ConnectionRefusedError")
  if err3 then assert.eq(err3.family, socket.AF_UNIX) end
  late:close()
  -- removing the file frees the path, as the hint says
  assert.true_(os.remove(path))
  local fresh = socket.create_server(path, {family = socket.AF_UNIX})
  fresh:close()
  os.remove(path)
end

-- connect to a missing path: FileNotFoundError
do
  local c = socket.socket(socket.AF_UNIX)
  local err = assert.raises(function() c:connect(dir .. "/missing.sock") end, "FileNotFoundError")
  if err then
    assert.eq(err.errno, 2)
    assert.true_(err:is("OSError"))
  end
  c:close()
end

-- datagram sockets on paths
do
  local pa, pb = dir .. "/a.dgram", dir .. "/b.dgram"
  local a = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
  local b = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
  a:bind(pa)
  b:bind(pb)
  b:settimeout(10)
  assert.eq(a:sendto("first", pb), 5)
  a:sendto("second", pb)
  local data, from = b:recvfrom(100)
  assert.eq(data, "first")
  assert.eq(from, pa, "the sender's path")
  assert.eq(b:recv(100), "second", "boundaries kept")
  b:sendto("back", from)
  assert.eq(a:recv(100), "back")
  -- a connected datagram socket
  a:connect(pb)
  a:send("connected")
  assert.eq(b:recv(100), "connected")
  -- an unbound sender has no address to answer to
  local anon = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
  anon:sendto("anonymous", pb)
  local d2, f2 = b:recvfrom(100)
  assert.eq(d2, "anonymous")
  assert.true_(f2 == nil or f2 == "", "no sender address, got " .. tostring(f2))
  anon:close()
  a:close()
  b:close()
end

-- socketpair: two connected sockets, no names
do
  local a, b = socket.socketpair()
  assert.eq(a.family, socket.AF_UNIX)
  assert.eq(a.type, socket.SOCK_STREAM)
  assert.eq(a:getsockname(), "")
  assert.eq(tostring(a), string.format(
    "<socket fd=%d, family=AF_UNIX, type=SOCK_STREAM, proto=0>", a:fileno()))
  a:sendall("ping")
  assert.eq(b:recv(10), "ping")
  b:sendall("pong")
  assert.eq(a:recv(10), "pong")
  a:close()
  assert.eq(b:recv(10), "", "the other end closed")
  b:close()

  local x, y = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  assert.eq(x.type, socket.SOCK_DGRAM)
  x:send("d1")
  x:send("d2")
  assert.eq(y:recv(100), "d1")
  assert.eq(y:recv(100), "d2")
  x:close()
  y:close()

  assert.fails(function() socket.socketpair(socket.AF_INET) end, "bad argument #1 to 'socket.socketpair'")
end

-- abstract names: a leading NUL byte, no file in the file system
do
  local name = "\0sockplay-test" .. dir
  local srv = socket.socket(socket.AF_UNIX)
  srv:bind(name)
  srv:listen()
  assert.eq(srv:getsockname(), name)
  local c = socket.socket(socket.AF_UNIX)
  c:connect(name)
  local conn = srv:accept()
  assert.eq(c:getpeername(), name)
  c:sendall("abstract")
  c:close()
  assert.eq(recvall(conn), "abstract")
  conn:close()
  -- Python shows abstract names as bytes
  assert.contains(tostring(srv), "laddr=b'\\x00sockplay-test")
  -- the name is taken while bound
  local again = socket.socket(socket.AF_UNIX)
  assert.raises(function() again:bind(name) end, "Address already in use")
  again:close()
  srv:close()
  -- and free once closed (no file lingers)
  local reuse = socket.socket(socket.AF_UNIX)
  reuse:bind(name)
  reuse:close()
end

-- AF_UNIX address misuse
do
  local s = socket.socket(socket.AF_UNIX)
  assert.fails(function() s:bind({"127.0.0.1", 80}) end, "bad argument #1 to 'sock:bind' (a path (string) expected")
  assert.fails(function() s:bind("") end, "empty AF_UNIX path")
  assert.fails(function() s:bind(string.rep("x", 200)) end, "AF_UNIX path too long")
  assert.fails(function() s:connect(42) end, "bad argument #1 to 'sock:connect'")
  s:close()
end

-- a full AF_UNIX backlog: connect waits (or times out, or would block)
do
  local path = dir .. "/backlog.sock"
  local srv = socket.socket(socket.AF_UNIX)
  srv:bind(path)
  srv:listen(0)
  local queued = {}
  local timed_out = false
  for _ = 1, 10 do
    local c = socket.socket(socket.AF_UNIX)
    c:settimeout(0.05)
    queued[#queued + 1] = c
    local ok, err = pcall(c.connect, c, path)
    if not ok then
      assert.true_(err:is("TimeoutError"), tostring(err))
      timed_out = true
      break
    end
  end
  assert.true_(timed_out, "a connect beyond the backlog waits")
  local nb = socket.socket(socket.AF_UNIX)
  nb:settimeout(0)
  assert.raises(function() nb:connect(path) end, "BlockingIOError")
  nb:close()
  -- a blocking connect completes once the server accepts
  local waiter = spawn(function()
    local c = socket.socket(socket.AF_UNIX)
    c:connect(path)
    c:close()
    return "connected"
  end)
  local accepted = {}
  while waiter:status() == "running" do
    srv:settimeout(0.01)
    local ok, conn = pcall(srv.accept, srv)
    if ok then accepted[#accepted + 1] = conn end
  end
  assert.eq(waiter:join(), "connected")
  for _, c in ipairs(accepted) do c:close() end
  for _, c in ipairs(queued) do c:close() end
  srv:close()
end
