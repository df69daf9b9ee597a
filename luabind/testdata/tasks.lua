-- spawn, join, cancel, sleep: tasks share the Lua state and take turns at
-- every blocking call.

local LOCAL = "127.0.0.1"

-- spawn passes arguments; join returns every result
do
  local t = spawn(function(a, b, c)
    return a + b, c .. "!", nil, true
  end, 1, 2, "hi")
  local sum, s, n, yes = t:join()
  assert.eq(sum, 3)
  assert.eq(s, "hi!")
  assert.eq(n, nil)
  assert.eq(yes, true)
  assert.eq(select("#", t:join()), 4, "join again: the same results")
  assert.eq(t:status(), "done")
  assert.eq(select("#", spawn(function() end):join()), 0)
end

-- join raises the task's error value, unchanged
do
  -- The task cannot run before join: spawn does not give up the runtime
  -- lock, so join is registered before the task fails and the error is
  -- the joiner's, not printed.
  local t = spawn(function() error({code = 42}) end)
  local ok, e = pcall(t.join, t)
  assert.true_(not ok)
  assert.eq(type(e), "table")
  assert.eq(e.code, 42)
  assert.eq(t:status(), "failed")

  local t2 = spawn(function()
    local holder = socket.socket()
    holder:bind({LOCAL, 0})
    local c = socket.socket()
    c:connect(holder:getsockname())
  end)
  local err = assert.raises(function() t2:join() end, "ConnectionRefusedError")
  if err then assert.eq(err.errno, 111) end

  local t3 = spawn(function() error("plain message") end)
  assert.raises(function() t3:join() end, "plain message")
end

-- tasks run concurrently: a server task and a client in the main task
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local server = spawn(function()
    local served = 0
    for _ = 1, 3 do
      local conn = srv:accept()
      local data = conn:recv(100)
      conn:sendall(data:upper())
      conn:close()
      served = served + 1
    end
    return served
  end)
  for i = 1, 3 do
    local c = socket.create_connection(srv:getsockname())
    c:sendall("client " .. i)
    assert.eq(c:recv(100), "CLIENT " .. i)
    c:close()
  end
  assert.eq(server:join(), 3)
  srv:close()
end

-- cancel interrupts a blocked accept; the listener stays usable
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local blocked = spawn(function() return srv:accept() end)
  assert.eq(blocked:status(), "running")
  sleep(0.01) -- most likely blocked in accept by now; cancel works either way
  blocked:cancel()
  local err = assert.raises(function() blocked:join() end, "KeyboardInterrupt")
  assert.eq(blocked:status(), "cancelled")
  blocked:cancel() -- cancelling an ended task is harmless
  -- the interrupt left no deadline behind on the listener
  local c = socket.socket()
  c:connect(srv:getsockname())
  local conn = srv:accept()
  conn:close()
  c:close()
  srv:close()
end

-- cancel interrupts recv and sleep
do
  local a, b = socket.socketpair()
  local r = spawn(function() return a:recv(10) end)
  local s = spawn(function() sleep(3600) end)
  sleep(0.01)
  r:cancel()
  s:cancel()
  assert.raises(function() r:join() end, "KeyboardInterrupt")
  assert.raises(function() s:join() end, "KeyboardInterrupt")
  -- the socket still works afterwards
  b:sendall("still here")
  assert.eq(a:recv(100), "still here")
  a:close()
  b:close()
end

-- cancellation is final: a task that catches the interrupt with pcall
-- still ends at its next Lua instruction
do
  local after = false
  local t = spawn(function()
    pcall(sleep, 3600)
    after = true
  end)
  sleep(0.01)
  t:cancel()
  assert.raises(function() t:join() end, "KeyboardInterrupt")
  assert.eq(after, false, "no Lua code runs after the cancel")
  assert.eq(t:status(), "cancelled")
end

-- sleep
do
  sleep(0)
  sleep(0.001)
  assert.fails(function() sleep(-1) end, "bad argument #1 to", "sleep")
  assert.fails(function() sleep("x") end, "bad argument #1 to", "sleep")
  assert.fails(function() sleep() end, "bad argument #1 to", "sleep")
end

-- many tasks
do
  local tasks = {}
  for i = 1, 200 do
    tasks[i] = spawn(function(n)
      sleep(0.001)
      return n * n
    end, i)
  end
  local sum = 0
  for i = 1, 200 do sum = sum + tasks[i]:join() end
  assert.eq(sum, 200 * 201 * 401 / 6)
end

