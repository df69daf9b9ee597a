-- TCP: the server/client flow of the tutorial, and the BSD semantics the
-- design promises (bind really binds, setsockopt before bind, backlog).

local LOCAL = "127.0.0.1"

local function listener(backlog)
  local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s:bind({LOCAL, 0})
  s:listen(backlog)
  return s
end

-- pair() -> client, server-side connection, the client's address as accept saw it
local function pair()
  local srv = listener()
  local c = socket.socket()
  c:connect(srv:getsockname())
  local conn, addr = srv:accept()
  srv:close()
  return c, conn, addr
end

-- recvall reads until the peer closes its sending side.
local function recvall(s)
  local parts = {}
  while true do
    local d = s:recv(65536)
    if d == "" then return table.concat(parts) end
    parts[#parts + 1] = d
  end
end

-- recvn reads exactly n bytes (fewer only if the peer closes).
local function recvn(s, n)
  local parts, got = {}, 0
  while got < n do
    local d = s:recv(n - got)
    if d == "" then break end
    parts[#parts + 1] = d
    got = got + #d
  end
  return table.concat(parts)
end

-- bind to port 0: getsockname shows the port the kernel chose
do
  local s = socket.socket()
  s:bind({LOCAL, 0})
  local addr = s:getsockname()
  assert.eq(addr[1], LOCAL)
  assert.eq(addr.host, LOCAL)
  assert.eq(addr[2], addr.port)
  assert.true_(addr.port > 0 and addr.port < 65536, "a port was chosen")
  s:close()

  -- host and port as two arguments, and {host=, port=}
  local s2 = socket.socket()
  s2:bind(LOCAL, 0)
  assert.eq(s2:getsockname().host, LOCAL)
  s2:close()
  local s3 = socket.socket()
  s3:bind({host = LOCAL, port = 0})
  assert.eq(s3:getsockname().host, LOCAL)
  s3:close()
  -- "" is the wildcard address, as in Python
  local s4 = socket.socket()
  s4:bind({"", 0})
  assert.eq(s4:getsockname().host, "0.0.0.0")
  s4:close()
end

-- listen, connect, accept: both ends agree on the addresses
do
  local srv = listener()
  local c = socket.socket()
  c:connect(srv:getsockname())
  local conn, addr = srv:accept()
  assert.eq(addr, c:getsockname(), "accept returns the client's address")
  assert.eq(conn:getpeername(), c:getsockname())
  assert.eq(c:getpeername(), srv:getsockname())
  assert.eq(conn:getsockname(), srv:getsockname())
  assert.eq(conn.family, socket.AF_INET)
  assert.eq(conn.type, socket.SOCK_STREAM)
  assert.eq(conn.proto, 0)
  assert.ne(conn:fileno(), srv:fileno())

  c:sendall("hello")
  assert.eq(recvn(conn, 5), "hello")
  assert.eq(conn:send("world"), 5)
  assert.eq(recvn(c, 5), "world")
  -- bytes, not text: NUL and high bytes pass unchanged
  local bin = "\0\1\2\127\128\254\255\r\n"
  c:sendall(bin)
  assert.eq(recvn(conn, #bin), bin)
  -- recv(n) returns at most n bytes
  c:sendall("abcdef")
  assert.eq(recvn(conn, 2), "ab")
  assert.eq(recvn(conn, 4), "cdef")
  -- recv(0) returns "" without waiting
  assert.eq(conn:recv(0), "")
  c:close()
  conn:close()
  srv:close()
end

-- sendall of 1 MiB while a spawned task reads: sendall blocks on a full
-- buffer and the reader runs meanwhile
do
  local c, conn = pair()
  local data = string.rep("0123456789abcdef", 65536)
  assert.eq(#data, 1048576)
  local reader = spawn(function()
    return recvall(conn)
  end)
  c:sendall(data)
  c:shutdown(socket.SHUT_WR)
  local got = reader:join()
  assert.eq(#got, #data)
  assert.true_(got == data, "1 MiB arrives unchanged")
  c:close()
  conn:close()
end

-- send may send only part; the total adds up
do
  local c, conn = pair()
  local data = string.rep("x", 300000)
  local reader = spawn(recvall, conn)
  local sent = 0
  while sent < #data do
    local n = c:send(data:sub(sent + 1))
    assert.true_(n > 0 and n <= #data - sent, "send returns the count sent")
    sent = sent + n
  end
  c:close()
  assert.eq(#reader:join(), #data)
  conn:close()
end

-- shutdown(SHUT_WR) half-closes: the peer's recv returns "" and it can
-- still send back
do
  local c, conn = pair()
  c:sendall("request")
  c:shutdown(socket.SHUT_WR)
  assert.eq(recvall(conn), "request")
  assert.eq(conn:recv(10), "", "end of stream stays end of stream")
  conn:sendall("reply")
  conn:close()
  assert.eq(recvall(c), "reply")
  -- sending after SHUT_WR is a broken pipe
  local err = assert.raises(function() c:send("more") end, "BrokenPipeError")
  if err then assert.eq(err.errno, 32) end
  c:close()
end

-- recv returns "" once the peer closed; sending there soon fails
do
  local c, conn = pair()
  conn:close()
  assert.eq(c:recv(100), "")
  assert.eq(c:recv(100), "")
  -- The first send may still be accepted by the kernel (the peer answers
  -- with a reset); one of the next ones fails with a ConnectionError.
  local err
  for _ = 1, 10 do
    local ok, e = pcall(c.send, c, "x")
    if not ok then err = e break end
  end
  assert.true_(err ~= nil, "send to a closed peer fails")
  if err then
    assert.true_(err:is("ConnectionError"), tostring(err))
    assert.contains({32, 104}, err.errno)
  end
  c:close()
end

-- connect refused: a port that is bound but not listening refuses
do
  local holder = socket.socket()
  holder:bind({LOCAL, 0})
  local target = holder:getsockname()
  local c = socket.socket()
  local err = assert.raises(function() c:connect(target) end, "ConnectionRefusedError")
  if err then
    assert.eq(err.errno, 111)
    assert.eq(err.name, "ConnectionRefusedError")
    assert.eq(tostring(err), "ConnectionRefusedError: [Errno 111] Connection refused")
  end
  -- a refused socket can try again, as after a blocking connect in C
  local srv = listener()
  c:connect(srv:getsockname())
  assert.eq(c:getpeername(), srv:getsockname())
  c:close()
  srv:close()
  -- connect_ex returns the errno instead of raising
  local c2 = socket.socket()
  assert.eq(c2:connect_ex(target), 111)
  c2:close()
  assert.raises(function() socket.create_connection(target) end, "ConnectionRefusedError")
  holder:close()
end

-- connect_ex returns 0 on success; connecting twice is EISCONN
do
  local srv = listener()
  local c = socket.socket()
  assert.eq(c:connect_ex(srv:getsockname()), 0)
  assert.eq(c:connect_ex(srv:getsockname()), 106)
  local err = assert.raises(function() c:connect(srv:getsockname()) end, "OSError")
  if err then assert.eq(err.errno, 106) end
  c:close()
  srv:close()
end

-- EADDRINUSE appears at bind time, not at listen
do
  local a = listener()
  local b = socket.socket()
  local err = assert.raises(function() b:bind(a:getsockname()) end, "OSError")
  if err then
    assert.eq(err.errno, 98)
    assert.eq(err.name, "OSError")
    assert.contains(tostring(err), "Address already in use")
  end
  b:close()
  a:close()
end

-- SO_REUSEADDR set before bind takes effect
do
  local a = socket.socket()
  assert.eq(a:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 0)
  a:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  assert.eq(a:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1)
  a:bind({LOCAL, 0})
  local addr = a:getsockname()
  -- Linux lets sockets that all set SO_REUSEADDR share an address while
  -- none of them listens; one without it may not.
  local without = socket.socket()
  assert.raises(function() without:bind(addr) end, "Address already in use")
  without:close()
  local with = socket.socket()
  with:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, true)
  assert.eq(with:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1)
  with:bind(addr)
  assert.eq(with:getsockname(), addr)
  with:close()
  a:close()
end

-- the classic: a server restarted while its old connection lingers
-- (TIME_WAIT) binds only with SO_REUSEADDR
do
  local srv = socket.socket()
  srv:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  srv:bind({LOCAL, 0})
  srv:listen()
  local addr = srv:getsockname()
  local c = socket.socket()
  c:connect(addr)
  local conn = srv:accept()
  conn:close() -- the server closes first, so its end lingers
  assert.eq(c:recv(10), "")
  c:close()
  srv:close()
  local plain = socket.socket()
  assert.raises(function() plain:bind(addr) end, "Address already in use")
  plain:close()
  local restarted = socket.socket()
  restarted:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  restarted:bind(addr)
  restarted:listen()
  restarted:close()
end

-- listen(backlog) is honoured: with backlog 1 the kernel queues about one
-- connection, and the next handshake waits until the server accepts
do
  local idle = socket.socket()
  idle:bind({LOCAL, 0})
  assert.eq(idle:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 0)
  idle:close()

  local srv = listener(1)
  assert.eq(srv:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
  local addr = srv:getsockname()
  local clients, connected, waited = {}, 0, false
  for _ = 1, 10 do
    local c = socket.socket()
    c:settimeout(0.5)
    clients[#clients + 1] = c
    local ok, err = pcall(c.connect, c, addr)
    if not ok then
      assert.true_(err:is("TimeoutError"), tostring(err))
      waited = true
      break
    end
    connected = connected + 1
  end
  assert.true_(waited, "a connection beyond the backlog waits")
  assert.true_(connected >= 1 and connected <= 3,
    "backlog 1 queues one or two connections, got " .. connected)
  -- accepting one makes room for the next
  local conn = srv:accept()
  local late = socket.socket()
  late:settimeout(10)
  late:connect(addr)
  conn:close()
  late:close()
  for _, c in ipairs(clients) do c:close() end
  srv:close()

  -- the default backlog queues many
  local big = listener()
  for i = 1, 10 do
    local c = socket.socket()
    c:settimeout(10)
    c:connect(big:getsockname())
    c:close()
  end
  big:close()
end

-- create_server and create_connection
do
  local srv = socket.create_server({LOCAL, 0})
  assert.eq(srv:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR), 1, "create_server sets SO_REUSEADDR")
  assert.eq(srv:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
  local port = srv:getsockname().port
  local c = socket.create_connection({LOCAL, port}, 5)
  assert.eq(c:gettimeout(), 5)
  local conn = srv:accept()
  c:sendall("via create_connection")
  c:close()
  assert.eq(recvall(conn), "via create_connection")
  conn:close()
  -- by name: localhost comes from the hosts file, no DNS
  local c2 = socket.create_connection({"localhost", port})
  assert.eq(c2:gettimeout(), nil)
  local conn2 = srv:accept()
  conn2:close()
  c2:close()
  -- create_server with a backlog option
  local small = socket.create_server({LOCAL, 0}, {backlog = 1})
  small:close()
  srv:close()
end

-- create_server takes its options after either address form
do
  local a = socket.create_server({LOCAL, 0}, {reuse_port = true})
  local b = socket.create_server(LOCAL, 0, {reuse_port = true, backlog = 5})
  for _, s in ipairs({a, b}) do
    assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 1, "the options were applied")
    assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN), 1)
    assert.eq(s:getsockname().host, LOCAL)
  end
  local c = socket.create_server(LOCAL, 0, nil) -- nil options: the defaults
  assert.eq(c:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT), 0)
  a:close() b:close() c:close()
end

-- create_connection(address, timeout, source_address) binds to the source
-- before connecting (all of 127.0.0.0/8 is loopback on Linux)
do
  local srv = socket.create_server({LOCAL, 0})
  local port = srv:getsockname().port
  local c = socket.create_connection({LOCAL, port}, 5, {"127.0.0.2", 0})
  local conn, peer = srv:accept()
  assert.eq(peer.host, "127.0.0.2", "the server sees the source address")
  assert.eq(c:getsockname(), peer)
  assert.ne(peer.port, 0)
  assert.eq(c:gettimeout(), 5)
  c:sendall("from 127.0.0.2")
  c:close()
  assert.eq(recvall(conn), "from 127.0.0.2")
  conn:close()
  -- the two-argument address form, a nil timeout (blocking), the source as host, port
  local c2 = socket.create_connection(LOCAL, port, nil, "127.0.0.3", 0)
  local conn2, peer2 = srv:accept()
  assert.eq(peer2.host, "127.0.0.3")
  assert.eq(c2:gettimeout(), nil)
  conn2:close() c2:close()
  -- a source port held by a listener: the bind fails, nothing connects
  local holder = socket.create_server({"127.0.0.4", 0})
  local err = assert.raises(function()
    socket.create_connection({LOCAL, port}, 5, holder:getsockname())
  end, "OSError")
  assert.eq(err and err.errno, 98, "EADDRINUSE at bind")
  holder:close()
  -- a source that is not this machine's
  local err2 = assert.raises(function()
    socket.create_connection({LOCAL, port}, 5, {"192.0.2.1", 0})
  end, "OSError")
  assert.eq(err2 and err2.errno, 99, "EADDRNOTAVAIL at bind")
  srv:settimeout(0)
  assert.raises(function() srv:accept() end, "BlockingIOError") -- no connection was made
  srv:close()
end

-- socket options
do
  local s = socket.socket()
  s:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
  assert.eq(s:getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY), 1)
  s:setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, true)
  assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 1)
  s:setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, false)
  assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE), 0)
  assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_TYPE), socket.SOCK_STREAM)
  assert.eq(s:getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0)
  -- raw bytes with buflen: SO_LINGER is a struct of two ints
  local linger = s:getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8)
  assert.eq(linger, "\0\0\0\0\0\0\0\0")
  s:close()
