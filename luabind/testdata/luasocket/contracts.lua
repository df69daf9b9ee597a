-- The LuaSocket contracts, checked against a peer (peer.lua) that may run
-- on sockplay or on Lua 5.x + LuaSocket, from a client that may too: the
-- ground LuaSocket's own test/testclnt.lua covers (results and error
-- strings, receive patterns and partial results, send ranges, timeouts,
-- select, closing, options, statistics, UDP), written for sockplay, with
-- loopback-only addresses and sizes a CI run affords.
--
--   contracts.lua PORT   prints one line per failure and, last,
--                        "RESULT passed=N failed=M"
--
-- The peer is driven by remote(code): code runs there, with the globals
-- server (its listening socket), data (the connection under test) and
-- control (this connection, to send answers back).

local socket = require("socket")
local HOST = "127.0.0.1"
local port = assert(tonumber(arg and arg[1]), "usage: contracts.lua PORT")

local passed, failed = 0, 0
local function check(name, ok, detail)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.write("FAIL ", name, ": ", tostring(detail), "\n")
  end
end
local function eq(name, got, want)
  check(name, got == want, ("got %s, want %s"):format(tostring(got), tostring(want)))
end

local control = assert(socket.connect(HOST, port))
control:setoption("tcp-nodelay", true)

-- remote runs code in the peer (on one line) and waits for its "\n".
local function remote(code)
  local line = code:gsub("%s*\n%s*", " ")
  assert(control:send(line .. "\n"))
  assert(control:receive())
end

-- answer reads a line the peer sent back with control:send.
local function answer()
  return assert(control:receive())
end

local data
local function reconnect()
  if data then data:close() end
  remote([[
    if data then data:close() end
    data = server:accept()
    data:setoption("tcp-nodelay", true)
  ]])
  data = assert(socket.connect(HOST, port))
  data:setoption("tcp-nodelay", true)
end

local function closed(obj)
  return obj:getfd() == -1 or obj:getfd() == 2^32 - 1
end

------------------------------------------------------------------------
-- Objects: classes, methods, tostring

do
  local tcp_methods = {"accept", "bind", "close", "connect", "dirty", "getfamily",
    "getfd", "getoption", "getpeername", "getsockname", "getstats", "setstats",
    "listen", "receive", "send", "setfd", "setoption", "setpeername",
    "setsockname", "settimeout", "shutdown"}
  local udp_methods = {"close", "dirty", "getfamily", "getfd", "getoption",
    "getpeername", "getsockname", "receive", "receivefrom", "send", "sendto",
    "setfd", "setoption", "setpeername", "setsockname", "settimeout"}
  for _, make in ipairs({"tcp", "tcp4", "tcp6"}) do
    local s = socket[make]()
    for _, m in ipairs(tcp_methods) do
      check(make .. " has " .. m, type(s[m]) == "function", type(s[m]))
    end
    eq(make .. " class", s.class, "tcp{master}")
    check(make .. " tostring", tostring(s):find("^tcp{master}: ") ~= nil, tostring(s))
    s:close()
  end
  for _, make in ipairs({"udp", "udp4", "udp6"}) do
    local s = socket[make]()
    for _, m in ipairs(udp_methods) do
      check(make .. " has " .. m, type(s[m]) == "function", type(s[m]))
    end
    eq(make .. " class", s.class, "udp{unconnected}")
    s:close()
  end
  eq("settimeout result", socket.tcp():settimeout(1), 1)
end

------------------------------------------------------------------------
-- Descriptors: tcp() and udp() get theirs when an address gives the family

do
  local t4 = socket.tcp4()
  check("tcp4 has a descriptor", not closed(t4), t4:getfd())
  t4:close()
  check("closed tcp4 has none", closed(t4), t4:getfd())
  check("tcp() has none yet", closed(socket.tcp()))
  local u4 = socket.udp4()
  check("udp4 has a descriptor", not closed(u4))
  u4:close()
  check("closed udp4 has none", closed(u4))
  check("udp() has none yet", closed(socket.udp()))
  eq("close result", u4:close(), 1)
end

------------------------------------------------------------------------
-- Connections, addresses and families