-- many tasks talking through socketpairs
do
  local results = {}
  local tasks = {}
  for i = 1, 50 do
    local a, b = socket.socketpair()
    tasks[#tasks + 1] = spawn(function()
      local msg = b:recv(100)
      b:sendall(msg .. msg)
      b:close()
    end)
    tasks[#tasks + 1] = spawn(function()
      a:sendall("m" .. i)
      results[i] = a:recv(100)
      a:close()
    end)
  end
  for _, t in ipairs(tasks) do t:join() end
  for i = 1, 50 do assert.eq(results[i], "m" .. i .. "m" .. i) end
end

-- tasks see each other's globals (one Lua state)
do
  shared_counter = 0
  local ts = {}
  for i = 1, 10 do
    ts[i] = spawn(function()
      for _ = 1, 100 do
        local v = shared_counter
        shared_counter = v + 1 -- no blocking call in between: atomic
      end
    end)
  end
  for i = 1, 10 do ts[i]:join() end
  assert.eq(shared_counter, 1000)
end

-- join from inside a task; a task cannot join itself
do
  local inner
  local outer = spawn(function()
    inner = spawn(function() return "inner" end)
    return inner:join() .. "+outer"
  end)
  assert.eq(outer:join(), "inner+outer")
  local self_t
  self_t = spawn(function()
    sleep(0.001)
    return pcall(self_t.join, self_t)
  end)
  local ok, msg = self_t:join()
  assert.eq(ok, false)
  assert.contains(msg, "cannot join itself")
end

-- tostring and misuse
do
  local t = spawn(function() end)
  assert.contains(tostring(t), "<task ")
  t:join()
  assert.true_(tostring(t):find("done>$") ~= nil, tostring(t))
  assert.fails(function() spawn(42) end, "bad argument #1 to", "spawn")
  assert.fails(function() spawn() end, "bad argument #1 to", "spawn")
  assert.fails(function() t.join() end, "bad self to 'task:join'", "with a colon")
  assert.fails(function() t.join(42) end, "bad self to 'task:join'", "got number")
end

-- a spawned task outlives the block that made it; the run waits for it
do
  local a, b = socket.socketpair()
  spawn(function()
    sleep(0.01)
    a:sendall("from a task nobody joins")
    a:close()
  end)
  assert.eq(b:recv(100), "from a task nobody joins")
  b:close()
end

-- blocking calls work inside every Lua construct: pcall, coroutines,
-- metamethods, string.gsub callbacks, for-in iterators, table.sort
do
  local a, b = socket.socketpair()
  local function relay(msg)
    -- a task sends msg after the caller has blocked
    return spawn(function() sleep(0.001) a:sendall(msg) end)
  end

  local t = relay("in pcall")
  local ok, got = pcall(function() return b:recv(100) end)
  assert.eq(ok, true)
  assert.eq(got, "in pcall")
  t:join()

  t = relay("in coroutine")
  local co = coroutine.wrap(function() coroutine.yield(b:recv(100)) end)
  assert.eq(co(), "in coroutine")
  t:join()

  t = relay("in __index")
  local proxy = setmetatable({}, {__index = function(_, k) return b:recv(100) end})
  assert.eq(proxy.anything, "in __index")
  t:join()

  t = relay("in gsub")
  local out = ("X"):gsub("X", function() return b:recv(100) end)
  assert.eq(out, "in gsub")
  t:join()

  t = relay("in iterator")
  local seen
  for v in function(_, prev) if prev then return nil end return b:recv(100) end do seen = v end
  assert.eq(seen, "in iterator")
  t:join()

  t = relay("ba")
  local items = {"x", "y"}
  local extra = nil
  table.sort(items, function(p, q)
    if not extra then extra = b:recv(100) end
    return p < q
  end)
  assert.eq(extra, "ba")
  t:join()

  a:close()
  b:close()
end

-- closing a socket another task waits on ends that wait with EBADF
do
  local a, b = socket.socketpair()
  local t = spawn(function() return a:recv(10) end)
  sleep(0.01) -- lets the task block first (the outcome is the same if not)
  a:close()
  local err = assert.raises(function() t:join() end, "OSError")
  if err then assert.eq(err.errno, 9) end
  b:close()
end

-- a task whose socket calls never block (here sendto on UDP, to a socket
-- that does not read) still lets a task that became ready run: the lock is
-- kept across a call only while no other task waits for it
do
  local sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  sink:bind({"127.0.0.1", 0})
  local to = sink:getsockname()
  local out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
  local stop = false
  local sender = spawn(function()
    local n = 0
    while not stop and n < 5e6 do
      out:sendto("x", to)
      n = n + 1
    end
    return n
  end)
  spawn(function()
    sleep(0.01)
    stop = true
  end):join()
  assert(stop, "the sleeping task ran while the sender was busy")
  assert(sender:join() < 5e6, "the sender saw the other task's flag")
  out:close()
  sink:close()
end
