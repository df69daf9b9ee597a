-- select.select(rlist, wlist, xlist, timeout): which sockets are ready.

local LOCAL = "127.0.0.1"

local function has(list, x)
  for _, v in ipairs(list) do if rawequal(v, x) then return true end end
  return false
end

-- Lua's select("#", ...) still works through the module
do
  assert.eq(select("#", 1, nil, 3), 3)
  assert.eq(select(2, "a", "b", "c"), "b")
  assert.true_(rawequal(require("select"), select))
end

-- readiness of a pair of connected sockets
do
  local a, b = socket.socketpair()
  local r, w, x = select.select({a, b}, {a}, {}, 0)
  assert.eq(#r, 0, "nothing to read yet")
  assert.eq(#w, 1, "a connected socket is writable")
  assert.true_(rawequal(w[1], a), "the same socket object comes back")
  assert.eq(#x, 0)
  a:send("data")
  r = select.select({a, b}, {}, {}, 5)
  assert.eq(#r, 1)
  assert.true_(rawequal(r[1], b))
  assert.eq(b:recv(10), "data")
  -- end of stream is readable: recv returns "" without blocking
  a:close()
  r = select.select({b}, {}, nil, 5)
  assert.true_(has(r, b), "a closed peer makes the socket readable")
  assert.eq(b:recv(10), "")
  b:close()
end

-- a listener is readable when a connection waits to be accepted
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local r = select.select({srv}, {}, {}, 0)
  assert.eq(#r, 0)
  local c = socket.create_connection(srv:getsockname())
  r = select.select({srv}, {}, {}, 5)
  assert.true_(has(r, srv))
  local conn = srv:accept()
  conn:close()
  c:close()
  srv:close()
end

-- select waits, with the lock released: another task makes it ready
do
  local a, b = socket.socketpair()
  local writer = spawn(function()
    sleep(0.01)
    a:send("wake up")
  end)
  local r = select.select({b}, {}, {})
  assert.true_(has(r, b))
  writer:join()
  a:close()
  b:close()
end

-- a server loop over several clients, as the tutorial's select servers do
do
  local srv = socket.socket()
  srv:bind({LOCAL, 0})
  srv:listen()
  local clients = {}
  local driver = spawn(function()
    for i = 1, 3 do
      local c = socket.create_connection(srv:getsockname())
      c:sendall("hello " .. i)
      clients[i] = c
    end
  end)
  local conns, got = {}, {}
  while #got < 3 do
    local watch = {srv}
    for _, c in ipairs(conns) do watch[#watch + 1] = c end
    local r = select.select(watch, {}, {}, 10)
    assert.true_(#r > 0, "select timed out")
    if #r == 0 then break end
    for _, s in ipairs(r) do
      if rawequal(s, srv) then
        conns[#conns + 1] = srv:accept()
      else
        local data = s:recv(100)
        if data ~= "" then got[#got + 1] = data end
      end
    end
  end
  driver:join()
  table.sort(got)
  assert.eq(table.concat(got, ","), "hello 1,hello 2,hello 3")
  for _, c in ipairs(clients) do c:close() end
  for _, c in ipairs(conns) do c:close() end
  srv:close()
end

-- timeouts: 0 polls, x waits about x, empty lists just sleep
do
  local a, b = socket.socketpair()
  local r, w, x = select.select({a}, {}, {}, 0.02)
  assert.eq(#r + #w + #x, 0, "nothing ready within the timeout")
  local r2 = select.select({}, {}, {}, 0.001)
  assert.eq(#r2, 0)
  a:close()
  b:close()
end

-- objects with a fileno() method, and plain descriptors
do
  local a, b = socket.socketpair()
  a:send("x")
  local wrapper = {sock = b, fileno = function(self) return self.sock:fileno() end}
  local r = select.select({wrapper}, {}, {}, 5)
  assert.true_(rawequal(r[1], wrapper))
  r = select.select({b:fileno()}, {}, {}, 5)
  assert.eq(r[1], b:fileno())
  a:close()
  b:close()
end

-- misuse
do
  local a, b = socket.socketpair()
  assert.fails(function() select.select(a, {}, {}) end, "bad argument #1 to 'select.select'")
  assert.fails(function() select.select({a}, nil, {}) end, "bad argument #2 to 'select.select'")
  assert.fails(function() select.select({a}, {}, {}, -1) end, "bad argument #4 to 'select.select'")
  assert.fails(function() select.select({a}, {}, {}, "1") end, "bad argument #4 to 'select.select'")
  assert.fails(function() select.select({"x"}, {}, {}, 0) end, "bad argument #1 to 'select.select'")
  assert.fails(function() select.select({{}}, {}, {}, 0) end, "fileno")
  assert.fails(function() select.select({}, {}, {}) end, "nothing to wait for")
  a:close()
  assert.fails(function() select.select({a}, {}, {}, 0) end, "closed socket")
  b:close()
end
