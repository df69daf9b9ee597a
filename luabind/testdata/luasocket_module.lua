-- One socket module, two dialects: Python's socket API and LuaSocket's
-- share the table (no name means two things), while their objects are
-- separate classes with their own conventions.

-- One table, by every name
assert.eq(require("socket"), socket)
assert.eq(require("socket.core"), socket)
assert.eq(require("socket.unix"), socket.unix)

-- LuaSocket's module-level names, each what LuaSocket has there
local functions = {"tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "connect", "connect4",
  "connect6", "bind", "select", "sleep", "gettime", "protect", "newtry", "try", "skip",
  "choose", "source", "sink"}
for _, name in ipairs(functions) do
  assert.eq(type(socket[name]), "function", "socket." .. name)
end
for _, name in ipairs({"dns", "sourcet", "sinkt", "unix"}) do
  assert.eq(type(socket[name]), "table", "socket." .. name)
end
for _, name in ipairs({"toip", "tohostname", "gethostname", "getaddrinfo", "getnameinfo"}) do
  assert.eq(type(socket.dns[name]), "function", "socket.dns." .. name)
end
assert.eq(socket._VERSION, "LuaSocket 3.1.0")
assert.eq(socket._SETSIZE, 1024)
assert.eq(socket._DATAGRAMSIZE, 8192)
assert.eq(socket._SOCKETINVALID, -1)
assert.eq(socket.BLOCKSIZE, 2048)
assert.eq(socket._DEBUG, nil, "debug mode only with LUASOCKET_DEBUG=1")

-- Python's names are all still there and mean what they meant
for _, name in ipairs({"socket", "create_connection", "create_server", "socketpair",
    "getaddrinfo", "gethostname", "gethostbyname", "getdefaulttimeout",
    "setdefaulttimeout", "htons", "inet_aton", "inet_ntop"}) do
  assert.eq(type(socket[name]), "function", "socket." .. name)
end
assert.eq(type(socket.AF_INET), "number")
assert.eq(type(socket.OSError), "table")
assert.eq(socket.timeout, socket.TimeoutError, "Python's alias, not a LuaSocket name")

-- The two kinds of objects do not mix
do
  local py = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  local ls = socket.udp4()
  assert.eq(py.receivefrom, nil, "a Python-style socket has no LuaSocket methods")
  assert.eq(ls.recvfrom, nil, "a LuaSocket object has no Python-style methods")
  assert.fails(function() ls.sendto(py, "x", "127.0.0.1", 9) end, "bad self to 'udp:sendto'",
    "got a socket.socket() object")
  -- sock:send(data, flags) keeps Python's meaning on Python-style sockets
  py:bind({"127.0.0.1", 0})
  local other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  other:connect(py:getsockname())
  assert.eq(other:send("abc", 0), 3)
  py:close()
  other:close()
  ls:close()
end

-- Classes: each method checks the class it needs
do
  local t = socket.tcp()
  assert.eq(t.class, "tcp{master}")
  assert.true_(tostring(t):find("^tcp{master}: 0x%x+$"), tostring(t))
  assert.fails(function() t:receive() end, "bad self to 'tcp:receive'", "tcp{client} or unixstream{client} expected, got tcp{master}")
  assert.fails(function() t:accept() end, "tcp{server}")
  assert.fails(function() t.close(42) end, "bad self to 'close'")
  assert.fails(function() t:settimeout(1, "x") end, "invalid timeout mode")
  assert.eq(t:getfd(), -1, "no descriptor before bind or connect")
  assert.eq(t:getfamily(), "inet4")
  local ok, err = t:getsockname()
  assert.eq(ok, nil)
  assert.eq(err, "Bad file descriptor")
  assert.eq(t:bind("127.0.0.1", 0), 1)
  assert.ne(t:getfd(), -1, "bind made the descriptor")
  assert.eq(t:listen(), 1)
  assert.eq(t.class, "tcp{server}")
  assert.eq(t:close(), 1)
  assert.eq(t:close(), 1, "closing twice is harmless")
end

-- tcp6 and udp6 are IPv6-only
do
  local t6 = socket.tcp6()
  assert.eq(t6:getfamily(), "inet6")
  if t6:bind("::1", 0) then
    local ip, port, family = t6:getsockname()
    assert.eq(ip, "::1")
    assert.eq(family, "inet6")
    assert.true_(port > 0)
  else
    assert.skip("no IPv6 loopback")
  end
  t6:close()
  local r, err = socket.tcp6():bind("127.0.0.1", 0)
  assert.eq(r, nil, "an IPv4 address on an IPv6 socket")
  assert.eq(err, "Address family for hostname not supported")
end

-- Resolution errors are LuaSocket's words
do
  local c, err = socket.connect("", 80)
  assert.eq(c, nil)
  assert.eq(err, "host or service not provided, or not known")
  local r, err2 = socket.udp():sendto("x", "localhost", 9)
  assert.eq(r, nil, "sendto takes numeric addresses only")
  assert.eq(err2, "Name or service not known")
  assert.fails(function() socket.connect("127.0.0.1", 80, nil, nil, "ipx") end, "invalid option 'ipx'")
end

-- try, protect, skip, choose
do
  local f = socket.protect(function(a) return socket.try(a, "failed") end)
  assert.eq(f(5), 5)
  local r, err = f(false)
  assert.eq(r, nil)
  assert.eq(err, "failed")
  local e = assert.raises(function() socket.protect(function() error({code = 1}) end)() end, "table")
  assert.eq(e.code, 1, "other errors pass through protect unchanged")
  assert.eq(select("#", socket.skip(2, 1, 2, 3, 4)), 2)
  local pick = socket.choose({default = function(x) return "d" .. x end, other = function(x) return "o" .. x end})
  assert.eq(pick("other", 1), "o1")
  assert.eq(pick(2), "d2")
  assert.fails(function() pick("nope") end, "unknown key (nope)")
end

-- dns answers localhost from the hosts file
do
  local ip, info = socket.dns.toip("localhost")
  assert.eq(ip, "127.0.0.1")
  assert.eq(info.ip[1], "127.0.0.1")
  local name = socket.dns.tohostname("127.0.0.1")
  assert.eq(type(name), "string")
  local r, err = socket.dns.toip("")
  assert.eq(r, nil)
  assert.eq(err, "host not found")
  local names, service = socket.dns.getnameinfo(nil, 80)
  assert.eq(#names, 0)
  assert.eq(service, "http")
end

-- sleep releases the runtime: another task runs meanwhile
do
  local ran = false
  local task = spawn(function() ran = true end)
  socket.sleep(0.01)
  assert.true_(ran)
  task:join()
  local t0 = socket.gettime()
  socket.sleep(-1)
  assert.true_(socket.gettime() - t0 < 1, "a negative sleep does not wait")
end
