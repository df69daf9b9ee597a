-- UDP: datagrams keep their boundaries; sendto/recvfrom carry addresses.

local LOCAL = "127.0.0.1"

local function udp()
  local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  s:bind({LOCAL, 0})
  s:settimeout(10) -- a lost datagram fails the test instead of hanging it
  return s
end

-- sendto / recvfrom, and message boundaries
do
  local a, b = udp(), udp()
  assert.eq(a.type, socket.SOCK_DGRAM)
  assert.eq(a.family, socket.AF_INET)
  local to = b:getsockname()
  assert.eq(a:sendto("one", to), 3)
  assert.eq(a:sendto("two!", to), 4)
  assert.eq(a:sendto("", to), 0)
  local data, from = b:recvfrom(1024)
  assert.eq(data, "one", "each recvfrom returns one datagram")
  assert.eq(from, a:getsockname(), "recvfrom names the sender")
  assert.eq(from.port, a:getsockname().port)
  data, from = b:recvfrom(1024)
  assert.eq(data, "two!")
  data = b:recvfrom(1024)
  assert.eq(data, "", "an empty datagram is a message too")

  -- a short buffer takes the start of the datagram; the rest is dropped
  a:sendto("abcdef", to)
  a:sendto("next", to)
  assert.eq(b:recv(3), "abc")
  assert.eq(b:recv(100), "next")

  -- host and port as two arguments; flags before the address
  a:sendto("two args", LOCAL, to.port)
  assert.eq(b:recv(100), "two args")
  a:sendto("flags", 0, to)
  assert.eq(b:recv(100), "flags")

  -- binary payloads
  local bin = string.rep("\0\255", 100)
  a:sendto(bin, to)
  assert.eq(b:recv(1000), bin)

  -- the reply goes to the address recvfrom returned
  a:sendto("ping", to)
  local msg, sender = b:recvfrom(100)
  b:sendto(msg:upper(), sender)
  assert.eq(a:recv(100), "PING")
  a:close()
  b:close()
end

-- an unbound socket is bound implicitly by its first sendto
do
  local a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  a:settimeout(10)
  local b = udp()
  a:sendto("hi", b:getsockname())
  local _, from = b:recvfrom(100)
  assert.eq(from.host, LOCAL)
  assert.eq(from.port, a:getsockname().port)
  b:sendto("back", from)
  local data, from2 = a:recvfrom(100)
  assert.eq(data, "back")
  assert.eq(from2, b:getsockname())
  a:close()
  b:close()
end

-- connect on UDP fixes the peer: send/recv without addresses, and only
-- the peer's datagrams arrive
do
  local a, b, stranger = udp(), udp(), udp()
  a:connect(b:getsockname())
  assert.eq(a:getpeername(), b:getsockname())
  assert.eq(a:send("via send"), 8)
  local data, from = b:recvfrom(100)
  assert.eq(data, "via send")
  assert.eq(from, a:getsockname())
  stranger:sendto("stranger", a:getsockname())
  b:sendto("friend", a:getsockname())
  assert.eq(a:recv(100), "friend", "a connected UDP socket ignores others")
  -- recvfrom on a connected socket still names the sender
  b:sendto("again", a:getsockname())
  local d2, f2 = a:recvfrom(100)
  assert.eq(d2, "again")
  assert.eq(f2, b:getsockname())
  a:close()
  b:close()
  stranger:close()
end

-- a connected UDP socket learns that nobody listens (ICMP port unreachable)
do
  local gone = udp()
  local addr = gone:getsockname()
  gone:close()
  local a = udp()
  a:connect(addr)
  a:send("anyone?")
  local err = assert.raises(function() a:recv(100) end, "ConnectionRefusedError")
  if err then assert.eq(err.errno, 111) end
  a:close()
end

-- misuse specific to datagrams
do
  local a = udp()
  assert.fails(function() a:sendto("x") end, "bad argument #2 to 'sock:sendto'")
  assert.fails(function() a:sendto("x") end, "destination address expected")
  assert.fails(function() a:sendto("x", 0) end, "bad argument #2 to 'sock:sendto'")
  -- send without a peer: EDESTADDRREQ
  local err = assert.raises(function() a:send("x") end, "OSError")
  if err then assert.eq(err.errno, 89) end
  -- no listen on datagram sockets
  err = assert.raises(function() a:listen() end, "OSError")
  if err then assert.eq(err.errno, 95) end
  -- a timeout on recvfrom
  a:settimeout(0.01)
  assert.raises(function() a:recvfrom(10) end, "TimeoutError")
  -- broadcast needs the option
  assert.eq(a:getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 0)
  a:setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
  assert.eq(a:getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST), 1)
  a:close()