reconnect()
do
  local ip, p, family = data:getpeername()
  eq("getpeername ip", ip, HOST)
  eq("getpeername port", tonumber(p), port)
  eq("getpeername family", family, "inet")
  local lip, lport = data:getsockname()
  eq("getsockname ip", lip, HOST)
  -- (LuaSocket 3.1.0 gives getsockname's port as a string, later
  -- versions and sockplay as a number: compare numbers.)
  check("getsockname port", (tonumber(lport) or 0) > 0, lport)
  eq("getfamily", data:getfamily(), "inet4")
  eq("class after connect", data.class, "tcp{client}")
  local b, t = data:gettimeout()
  eq("gettimeout block", b, -1)
  eq("gettimeout total", t, -1)
end

------------------------------------------------------------------------
-- Receive patterns

local function test_mixed(len)
  reconnect()
  local inter = math.ceil(len / 4)
  local p1 = "unix " .. string.rep("x", inter) .. "line\n"
  local p2 = "dos " .. string.rep("y", inter) .. "line\r\n"
  local p3 = "raw " .. string.rep("z", inter) .. "bytes"
  local p4 = "end" .. string.rep("w", inter) .. "bytes"
  remote(("str = data:receive(%d)"):format(#p1 + #p2 + #p3 + #p4))
  data:send(p1 .. p2 .. p3 .. p4)
  remote("data:send(str); data:close()")
  local b1, b2 = data:receive(), data:receive()
  local b3 = data:receive(#p3)
  local b4 = data:receive("*a")
  check("mixed patterns " .. len, b1 .. "\n" == p1 and b2 .. "\r\n" == p2 and b3 == p3 and b4 == p4)
end

local function test_line(len, binary)
  reconnect()
  local unit = binary and string.char(120, 21, 77, 4, 5, 0, 7, 36, 44, 100) or "aZb.c#dAe?"
  local str = string.rep(binary and "/" or "x", len % 10) .. string.rep(unit, math.floor(len / 10))
  remote("str = data:receive()")
  data:send(str .. "\n")
  remote("data:send(str .. '\\n')")
  eq((binary and "binary" or "text") .. " line " .. len, data:receive(), str)
end

local function test_raw(len)
  reconnect()
  local half = math.floor(len / 2)
  local s1, s2 = string.rep("x", half), string.rep("y", len - half)
  remote(("str = data:receive(%d)"):format(len))
  data:send(s1)
  data:send(s2)
  remote("data:send(str)")
  check("raw " .. len, data:receive(len) == s1 .. s2)
end

for _, len in ipairs({1, 17, 200, 4091, 80199, 800000}) do
  test_line(len)
  test_line(len, true)
  test_raw(len)
end
for _, len in ipairs({1, 17, 200, 4091, 80199}) do test_mixed(len) end

do -- "\r" anywhere in a line is dropped, not only before "\n"
  reconnect()
  remote([[data:send("a\rb\r\r\nc\n")]])
  eq("\\r dropped", data:receive(), "ab")
  eq("next line", data:receive("*l"), "c")
end

do -- a prefix counts toward the size
  reconnect()
  remote([[data:send("7890")]])
  data:settimeout(10)
  eq("prefix, exact", data:receive(10, "123456"), "1234567890")
  eq("prefix as long as the size", data:receive(8, "87654321"), "87654321")
  eq("prefix longer than the size", data:receive(4, "87654321"), "87654321")
end

do -- invalid patterns are errors, not results
  reconnect()
  check("pattern '*x' raises", not pcall(data.receive, data, "*x"))
  check("negative size raises", not pcall(data.receive, data, -1))
end

------------------------------------------------------------------------
-- Closing: what the other side sees

do
  local str = "little string"
  reconnect()
  remote(("data:send('%s'); data:close(); data = nil"):format(str))
  local back, err, partial = data:receive()
  eq("closed: result", back, nil)
  eq("closed: error", err, "closed")
  eq("closed: partial", partial, str)

  reconnect()
  remote("data:close(); data = nil")
  local total, err2, last = data:send(string.rep("ugauga", 100000))
  if total then
    check("write detection", true) -- the whole send fitted in the buffers
  else
    eq("write detection: error", err2, "closed")
    check("write detection: last index", type(last) == "number", last)
  end

  reconnect()
  remote(("data:send('%s'); data:close(); data = nil"):format(str))
  eq("'*a' before close", data:receive("*a"), str)
  local b, e = data:receive("*a")
  check("'*a' after close", b == nil and e == "closed", tostring(b) .. " " .. tostring(e))

  for _, pattern in ipairs({"*a", "*l", 1, 0}) do
    reconnect()
    remote("data:close(); data = nil")
    data:close()
    local r, e2 = data:receive(pattern)
    check("receive(" .. pattern .. ") after own close", r == nil and e2 == "closed", tostring(e2))
  end

  reconnect()
  remote("data:close(); data = nil")
  -- (The peer closes after it acknowledged the command: send until the
  -- close is seen, within a bound.)
  local err3
  local deadline = socket.gettime() + 20
  while socket.gettime() < deadline do
    local sent
    sent, err3 = data:send(str)
    if not sent then break end
  end
  eq("send after the peer closed", err3, "closed")
end

------------------------------------------------------------------------
-- send(data, i, j) and shutdown

do
  reconnect()
  remote("str = data:receive(3); control:send(str .. '\\n')")
  eq("send(d, 2, 4) returns the last index", data:send("abcdef", 2, 4), 4)
  eq("peer got the range", answer(), "bcd")
  remote("str = data:receive(2); control:send(str .. '\\n')")
  eq("negative indices", data:send("abcdef", -2), 6)
  eq("peer got the tail", answer(), "ef")
  eq("empty range", data:send("abc", 3, 2), 2)
  remote("str = data:receive(7); control:send(str .. '\\n')")
  eq("send returns the last index", data:send("ab"), 2)
  eq("the same again", data:send("ab"), 2)
  eq("then another", data:send("abc"), 3)
  eq("peer got the three", answer(), "ababab" .. "c")

  remote("str = data:receive('*a'); control:send(#str .. '\\n')")
  data:send("12345")
  eq("shutdown result", data:shutdown("send"), 1)
  eq("peer saw the end after the data", answer(), "5")
  check("shutdown with a bad mode raises", not pcall(data.shutdown, data, "sideways"))
end

------------------------------------------------------------------------
-- Statistics

do
  reconnect()
  local total = 0
  for i = 1, 10 do
    local c = (i * 37) % 100 + 1
    remote(("str = data:receive(%d); data:send(str)"):format(c))
    data:send(string.rep("a", c))
    data:receive(c)
    total = total + c
    local r, s, age = data:getstats()
    check("getstats " .. i, r == total and s == total and type(age) == "number",
      ("%s %s want %d"):format(tostring(r), tostring(s), total))
  end
  eq("setstats result", data:setstats(5, 6), 1)
  local r, s = data:getstats()
  check("setstats", r == 5 and s == 6, tostring(r) .. " " .. tostring(s))
end

------------------------------------------------------------------------
-- Non-blocking transfers: timeout 0 and partial results

local function test_nonblocking(size)
  reconnect()
  remote(([[
    data:send(string.rep("a", %d))
    socket.sleep(0.2)
    data:send(string.rep("b", %d) .. "\n")
  ]]):format(size, size))
  data:settimeout(0)
  local str, err, part = nil, "timeout", ""
  local spins = 0
  while true do
    str, err, part = data:receive("*l", part)
    if err ~= "timeout" then break end
    spins = spins + 1
    socket.select({data}, nil, 5) -- wait for more, not spin
  end
  eq("non-blocking line " .. size, str, string.rep("a", size) .. string.rep("b", size))

  reconnect()
  remote(([[
    str = data:receive(%d)
    socket.sleep(0.2)
    str = data:receive(2*%d, str)
    data:send(str)
  ]]):format(size, size))
  data:settimeout(0)
  local out = string.rep("c", 2 * size)
  local start = 0
  while true do
    local ret
    ret, err, start = data:send(out, start + 1)
    if err ~= "timeout" then break end
    socket.select(nil, {data}, 5)
  end
  data:settimeout(-1)
  eq("non-blocking send " .. size, data:receive(2 * size), out)
end

for _, size in ipairs({1, 4091, 200000}) do test_nonblocking(size) end

------------------------------------------------------------------------
-- Timeouts

do
  reconnect()
  remote("data:send(string.rep('a', 1000))")
  data:settimeout(0.3)
  local t = socket.gettime()
  local str, err, partial = data:receive(2000)
  local elapsed = socket.gettime() - t
  eq("block timeout: error", err, "timeout")
  eq("block timeout: partial", partial and #partial, 1000)
  check("block timeout: waited", elapsed >= 0.25 and elapsed < 5, elapsed)
  eq("block timeout: no result", str, nil)

  reconnect()
  -- The peer trickles a byte every 0.1 s: no wait is long, the whole is.
  remote("for i = 1, 20 do data:send('x'); socket.sleep(0.1) end")
  data:settimeout(0.5, "t")
  t = socket.gettime()
  str, err, partial = data:receive(20)
  elapsed = socket.gettime() - t
  eq("total timeout: error", err, "timeout")
  check("total timeout: partial", partial and #partial > 0 and #partial < 20, partial and #partial)
  check("total timeout: bounded", elapsed >= 0.45 and elapsed < 1.8, elapsed)

  reconnect()
  data:settimeout(0.3)
  local big = string.rep("s", 16 * 1024 * 1024) -- more than the buffers hold
  local sent, serr, last = data:send(big)
  if sent then
    check("send timeout (all buffered)", true)
  else
    eq("send timeout: error", serr, "timeout")
    check("send timeout: last index", type(last) == "number" and last > 0 and last < #big, last)
  end
  data:close()
  data = nil
end

do
  local s = assert(socket.bind(HOST, 0, 0))
  s:settimeout(0.2)
  local t = socket.gettime()
  local c, e = s:accept()
  eq("accept timeout", e, "timeout")
  check("accept timeout: nothing", c == nil)
  check("accept timeout: bounded", socket.gettime() - t < 5)
  s:close()
end

do
  -- A listener that accepts nothing, its queue full: a connect waits.
  local l = assert(socket.bind(HOST, 0, 0))
  local _, lp = l:getsockname()
  local queued = {}
  for i = 1, 3 do
    local q = socket.tcp()
    q:settimeout(0.2)
    q:connect(HOST, lp)
    queued[i] = q
  end
  local c = socket.tcp()
  c:settimeout(0.2)
  local t = socket.gettime()
  local r, e = c:connect(HOST, lp)
  check("connect timeout", r == nil and e == "timeout", tostring(e))
  check("connect timeout: bounded", socket.gettime() - t < 5)
  eq("class after a failed connect", c.class, "tcp{client}")
  c:close()
  for _, q in ipairs(queued) do q:close() end
  l:close()
end

------------------------------------------------------------------------
-- Connect, bind and accept errors

do
  local free = assert(socket.bind(HOST, 0))
  local _, fp = free:getsockname()
  free:close()
  local c, e = socket.connect(HOST, fp)
  check("connection refused", c == nil and e == "connection refused", tostring(e))
  local c2, e2 = socket.connect("", port)
  check("empty host", c2 == nil and type(e2) == "string", tostring(e2))

  local s = assert(socket.bind(HOST, 0))
  local ip, p = s:getsockname()
  local t = socket.tcp()
  t:setoption("reuseaddr", false)
  local r, e3 = t:bind(ip, p)
  check("rebind refused", r == nil and e3 == "address already in use", tostring(e3))
  t:close()

  local other = socket.tcp()
  s:setfd(other:getfd()) -- -1: other has no descriptor yet
  s:settimeout(1)
  local a, e4 = s:accept()
  check("accept without a descriptor", a == nil and e4 ~= nil, tostring(e4))
  s:close()
end

------------------------------------------------------------------------
-- Options

do
  reconnect()
  eq("setoption tcp-nodelay", data:setoption("tcp-nodelay", true), 1)
  eq("getoption tcp-nodelay", data:getoption("tcp-nodelay"), true)
  eq("setoption keepalive", data:setoption("keepalive", true), 1)
  eq("getoption keepalive", data:getoption("keepalive"), true)
  eq("setoption linger", data:setoption("linger", {on = true, timeout = 2}), 1)
  local lg = data:getoption("linger")
  check("getoption linger", type(lg) == "table" and lg.on == true and lg.timeout == 2)
  check("recv-buffer-size", type(data:getoption("recv-buffer-size")) == "number")
  check("unknown option raises", not pcall(data.setoption, data, "no-such-option", true))
  check("boolean option wants a boolean", not pcall(data.setoption, data, "keepalive", 1))
  local u = socket.udp()
  local r, e = u:setoption("reuseaddr", true) -- no descriptor yet
  check("option before the descriptor", r == nil and e == "setsockopt failed", tostring(e))
  u:close()
end

------------------------------------------------------------------------
-- select: lists that are also sets, "timeout", dirty objects

do
  local r, w, e = socket.select(nil, nil, 0.1)
  check("select, both nil", type(r) == "table" and type(w) == "table" and e == "timeout")
  local u = socket.udp()
  u:close()
  r, w, e = socket.select({u}, {u}, 0.1)
  check("select, closed sockets", type(r) == "table" and #r == 0 and e == "timeout")
  check("select, invalid list", not pcall(socket.select, "wrong", 1, 0.1))
  check("select, invalid second list", not pcall(socket.select, {}, 1, 0.1))

  reconnect()
  remote([[data:send("one\ntwo\n")]])
  r, w, e = socket.select({data}, nil, 5)
  check("select readable", r[1] == data and r[data] == 1 and #w == 0, tostring(e))
  r, w, e = socket.select(nil, {data}, 5)
  check("select writable", w[1] == data and w[data] == 1 and #r == 0, tostring(e))
  eq("first line", data:receive(), "one")
  check("dirty after a partial read", data:dirty() == true)
  r, w, e = socket.select({data}, nil, 5)
  check("select honours dirty", r[1] == data and e == nil)
  eq("second line", data:receive(), "two")
  check("clean again", data:dirty() == false)
  r, w, e = socket.select({data}, nil, 0.1)
  check("select times out", #r == 0 and e == "timeout", tostring(e))

  -- Whatever number of results the caller keeps: a select made as a
  -- statement still waits for the data, one kept is the readable set.
  remote([[data:send("three\n")]])
  socket.select({data}, nil, 5)
  eq("select as a statement, then receive", data:receive(), "three")
  remote([[data:send("four\n")]])
  local only = socket.select({data}, nil, 5)
  check("select, one result kept", type(only) == "table" and only[1] == data and only[data] == 1)
  local all = { socket.select({data}, nil, 5) }
  check("select, all kept", #all == 2 and all[1][data] == 1 and #all[2] == 0)
  eq("fourth line", data:receive(), "four")
  local none = socket.select({data}, nil, 0.1)
  check("select times out, one result kept", type(none) == "table" and #none == 0)
  all = { socket.select({data}, nil, 0.1) }
  check("select times out, all kept", #all == 3 and all[3] == "timeout", tostring(all[3]))

  local many = {}
  for i = 1, socket._SETSIZE + 1 do
    many[#many + 1] = socket.udp4()
  end
  if #many > socket._SETSIZE then
    check("select, too many sockets", not pcall(socket.select, many, nil, 0.1))
  end
  for _, c in ipairs(many) do c:close() end
end

------------------------------------------------------------------------
-- UDP: unconnected and connected

do
  remote([[
    u = socket.udp()
    u:setsockname("127.0.0.1", 0)
    local _, p = u:getsockname()
    control:send(p .. "\n")
  ]])
  local pport = tonumber(answer())
  local u = assert(socket.udp())
  eq("udp setsockname", u:setsockname(HOST, 0), 1)
  local uip, uport, ufam = u:getsockname()
  check("udp getsockname", uip == HOST and tonumber(uport) > 0 and ufam == "inet")
  u:settimeout(10)
  eq("sendto result", u:sendto("ping", HOST, pport), 4)
  remote([[
    local d, ip, p = u:receivefrom()
    u:sendto(d .. " pong", ip, p)
  ]])
  local d, ip, p = u:receivefrom()
  eq("receivefrom data", d, "ping pong")
  eq("receivefrom ip", ip, HOST)
  eq("receivefrom port", tonumber(p), pport)
  local r, e = u:sendto("x", "localhost", pport)
  check("sendto wants a numeric address", r == nil and type(e) == "string", tostring(e))

  eq("setpeername", u:setpeername(HOST, pport), 1)
  eq("class connected", u.class, "udp{connected}")
  local pip, pp, pfam = u:getpeername()
  check("udp getpeername", pip == HOST and tonumber(pp) == pport and pfam == "inet")
  eq("send on connected", u:send("hello"), 5)
  remote([[
    local d, ip, p = u:receivefrom()
    u:sendto(d, ip, p)
  ]])
  eq("receive on connected", u:receive(), "hello")
  check("receivefrom needs unconnected", not pcall(u.receivefrom, u))
  eq("setpeername('*')", u:setpeername("*"), 1)
  eq("class unconnected", u.class, "udp{unconnected}")
  check("send needs connected", not pcall(u.send, u, "x"))

  u:sendto("abcdef", HOST, pport)
  remote([[
    local d, ip, p = u:receivefrom(3)
    u:sendto(d, ip, p)
    u:sendto("", ip, p)
  ]])
  eq("receivefrom(3) cuts", u:receive(), "abc")
  eq("empty datagram", u:receive(), "")
  eq("udp dirty", u:dirty(), false)
  u:close()
  remote("u:close()")
end

------------------------------------------------------------------------
-- Module functions

do
  check("gettime", type(socket.gettime()) == "number" and socket.gettime() > 1e9)
  local t = socket.gettime()
  socket.sleep(0.05)
  check("sleep", socket.gettime() - t >= 0.04)
  local a, b = socket.skip(1, "x", "y", "z")
  check("skip", a == "y" and b == "z")
  local ip, resolved = socket.dns.toip("localhost")
  check("dns.toip", ip == "127.0.0.1" and type(resolved) == "table" and resolved.ip[1] == "127.0.0.1",
    tostring(ip))
  local info = socket.dns.getaddrinfo("127.0.0.1")
  check("dns.getaddrinfo", info and info[1].family == "inet" and info[1].addr == "127.0.0.1")
  check("dns.gethostname", type(socket.dns.gethostname()) == "string")
  local f = socket.protect(function(v) return socket.try(v, "tried") end)
  local r1, r2 = f(nil)
  check("protect/try", r1 == nil and r2 == "tried")
  eq("try passes values", f(7), 7)
  local finalized = false
  local try = socket.newtry(function() finalized = true end)
  local g = socket.protect(function() try(nil, "no") end)
  local _, msg = g()
  check("newtry finalizer", finalized and msg == "no")
  check("protect passes other errors", not pcall(socket.protect(function() error("real") end)))
  check("_VERSION", type(socket._VERSION) == "string" and socket._VERSION:find("^LuaSocket") ~= nil)
  eq("_DATAGRAMSIZE", socket._DATAGRAMSIZE, 8192)
  eq("BLOCKSIZE", socket.BLOCKSIZE, 2048)
end

------------------------------------------------------------------------
-- Sources and sinks over sockets

do
  reconnect()
  remote([[data:send(string.rep("z", 5000)); data:close(); data = nil]])
  local ltn12 = require("ltn12")
  local t = {}
  assert(ltn12.pump.all(socket.source("until-closed", data), (ltn12.sink.table(t))))
  eq("source until-closed", #table.concat(t), 5000)
  check("source closed the socket", closed(data))
  data = nil

  reconnect()
  remote("str = data:receive(11); control:send(str .. '\\n')")
  assert(ltn12.pump.all(ltn12.source.string("hello world"), socket.sink("keep-open", data)))
  eq("sink keep-open", answer(), "hello world")
  reconnect()
  remote([[data:send("abcdefghij")]])
  t = {}
  assert(ltn12.pump.all(socket.source("by-length", data, 7), (ltn12.sink.table(t))))
  eq("source by-length", table.concat(t), "abcdefg")
end

if data then data:close() end
remote("quit = true")
control:close()
io.write(("RESULT passed=%d failed=%d\n"):format(passed, failed))