end

-- IPv6 on ::1 (skipped when the machine has no IPv6 loopback)
do
  local ok, s = pcall(socket.socket, socket.AF_INET6)
  local bound = ok and pcall(s.bind, s, {"::1", 0})
  if not bound then
    assert.skip("no IPv6 loopback on this machine")
    if ok then s:close() end
  else
    s:listen()
    local addr = s:getsockname()
    assert.eq(addr.host, "::1")
    assert.eq(addr[1], "::1")
    assert.eq(#addr, 4, "IPv6 addresses have flowinfo and scope id")
    assert.eq(addr.flowinfo, 0)
    assert.eq(addr.scope_id, 0)
    assert.eq(tostring(addr), "('::1', " .. addr.port .. ", 0, 0)")
    local c = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    c:connect({"::1", addr.port})
    local conn, peer = s:accept()
    assert.eq(peer, c:getsockname())
    assert.eq(conn.family, socket.AF_INET6)
    c:sendall("over IPv6")
    c:close()
    assert.eq(recvall(conn), "over IPv6")
    conn:close()
    assert.contains(tostring(s), "family=AF_INET6")
    local c2 = socket.create_connection({"::1", addr.port})
    assert.eq(c2.family, socket.AF_INET6)
    c2:close()
    s:close()
  end
end

-- tostring of sockets and addresses, as Python's repr
do
  local fresh = socket.socket()
  assert.eq(tostring(fresh), string.format(
    "<socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('0.0.0.0', 0)>", fresh:fileno()))
  fresh:close()
  assert.eq(tostring(fresh), "<socket [closed] fd=-1, family=AF_INET, type=SOCK_STREAM, proto=0>")
  assert.eq(fresh:fileno(), -1)

  local srv = listener()
  local port = srv:getsockname().port
  assert.eq(tostring(srv), string.format(
    "<socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', %d)>", srv:fileno(), port))
  local c = socket.socket()
  c:connect(srv:getsockname())
  local conn, peer = srv:accept()
  assert.eq(tostring(conn), string.format(
    "<socket fd=%d, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=('127.0.0.1', %d), raddr=('127.0.0.1', %d)>",
    conn:fileno(), port, peer.port))
  assert.eq(tostring(peer), string.format("('127.0.0.1', %d)", peer.port))
  -- print uses the same form
  assert.eq(tostring(srv:getsockname()), "('127.0.0.1', " .. port .. ")")
  c:close()
  conn:close()
  srv:close()
end

-- addresses are equal by value, not by identity
do
  local s = socket.socket()
  s:bind({LOCAL, 0})
  local a, b = s:getsockname(), s:getsockname()
  assert.true_(a == b, "two address tables of one address are ==")
  assert.true_(not rawequal(a, b), "they are distinct tables")
  local other = socket.socket()
  other:bind({LOCAL, 0})
  assert.true_(a ~= other:getsockname(), "different ports differ")
  -- an address can be passed back in, and used as a plain table
  assert.eq(#a, 2)
  assert.eq(a[1] .. ":" .. a[2], LOCAL .. ":" .. a.port)
  local host, port = unpack(a)
  assert.eq(host, LOCAL)
  assert.eq(port, a.port)
  s:close()
  other:close()
end

-- recv and send flags
do
  local c, conn = pair()
  c:sendall("peek")
  conn:settimeout(10)
  assert.eq(recvn(conn, 0), "")
  local peeked = conn:recv(10, socket.MSG_PEEK)
  assert.true_(#peeked > 0 and ("peek"):sub(1, #peeked) == peeked, "MSG_PEEK sees the data")
  assert.eq(recvn(conn, 4), "peek", "and leaves it there")
  -- MSG_DONTWAIT: this call does not wait, whatever the timeout
  local err = assert.raises(function() conn:recv(10, socket.MSG_DONTWAIT) end, "BlockingIOError")
  if err then assert.eq(err.errno, 11) end
  assert.eq(conn:gettimeout(), 10, "the socket's timeout is unchanged")
  -- recvfrom on a connected stream socket has no sender address
  c:sendall("x")
  local data, from = conn:recvfrom(10)
  assert.eq(data, "x")
  assert.eq(from, nil)
  c:close()
  conn:close()
end