end

-- tostring of a datagram socket
do
  local a = udp()
  assert.eq(tostring(a), string.format(
    "<socket fd=%d, family=AF_INET, type=SOCK_DGRAM, proto=0, laddr=('127.0.0.1', %d)>",
    a:fileno(), a:getsockname().port))
  a:close()
end

-- a datagram server task answering several clients
do
  local srv = udp()
  local server = spawn(function()
    for _ = 1, 3 do
      local data, from = srv:recvfrom(100)
      srv:sendto("echo:" .. data, from)
    end
  end)
  for i = 1, 3 do
    local c = udp()
    c:sendto("c" .. i, srv:getsockname())
    assert.eq(c:recv(100), "echo:c" .. i)
    c:close()
  end
  server:join()
  srv:close()
end

-- replying to the address recvfrom returned (the server's pattern) goes to
-- that sender; a reply to that table after changing it goes where it now
-- says, and the table works on another socket too
do
  local server, a, b = udp(), udp(), udp()
  local to = server:getsockname()
  a:sendto("from a", to)
  local data, from = server:recvfrom(100)
  assert.eq(data, "from a")
  server:sendto("back", from)
  assert.eq(a:recv(100), "back", "the reply reaches the sender")

  b:sendto("from b", to)
  data, from = server:recvfrom(100)
  assert.eq(from, b:getsockname())
  from[2] = a:getsockname().port -- now the table names a
  server:sendto("redirected", from)
  assert.eq(a:recv(100), "redirected", "a changed port is used")
  from[2] = b:getsockname().port
  from[1] = "localhost"
  server:sendto("by name", from)
  assert.eq(b:recv(100), "by name", "a changed host is used")

  a:sendto("again", to)
  data, from = server:recvfrom(100)
  b:sendto("via b", from)
  assert.eq(a:recv(100), "via b", "another socket sends to that table's address")
  server:close(); a:close(); b:close()
end

-- every recvfrom returns a table of its own, naming its own sender, when
-- senders on one host alternate or one sender sends twice; changing one
-- table changes no other; sendto and send return each datagram's size
do
  local server, a, b = udp(), udp(), udp()
  local to = server:getsockname()
  local pa, pb = a:getsockname().port, b:getsockname().port
  assert.eq(a:sendto("12345", to), 5)
  assert.eq(a:sendto("12345", to), 5, "the same size twice")
  assert.eq(b:sendto("1234567", to), 7)
  assert.eq(a:sendto("", to), 0)
  local _, f1 = server:recvfrom(100)
  local _, f2 = server:recvfrom(100)
  local _, f3 = server:recvfrom(100)
  local d4, f4 = server:recvfrom(100)
  assert.eq(d4, "")
  assert.eq(table.concat({f1.port, f2.port, f3.port, f4.port}, " "), table.concat({pa, pa, pb, pa}, " "),
    "each table names its sender")
  assert.eq(f1, f2, "one sender's tables are equal")
  assert.eq(rawequal(f1, f2), false, "but not the same table")
  assert.eq(f2 == f3, false)
  f2[2] = pb
  assert.eq(table.concat({f1[2], f4[2], f1.host, f4.host}, " "), table.concat({pa, pa, LOCAL, LOCAL}, " "),
    "changing one table changes no other")
  assert.eq(server:sendto("ab", f1), 2)
  assert.eq(server:sendto("ab", f1), 2)
  assert.eq(server:sendto("xyz", f2), 3)
  assert.eq(a:recv(100), "ab")
  assert.eq(a:recv(100), "ab")
  assert.eq(b:recv(100), "xyz", "the changed table sends to b")
  local c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  c:settimeout(10)
  c:connect(to)
  assert.eq(c:send("hello"), 5)
  assert.eq(c:send("hello"), 5)
  assert.eq(c:send("hi"), 2, "send returns each datagram's size")
  server:close(); a:close(); b:close(); c:close()
end
