-- Misuse: every mistake is a clear Lua error naming the function and the
-- argument. Never a Go panic (the assert module reports those), never a hang.

local LOCAL = "127.0.0.1"

-- wrong argument types
do
  local s = socket.socket()
  assert.fails(function() s:bind(42) end, "bad argument #1 to 'sock:bind'", "got number")
  assert.fails(function() s:bind() end, "bad argument #1 to 'sock:bind'", "got no value")
  assert.fails(function() s:bind(true) end, "bad argument #1 to 'sock:bind'", "got boolean")
  assert.fails(function() s:connect() end, "bad argument #1 to 'sock:connect'")
  assert.fails(function() s:recv() end, "bad argument #1 to 'sock:recv'", "bufsize must be an integer")
  assert.fails(function() s:recv("10") end, "bad argument #1 to 'sock:recv'", "got the string \"10\"")
  assert.fails(function() s:recv(1.5) end, "bad argument #1 to 'sock:recv'")
  assert.fails(function() s:recv(-1) end, "bad argument #1 to 'sock:recv'", "negative")
  assert.fails(function() s:recv(10, "x") end, "bad argument #2 to 'sock:recv'", "flags")
  assert.fails(function() s:recvfrom({}) end, "bad argument #1 to 'sock:recvfrom'")
  assert.fails(function() s:send(42) end, "bad argument #1 to 'sock:send'", "use tostring()")
  assert.fails(function() s:send() end, "bad argument #1 to 'sock:send'")
  assert.fails(function() s:sendall({}) end, "bad argument #1 to 'sock:sendall'")
  assert.fails(function() s:listen("5") end, "bad argument #1 to 'sock:listen'")
  assert.fails(function() s:shutdown(5) end, "bad argument #1 to 'sock:shutdown'", "SHUT_RD")
  assert.fails(function() s:shutdown() end, "bad argument #1 to 'sock:shutdown'")
  assert.fails(function() s:settimeout({}) end, "bad argument #1 to 'sock:settimeout'")
  assert.fails(function() s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, {}) end,
    "bad argument #3 to 'sock:setsockopt'")
  assert.fails(function() s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) end,
    "bad argument #3 to 'sock:setsockopt'")
  assert.fails(function() s:setsockopt("SOL_SOCKET", socket.SO_REUSEADDR, 1) end,
    "bad argument #1 to 'sock:setsockopt'")
  assert.fails(function() s:getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 0) end,
    "bad argument #3 to 'sock:getsockopt'")
  assert.fails(function() s:makefile(1) end, "bad argument #1 to 'sock:makefile'")
  s:close()
end

-- data that is not a string: nil given is "nil", nothing given "no value",
-- the same words for every argument that carries data
do
  local a, b = socket.socketpair()
  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  local f = a:makefile("w")
  for _, c in ipairs({
    {function() a:send(nil) end, "bad argument #1 to 'sock:send' (data must be a string, got nil)"},
    {function() a:send() end, "bad argument #1 to 'sock:send' (data must be a string, got no value)"},
    {function() a:send(true) end, "bad argument #1 to 'sock:send' (data must be a string, got boolean)"},
    {function() a:send(42) end, "bad argument #1 to 'sock:send' (data must be a string, got number; use tostring())"},
    {function() a:sendall(nil) end, "bad argument #1 to 'sock:sendall' (data must be a string, got nil)"},
    {function() a:send_msg(nil) end, "bad argument #1 to 'sock:send_msg' (data must be a string, got nil)"},
    {function() u:sendto(nil, {LOCAL, 9}) end, "bad argument #1 to 'sock:sendto' (data must be a string, got nil)"},
    {function() f:write("ok", nil) end, "bad argument #2 to 'file:write' (data must be a string, got nil)"},
    {function() f:write({}) end, "bad argument #1 to 'file:write' (data must be a string, got table)"},
    {function() hexdump(nil) end, "bad argument #1 to 'hexdump' (data must be a string, got nil)"},
    {function() bytes_repr() end, "bad argument #1 to 'bytes_repr' (data must be a string, got no value)"},
    {function() encoding.decode(nil, "gbk") end, "bad argument #1 to 'encoding.decode' (data must be a string, got nil)"},
  }) do
    assert.fails(c[1], c[2])
  end
  f:close(); a:close(); b:close(); u:close()
end

-- malformed addresses
do
  local s = socket.socket()
  local msg = assert.fails(function() s:bind("127.0.0.1:8080") end, "bad argument #1 to 'sock:bind'")
  assert.contains(msg or "", '{"127.0.0.1", 8080}', "the message shows the right form")
  assert.fails(function() s:connect("localhost:80") end, "bad argument #1 to 'sock:connect'", '{"localhost", 80}')
  assert.fails(function() s:bind({LOCAL}) end, "bad argument #1 to 'sock:bind'", "port must be a number")
  assert.fails(function() s:bind({8080, LOCAL}) end, "host must be a string")
  assert.fails(function() s:bind({}) end, "bad argument #1 to 'sock:bind'")
  assert.fails(function() s:bind({LOCAL, 1, 2, 3, 4, 5}) end, "too many elements")
  assert.fails(function() s:bind(LOCAL) end, "port expected after the host")
  assert.fails(function() socket.create_connection("127.0.0.1:80") end,
    "bad argument #1 to 'socket.create_connection'")
  -- an IPv6 literal where IPv4 is wanted
  assert.raises(function() s:bind({"::1", 0}) end, "gaierror")
  s:close()
