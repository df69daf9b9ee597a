-- The fault scenarios of issue 12, each as it was reported: what a fuzzer
-- found. (Those that need the trace or the REPL are Go tests: faults_test.go.)

local LOCAL = "127.0.0.1"

local function has(list, x)
  for _, v in ipairs(list) do if rawequal(v, x) then return true end end
  return false
end

-- 1. MSG_TRUNC: the kernel says how long the datagram was, but what recv
-- returns is what it received: never bytes the datagram did not hold
-- (the shared read buffer keeps other reads' bytes), never past the buffer.
do
  local srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  srv:bind({LOCAL, 0})
  local c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  -- another read leaves its bytes in the shared buffer first
  c:sendto(string.rep("Z", 60000), srv:getsockname())
  assert.eq(#srv:recv(65536), 60000)
  c:sendto(string.rep("A", 42), srv:getsockname())
  assert.eq(srv:recv(2, socket.MSG_TRUNC), "AA", "the 2 bytes received, not 42")
  c:sendto(string.rep("B", 42), srv:getsockname())
  local data, from = srv:recvfrom(5, socket.MSG_TRUNC)
  assert.eq(data, "BBBBB")
  assert.eq(from.port, c:getsockname().port)
  c:sendto(string.rep("C", 42), srv:getsockname())
  assert.eq(srv:recv(0, socket.MSG_TRUNC), "")
  c:sendto(string.rep("D", 3), srv:getsockname())
  assert.eq(srv:recv(100, socket.MSG_TRUNC + socket.MSG_PEEK), "DDD")
  assert.eq(srv:recv(100), "DDD")
  c:close()
  srv:close()

  -- an AF_UNIX datagram longer than the buffer recv allocates (> 64 KiB)
  local a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
  b:setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1000000)
  a:setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1000000)
  local big = string.rep("E", 100000)
  assert.eq(b:send(big), 100000)
  local got = a:recv(70000, socket.MSG_TRUNC)
  assert.eq(#got, 70000)
  assert.eq(got, string.rep("E", 70000))
  b:send(big)
  assert.eq(a:recv(16, socket.MSG_TRUNC), string.rep("E", 16))
  a:close()
  b:close()

  -- on a stream socket the kernel discards the bytes: nothing to return
  local p, q = socket.socketpair()
  q:send("hello")
  assert.fails(function() p:recv(10, socket.MSG_TRUNC) end,
    "bad argument #2 to 'sock:recv'", "MSG_TRUNC on a stream socket")
  assert.eq(p:recv(10), "hello")
  p:close()
  q:close()
end

-- 2. sendall with a timeout waits within it, but the socket's timeout is
-- the socket's: another task sees it unchanged, and a settimeout made
-- meanwhile is kept.
do
  local a, b = socket.socketpair()
  a:setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
  a:settimeout(30)
  local sending = true
  local sender = spawn(function()
    a:sendall(string.rep("x", 4194304))
    sending = false
  end)
  -- the sender is waiting for b to read (it cannot finish before)
  local seen = a:gettimeout()
  a:settimeout(nil)
  local received = 0
  while received < 4194304 do
    received = received + #b:recv(1048576)
  end
  sender:join()
  assert.eq(seen, 30, "another task sees the socket's own timeout")
  assert.eq(a:gettimeout(), nil, "the settimeout made during the sendall is kept")
  assert.true_(not sending)

  -- a sendall that runs out of time says so, and leaves the timeout as it was
  a:settimeout(0.05)
  assert.raises(function() a:sendall(string.rep("y", 4194304)) end, "TimeoutError")
  assert.eq(a:gettimeout(), 0.05)
  a:close()
  b:close()
end

-- 3. two tasks reading one makefile: each read is whole, whoever comes
-- first (Python's BufferedReader holds a lock the same way).
do
  local a, b = socket.socketpair()
  local f = a:makefile("r")
  b:send("ab")
  local line, block
  local reader = spawn(function() line = f:readline() end)
  local other = spawn(function() block = f:read(6) end)
  b:send("cd\nefghij")
  b:close()
  reader:join()
  other:join()
  -- the stream "abcd\nefghij" split between them: a line, and 6 bytes
  local ok = (line == "abcd\n" and block == "efghij") or (block == "abcd\ne" and line == "fghij")
  assert.true_(ok, "line " .. tostring(line) .. ", block " .. tostring(block))
  assert.eq(f:read(), "")
  a:close()
end

-- 5. a coroutine waiting in recv inside one task is running to the others:
-- they cannot resume it.
do
  local a, b = socket.socketpair()
  local co = coroutine.create(function() return a:recv(10) end)
  local started = false
  local t = spawn(function() started = true return coroutine.resume(co) end)
  while not started do sleep(0) end
  assert.eq(coroutine.status(co), "running")
  local ok, msg = coroutine.resume(co)
  assert.eq(ok, false)
  assert.eq(msg, "cannot resume running coroutine")
  assert.fails(function() coroutine.wrap(function() end)() coroutine.resume(co) error(msg) end,
    "cannot resume running coroutine")
  b:send("hello")
  local resumed, data = t:join()
  assert.eq(resumed, true)
  assert.eq(data, "hello")
  assert.eq(coroutine.status(co), "dead")
  -- a task's own thread is not a coroutine: nothing can resume it
  assert.eq(coroutine.running(), nil)
  assert.eq(spawn(function() return coroutine.running() end):join(), nil)
  a:close()
  b:close()
end

-- 6. a coroutine belongs to whoever resumes it: a generator made here, used
-- by a task after this code moved on, and one made by a task that ended.
do
  local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
  assert.eq(gen(), 1)
  local t = spawn(function() return gen() + gen() end)
  assert.eq(t:join(), 5)
  local made = spawn(function() return coroutine.wrap(function() coroutine.yield("a") coroutine.yield("b") end) end):join()
  assert.eq(made(), "a")
  assert.eq(made(), "b")
  -- cancelling the task that resumes it stops it
  local co = coroutine.wrap(function() sleep(3600) end)
  local runner = spawn(co)
  runner:cancel()
  assert.raises(function() runner:join() end, "KeyboardInterrupt")
end

-- 7, 8, 9 (fixed in the VM; checked here in the runtime, whose Lua state
-- uses MinimizeStackMemory)
do
  local function deep(n) local ok, e = pcall(deep, n + 1) if not ok then error(e, 0) end end
  local ok, e = pcall(deep, 1)
  assert.eq(ok, false)
  assert.contains(e, "stack overflow")
  local r = {pcall(deep, 1)}
  assert.eq(#r, 2)
  local function f() coroutine.wrap(f)() end
  assert.fails(f, "stack overflow")
  assert.fails(function() return string.rep("x", 2^40) end, "string.rep", "too large")
  assert.fails(function() return string.rep("x", 2^53) end, "string.rep", "too large")
  assert.eq(string.find(2^31, 2^31, 2^31, 2^31), nil)
end

-- 10. closing a socket wakes a task blocked in select on it: select
-- returns it ready, and its next call says EBADF (as in Python).
do
  local a, b = socket.socketpair()
  local closer = spawn(function() a:close() end)
  local r, w, x = select.select({a}, {}, {a})
  closer:join()
  assert.true_(has(r, a), "returned readable")
  assert.true_(has(x, a), "and in the other list it was in")
  assert.raises(function() a:recv(1) end, "OSError")
  -- with a timeout too, and while other sockets are watched
  b:close()
  local c, d = socket.socketpair()
  local e, f = socket.socketpair()
  closer = spawn(function() c:close() end)
  r = select.select({e, c}, {}, {}, 30)
  closer:join()
  assert.true_(has(r, c))
  assert.true_(not has(r, e))
  d:close()
  e:close()
  f:close()
end

-- 11. addresses: what an address does not hold is an argument error
do
  local s = socket.socket()
  local s6 = socket.socket(socket.AF_INET6)
  assert.fails(function() s:connect({LOCAL, 80, "x"}) end, "bad argument #1 to 'sock:connect'", "{host, port}")
  assert.fails(function() s:connect({LOCAL, 80, x = 1}) end, "bad argument #1 to 'sock:connect'", '"x"')
  assert.fails(function() s:bind({host = LOCAL, port = 0, flowinfo = 0}) end, "bad argument #1 to 'sock:bind'")
  assert.fails(function() s6:connect({"::1", 80, -7, 0}) end, "flowinfo must be 0-1048575, got -7")
  assert.fails(function() s6:connect({"::1", 80, 2^20, 0}) end, "flowinfo must be 0-1048575")
  for _, id in ipairs({-1, 1.5, 2^32 + 1, 0/0}) do
    assert.fails(function() s6:connect({"::1", 80, 0, id}) end, "bad argument #1 to 'sock:connect'", "scope_id must be 0-4294967295")
  end
  assert.fails(function() s6:connect({"::1", 80, 0, 0, 0}) end, "too many elements")
  assert.fails(function() s:connect({"::ffff:127.0.0.1", 80}) end, "bad argument #1 to 'sock:connect'", "IPv4-mapped")
  assert.raises(function() s6:connect({"fe80::1%no-such-interface", 80}) end, "gaierror")
  assert.fails(function() s6:connect({"fe80::1%1", 80, 0, 2}) end, "scope id")
  -- a zone that names the loopback interface is its scope id
  local u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
  u:bind({"::1", 0})
  local v = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
  v:sendto("zone", {"::1%lo", u:getsockname().port})
  assert.eq(u:recv(10), "zone")
  u:close()
  v:close()
  s:close()
  s6:close()
end

-- 12. options tables: a misspelt key, a wrong type, a fraction or a number
-- out of range is an argument error; getaddrinfo refuses what getaddrinfo(3) does
do
  assert.fails(function() socket.socket{famly = socket.AF_UNIX} end,
    "bad argument #1 to 'socket.socket'", 'unknown option "famly"')
  assert.fails(function() socket.socket{family = 1.5} end, "family must be an integer")
  assert.fails(function() socket.create_server({LOCAL, 0}, {backlog = "5"}) end,
    "bad argument #2 to 'socket.create_server'", "backlog must be an integer, got the string \"5\"")
  assert.fails(function() socket.create_server({LOCAL, 0}, {famliy = socket.AF_INET}) end, 'unknown option "famliy"')
  for _, b in ipairs({2^63, 0/0, 1.5}) do
    assert.fails(function() socket.create_server({LOCAL, 0}, {backlog = b}) end, "bad argument #2 to 'socket.create_server'", "backlog")
  end
  assert.fails(function() socket.create_server({LOCAL, 0}, {reuse_port = "yes"}) end, "reuse_port must be true or false")
  local srv = socket.create_server({LOCAL, 0}, {backlog = -5, reuse_port = true})
  srv:close()
  for _, case in ipairs({
    {{LOCAL, 80, 0, 70000}, -7}, {{LOCAL, 80, 12345}, -6}, {{LOCAL, 80, 0, 0, 999}, -8},
    {{LOCAL, 80, 0, 0, 0, 0x10000}, -1}, {{LOCAL, 80, 0, socket.SOCK_STREAM, socket.IPPROTO_UDP}, -7},
  }) do
    local e = assert.raises(function() socket.getaddrinfo(table.unpack(case[1])) end, "gaierror")
    assert.eq(e and e.errno, case[2])
  end
  assert.eq(#socket.getaddrinfo(LOCAL, 80, socket.AF_INET, 0, socket.IPPROTO_UDP), 1)
end

-- 13. select's lists are lists of descriptors
do
  local a, b = socket.socketpair()
  assert.fails(function() select.select({x = a}, {}) end, "bad argument #1 to 'select.select'", "list of sockets expected")
  assert.fails(function() select.select({a, nil, b}, {}) end, "bad argument #1 to 'select.select'", "holes")
  assert.fails(function() select.select({}, {2^32}) end, "bad argument #2 to 'select.select'", "at most 2147483647")
  assert.fails(function() select.select({1.5}, {}) end, "must be an integer, got 1.5")
  assert.fails(function() select.select({0/0}, {}) end, "must be an integer")
  assert.fails(function() select.select({-1}, {}) end, "cannot be negative")
  assert.fails(function() select.select({{fileno = function() return 2^40 end}}, {}) end, "at most 2147483647")
  assert.fails(function() select.select({{fileno = function() return "3" end}}, {}) end, "fileno() must return an integer")
  -- the builtin select, which calling the module still is, names itself
  assert.fails(function() select("x") end, "bad argument #1 to 'select'", "number expected, got string")
  assert.fails(function() select(0, 1) end, "bad argument #1 to 'select'", "index out of range")
  assert.fails(function() select(0/0) end, "bad argument #1 to 'select'")
  assert.eq(select(-1, "a", "b"), "b")
  assert.eq(select(1.5, "a", "b"), "a")
  assert.eq(select("#"), 0)
  a:close()
  b:close()
end

-- 14. a tiny timeout is a timeout, not non-blocking
do
  local a, b = socket.socketpair()
  a:settimeout(1e-10)
  assert.true_(a:gettimeout() > 0)
  assert.eq(a:getblocking(), true)
  assert.raises(function() a:recv(1) end, "TimeoutError")
  socket.setdefaulttimeout(1e-10)
  local s = socket.socket()
  assert.true_(s:gettimeout() > 0)
  socket.setdefaulttimeout(nil)
  s:close()
  a:close()
  b:close()
end

-- Messages name their function, and show a huge bad argument only in part.
do
  local t = spawn(sleep)
  local msg = assert.fails(function() t:join() end, "bad argument #1 to 'sleep'")
  assert.true_(not tostring(msg):find("main chunk"), msg)
  t = spawn(string.rep)
  assert.fails(function() t:join() end, "string.rep")
  local huge = string.rep("\255", 10485760)
  local s = socket.socket()
  for _, f in ipairs({
    function() s:makefile(huge) end,
    function() encoding.decode("x", huge) end,
    function() socket.socket{[huge] = 1} end,
    function() select.select({[huge] = s}, {}) end,
    function() s:connect({huge .. ":80"}) end,
    function() s:connect(huge .. ":80") end,
  }) do
    local m = assert.fails(f, "bad argument")
    assert.true_(m and #m < 4000, "a message of " .. (m and #m or 0) .. " bytes")
  end
  s:close()
end

-- Waits that held the runtime lock and could not be interrupted:
-- os.execute, and dofile/loadfile of the process's stdin.
do
  local t = spawn(os.execute, "sleep 100")
  local other = spawn(function() return "ran meanwhile" end)
  assert.eq(other:join(), "ran meanwhile")
  t:cancel()
  assert.raises(function() t:join() end, "KeyboardInterrupt")
  assert.eq(os.execute("exit 0"), 0)
  assert.eq(os.execute("exit 3"), 1)
  assert.fails(function() dofile() end, "bad argument #1 to 'dofile'", "file name expected")
  assert.fails(function() loadfile(nil) end, "bad argument #1 to 'loadfile'")
end

-- Tasks waiting on one socket each wait as long as their own call's
-- timeout says: a later call's longer timeout (or none) does not make an
-- earlier one wait longer.
do
  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  u:bind({LOCAL, 0})
  u:settimeout(0.05)
  local waiting = false
  local a = spawn(function() waiting = true return pcall(u.recv, u, 10) end)
  while not waiting do sleep(0) end -- a waits in recv: it set waiting, then held the lock until it waited
  u:settimeout(nil)
  local b = spawn(function() return u:recv(10) end)
  local ok, err = a:join()
  assert.eq(ok, false)
  assert.true_(type(err) == "table" and err:is("TimeoutError"), tostring(err))
  local c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  c:sendto("for b", u:getsockname())
  assert.eq(b:join(), "for b")
  c:close()
  u:close()
end

-- The same with the task without a timeout in the wait first: the task
-- with one is queued behind it (one waiter at a time is in the system's
-- wait), and its timeout still comes. It did not when the task without
-- one, woken by that deadline, went straight back into the wait.
do
  local u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  u:bind({LOCAL, 0})
  local c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  for i = 1, 30 do
    u:settimeout(nil)
    local waiting = false
    local b = spawn(function() waiting = true return u:recv(10) end)
    while not waiting do sleep(0) end -- b waits in recv: it set waiting, then held the lock until it waited
    u:settimeout(0.01)
    local a = spawn(function() return pcall(u.recv, u, 10) end)
    local ok, err = a:join()
    assert.eq(ok, false)
    assert.true_(type(err) == "table" and err:is("TimeoutError"), tostring(err))
    c:sendto("b" .. i, u:getsockname())
    assert.eq(b:join(), "b" .. i)
  end
  c:close()
  u:close()
end
