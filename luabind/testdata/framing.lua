-- sock:send_msg / sock:recv_msg: a 4-byte big-endian length, then the
-- bytes; one message per call however TCP joins or splits the bytes.

local function pair()
  local srv = socket.create_server({"127.0.0.1", 0})
  local c = socket.create_connection(srv:getsockname())
  local conn = srv:accept()
  srv:close()
  return c, conn
end

-- the wire format: ">I4" length, then the data
do
  local c, conn = pair()
  c:send_msg("hello")
  local raw = conn:recv(9)
  while #raw < 9 do raw = raw .. conn:recv(9 - #raw) end
  assert.eq(raw, "\0\0\0\5hello", "send_msg writes a big-endian length, then the bytes")
  conn:sendall(string.pack(">I4", 3) .. "abc")
  assert.eq(c:recv_msg(), "abc", "recv_msg reads a frame written by hand")
  c:close()
  conn:close()
end

-- boundaries: empty message, messages sent back to back arrive one by one,
-- nil (not "") when the peer closes between messages
do
  local c, conn = pair()
  local big = string.rep("x", 300000)
  c:send_msg("")
  c:send_msg("one")
  c:send_msg(big)
  c:send_msg("two")
  c:close()
  assert.eq(conn:recv_msg(), "", "an empty message is the empty string")
  assert.eq(conn:recv_msg(), "one")
  assert.eq(conn:recv_msg(), big, "a large message arrives whole")
  assert.eq(conn:recv_msg(), "two", "and the next one after it")
  assert.eq(conn:recv_msg(), nil, "nil at the end of the stream")
  assert.eq(conn:recv_msg(), nil, "and again")
  conn:close()
end

-- the limit: exactly the limit passes, one byte more fails on both sides
do
  local c, conn = pair()
  c:send_msg("12345", 5)
  assert.eq(conn:recv_msg(5), "12345", "exactly the limit")
  assert.fails(function() c:send_msg("123456", 5) end,
    "bad argument #1 to 'sock:send_msg'", "6 bytes is over the limit of 5 bytes")
  c:send_msg("123456") -- the default limit (16 MiB) allows it
  local err = assert.raises(function() conn:recv_msg(5) end, "OSError")
  assert.eq(err.errno, 90, "EMSGSIZE")
  assert.contains(tostring(err), "Message too long: the peer announced 6 bytes, over the limit of 5")
  -- the default limit
  conn:sendall(string.pack(">I4", 16 * 1024 * 1024 + 1))
  local err2 = assert.raises(function() c:recv_msg() end, "OSError")
  assert.contains(tostring(err2), "16777217 bytes, over the limit of 16777216")
  assert.fails(function() c:recv_msg(-1) end, "limit must be 0-4294967295")
  assert.fails(function() c:send_msg(42) end, "data must be a string")
  c:close()
  conn:close()
end

-- the peer closing in the middle of a message: in the length, in the data
do
  local c, conn = pair()
  c:sendall("\0\0")
  c:close()
  local err = assert.raises(function() conn:recv_msg() end, "ConnectionError")
  assert.contains(tostring(err), "in the middle of a message: 2 of the 4 bytes of its length")
  conn:close()

  c, conn = pair()
  c:sendall(string.pack(">I4", 10) .. "abc")
  c:shutdown(socket.SHUT_WR)
  err = assert.raises(function() conn:recv_msg() end, "ConnectionError")
  assert.contains(tostring(err), "in the middle of a message: 3 of its 10 bytes")
  c:close()
  conn:close()
end

-- a message arriving in pieces, from another task
do
  local c, conn = pair()
  local writer = spawn(function()
    local frame = string.pack(">I4", 11) .. "hello world"
    for i = 1, #frame do
      c:sendall(frame:sub(i, i))
      sleep(0)
    end
  end)
  assert.eq(conn:recv_msg(), "hello world", "reassembled from 15 one-byte sends")
  writer:join()
  c:close()
  conn:close()
end

-- a timeout while waiting for a message
do
  local c, conn = pair()
  conn:settimeout(0.05)
  assert.raises(function() conn:recv_msg() end, "TimeoutError")
  c:close()
  conn:close()
end

-- only for stream sockets
do
  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  assert.fails(function() u:send_msg("x") end, "message framing is for stream sockets")
  assert.fails(function() u:recv_msg() end, "a datagram keeps its boundaries")
  u:close()
  assert.raises(function() u:recv_msg() end, "OSError") -- closed: EBADF
end

-- AF_UNIX stream sockets frame the same way
do
  local a, b = socket.socketpair()
  a:send_msg("over a socketpair")
  a:send_msg("")
  a:close()
  assert.eq(b:recv_msg(), "over a socketpair")
  assert.eq(b:recv_msg(), "")
  assert.eq(b:recv_msg(), nil)
  b:close()
end

-- the error of a message cut short says how much came
do
  local a, b = socket.socketpair()
  a:sendall(string.pack(">I4", 10) .. "abc")
  a:close()
  local err = assert.raises(function() b:recv_msg() end, "ConnectionError")
  assert.eq(err.received, 3)
  assert.eq(err.expected, 10)
  assert.eq(err.in_length, nil)
  b:close()
  a, b = socket.socketpair()
  a:sendall("\0")
  a:close()
  err = assert.raises(function() b:recv_msg() end, "ConnectionError")
  assert.eq(err.received, 1)
  assert.eq(err.expected, 4)
  assert.eq(err.in_length, true)
  b:close()
end