end

-- ports out of range, fractional, strings
do
  local s = socket.socket()
  for _, port in ipairs({-1, 65536, 1.5, 1e100, 0/0, math.huge}) do
    assert.fails(function() s:bind({LOCAL, port}) end, "bad argument #1 to 'sock:bind'", "port must be 0-65535")
    assert.fails(function() s:connect({LOCAL, port}) end, "bad argument #1 to 'sock:connect'", "port must be 0-65535")
    assert.fails(function() s:bind(LOCAL, port) end, "bad argument #1 to 'sock:bind'")
  end
  assert.fails(function() s:bind({LOCAL, "8080"}) end, "port must be a number, got the string \"8080\"")
  assert.fails(function() s:bind({LOCAL, "http"}) end, "port must be a number, got string")
  assert.fails(function() s:bind(LOCAL, "8080") end, "port must be a number")
  assert.fails(function() socket.create_connection({LOCAL, 70000}) end,
    "bad argument #1 to 'socket.create_connection'", "0-65535")
  assert.fails(function() socket.getaddrinfo(LOCAL, 70000) end, "bad argument #2 to 'socket.getaddrinfo'")
  s:close()
  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  assert.fails(function() u:sendto("x", {LOCAL, 65536}) end, "bad argument #2 to 'sock:sendto'", "0-65535")
  u:close()
end

-- use after close: OSError EBADF from every method that needs the socket
do
  local s = socket.socket()
  s:close()
  local calls = {
    bind = function() s:bind({LOCAL, 0}) end,
    listen = function() s:listen() end,
    accept = function() s:accept() end,
    connect = function() s:connect({LOCAL, 1}) end,
    connect_ex = function() s:connect_ex({LOCAL, 1}) end,
    recv = function() s:recv(1) end,
    recvfrom = function() s:recvfrom(1) end,
    send = function() s:send("x") end,
    sendall = function() s:sendall("x") end,
    sendto = function() s:sendto("x", {LOCAL, 1}) end,
    getpeername = function() s:getpeername() end,
    getsockname = function() s:getsockname() end,
    getsockopt = function() s:getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR) end,
    setsockopt = function() s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) end,
    settimeout = function() s:settimeout(1) end,
    setblocking = function() s:setblocking(true) end,
    makefile = function() s:makefile() end,
    shutdown = function() s:shutdown(socket.SHUT_RDWR) end,
  }
  for name, call in pairs(calls) do
    local err = assert.raises(call, "OSError")
    if err then
      assert.eq(err.errno, 9, name .. " after close")
      assert.eq(tostring(err), "OSError: [Errno 9] Bad file descriptor", name)
    end
  end
  -- these still answer, as in Python
  assert.eq(s:fileno(), -1)
  assert.eq(s:gettimeout(), nil)
  assert.eq(s:getblocking(), true)
  assert.eq(s.family, socket.AF_INET)
  s:close() -- closing twice is harmless
end

-- wrong state
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local err = assert.raises(function() srv:recv(10) end, "OSError")
  if err then
    assert.eq(err.errno, 107, "recv on a listening socket: ENOTCONN")
    assert.contains(tostring(err), "not connected")
  end
  assert.raises(function() srv:getpeername() end, "not connected")
  assert.raises(function() srv:bind({LOCAL, 0}) end, "Invalid argument")
  local fresh = socket.socket()
  assert.raises(function() fresh:recv(10) end, "not connected")
  assert.raises(function() fresh:accept() end, "Invalid argument")
  assert.raises(function() fresh:shutdown(socket.SHUT_WR) end, "not connected")
  fresh:close()
  srv:close()
end

-- methods called with a dot instead of a colon
do
  local s = socket.socket()
  assert.fails(function() s.bind({LOCAL, 0}) end, "'sock:bind'", "with a colon", "got table")
  assert.fails(function() s.recv(10) end, "'sock:recv'", "with a colon", "got number")
  assert.fails(function() s.close() end, "'sock:close'", "with a colon")
  assert.fails(function() s.settimeout(1) end, "'sock:settimeout'", "with a colon")
  assert.fails(function() s.gettimeout() end, "'sock:gettimeout'", "with a colon")
  assert.fails(function() s.fileno() end, "'sock:fileno'", "with a colon")
  -- a method of one socket on a non-socket
  assert.fails(function() s.send("data") end, "'sock:send'", "got string")
  assert.eq(s.nonexistent, nil, "unknown fields are nil, as for any table")
  s:close()
end

-- unknown socket options, families and types
do
  local s = socket.socket()
  assert.fails(function() s:setsockopt(socket.SOL_SOCKET, 12345, 1) end,
    "bad argument #2 to 'sock:setsockopt'", "unknown option 12345")
  assert.fails(function() s:getsockopt(socket.SOL_SOCKET, 12345) end,
    "bad argument #2 to 'sock:getsockopt'", "unknown option")
  assert.fails(function() s:setsockopt(999, socket.SO_REUSEADDR, 1) end, "unknown option")
  assert.fails(function() s:setsockopt(socket.SOL_SOCKET, nil, 1) end, "bad argument #2 to 'sock:setsockopt'")
  s:close()
  assert.fails(function() socket.socket(99) end, "bad argument #1 to 'socket.socket'", "unsupported family 99")
  assert.fails(function() socket.socket(socket.AF_INET, 99) end, "bad argument #2 to 'socket.socket'", "unsupported type")
  assert.fails(function() socket.socket("AF_INET") end, "bad argument #1 to 'socket.socket'")
  assert.fails(function() socket.socket({family = "x"}) end, "bad argument #1 to 'socket.socket'")
  assert.fails(function() socket.socket({family = 1.5}) end, "bad argument #1 to 'socket.socket'", "integer")
  assert.raises(function() socket.socket(socket.AF_INET, socket.SOCK_STREAM, 99) end, "OSError")
  -- the keyword form and the callable module work
  local u = socket.socket({type = socket.SOCK_DGRAM})
  assert.eq(u.type, socket.SOCK_DGRAM)
  u:close()
  local v = socket(socket.AF_INET, socket.SOCK_DGRAM)
  assert.eq(v.type, socket.SOCK_DGRAM)
  v:close()
  assert.true_(rawequal(require("socket"), socket))
end

-- other functions
do
  assert.fails(function() socket.create_connection({LOCAL, 80}, -1) end,
    "bad argument #2 to 'socket.create_connection'")
  assert.fails(function() socket.create_server({LOCAL, 0}, "x") end,
    "bad argument #2 to 'socket.create_server'")
  assert.fails(function() socket.create_server({LOCAL, 0}, {family = 99}) end,
    "bad argument #2 to 'socket.create_server'")
  -- options follow the address, in either form; anything but a table is misuse
  assert.fails(function() socket.create_server(LOCAL, 0, "x") end,
    "bad argument #3 to 'socket.create_server'", "options table expected", "got string")
  assert.fails(function() socket.create_server(LOCAL, 0, 5) end,
    "bad argument #3 to 'socket.create_server'", "got number")
  assert.fails(function() socket.create_server(LOCAL, 0, {family = 99}) end,
    "bad argument #3 to 'socket.create_server'", "unsupported family 99")
  assert.fails(function() socket.create_server({LOCAL, 0}, 5) end,
    "bad argument #2 to 'socket.create_server'", "options table expected", "got number")
  assert.fails(function() socket.create_server("/tmp/x.sock", 5, {family = socket.AF_UNIX}) end,
    "bad argument #2 to 'socket.create_server'", "options table expected", "got number")
  assert.fails(function() socket.create_server(LOCAL, {backlog = 5}) end,
    "to 'socket.create_server'", "port must be a number, got table")
  -- create_connection's source address is an address
  assert.fails(function() socket.create_connection({LOCAL, 80}, 5, {LOCAL, 70000}) end,
    "bad argument #3 to 'socket.create_connection'", "0-65535")
  assert.fails(function() socket.create_connection(LOCAL, 80, 5, {}) end,
    "bad argument #4 to 'socket.create_connection'")
  assert.fails(function() socket.create_connection({LOCAL, 80}, 5, true) end,
    "bad argument #3 to 'socket.create_connection'", "address expected")
  assert.fails(function() socket.getaddrinfo(42) end, "bad argument #1 to 'socket.getaddrinfo'")
  assert.fails(function() socket.getaddrinfo(LOCAL, {}) end, "bad argument #2 to 'socket.getaddrinfo'")
  assert.fails(function() socket.gethostbyname() end, "bad argument #1 to 'socket.gethostbyname'")
  assert.fails(function() socket.setdefaulttimeout({}) end, "bad argument #1 to 'socket.setdefaulttimeout'")
end

-- huge receive buffers are not allocated up front
do
  local a, b = socket.socketpair()
  a:sendall("small")
  assert.eq(b:recv(2000000000), "small")
  a:close()
  b:close()
end

-- errors inside pcall, coroutines and metamethods stay Lua errors
do
  local s = socket.socket()
  s:close()
  local co = coroutine.create(function() s:recv(1) end)
  local ok, err = coroutine.resume(co)
  assert.eq(ok, false)
  assert.eq(type(err), "table")
  assert.eq(err.errno, 9)
end
