-- Errors are values, as Python's exceptions: a class hierarchy walked by
-- err:is(), errno, strerror, a Python-like tostring and where they happened.

local LOCAL = "127.0.0.1"

local function refused()
  local holder = socket.socket()
  holder:bind({LOCAL, 0})
  local c = socket.socket()
  local ok, err = pcall(function() c:connect(holder:getsockname()) end)
  c:close()
  holder:close()
  assert.true_(not ok, "connect to a bound, not listening port fails")
  return err
end

-- the hierarchy
do
  local err = refused()
  assert.eq(type(err), "table")
  assert.eq(err.name, "ConnectionRefusedError")
  assert.true_(err:is("ConnectionRefusedError"))
  assert.true_(err:is("ConnectionError"))
  assert.true_(err:is("OSError"))
  assert.true_(not err:is("ConnectionResetError"))
  assert.true_(not err:is("TimeoutError"))
  assert.true_(not err:is("BlockingIOError"))
  -- classes as values, as Python's except clauses name them
  assert.true_(err:is(socket.ConnectionRefusedError))
  assert.true_(err:is(socket.ConnectionError))
  assert.true_(err:is(socket.OSError))
  assert.true_(err:is(socket.error), "socket.error is OSError")
  assert.eq(socket.error, socket.OSError)
  assert.eq(socket.timeout, socket.TimeoutError)
  assert.eq(socket.OSError.name, "OSError")
  -- misuse names the method, as every other argument error does
  assert.fails(function() err:is("NoSuchError") end, "bad argument #1 to 'err:is' (unknown error class \"NoSuchError\")")
  assert.fails(function() err:is(42) end, "bad argument #1 to 'err:is' (class name or class expected, got number)")
  assert.fails(function() err:is() end, "bad argument #1 to 'err:is'", "got no value")
  assert.fails(function() err.is("OSError") end, "bad self to 'err:is'", "with a colon")
  assert.fails(function() err.is() end, "bad self to 'err:is'", "got no value")
end

-- each class and its parents
do
  local parents = {
    ConnectionError = {"OSError"},
    BrokenPipeError = {"ConnectionError", "OSError"},
    ConnectionAbortedError = {"ConnectionError", "OSError"},
    ConnectionRefusedError = {"ConnectionError", "OSError"},
    ConnectionResetError = {"ConnectionError", "OSError"},
    BlockingIOError = {"OSError"},
    TimeoutError = {"OSError"},
    gaierror = {"OSError"},
  }
  for class, ups in pairs(parents) do
    assert.true_(socket[class] ~= nil, "socket." .. class .. " exists")
    for _, up in ipairs(ups) do
      -- a fake error value of that class, through the same metatable
      local e = refused()
      e.name = class
      assert.true_(e:is(up), class .. " is a " .. up)
    end
    local e = refused()
    e.name = class
    if class ~= "TimeoutError" then
      assert.true_(not e:is("TimeoutError"), class .. " is not a TimeoutError")
    end
  end
end

-- errno values and tostring
do
  local err = refused()
  assert.eq(err.errno, 111)
  assert.eq(err.strerror, "Connection refused")
  assert.eq(tostring(err), "ConnectionRefusedError: [Errno 111] Connection refused")

  local a = socket.socket()
  a:bind({LOCAL, 0})
  a:listen()
  local b = socket.socket()
  local ok, inuse = pcall(b.bind, b, a:getsockname())
  assert.true_(not ok)
  assert.eq(inuse.name, "OSError")
  assert.eq(inuse.errno, 98)
  assert.eq(tostring(inuse), "OSError: [Errno 98] Address already in use")

  -- not connected
  local ok2, nc = pcall(b.getpeername, b)
  assert.true_(not ok2)
  assert.eq(nc.errno, 107)
  assert.eq(tostring(nc), "OSError: [Errno 107] Transport endpoint is not connected")

  -- used after close
  b:close()
  local ok3, bad = pcall(b.recv, b, 1)
  assert.true_(not ok3)
  assert.eq(bad.errno, 9)
  assert.eq(tostring(bad), "OSError: [Errno 9] Bad file descriptor")
  a:close()

  -- errors without errno
  local s = socket.socket()
  s:bind({LOCAL, 0})
  s:listen()
  s:settimeout(0.01)
  local ok4, to = pcall(s.accept, s)
  assert.true_(not ok4)
  assert.eq(to.errno, nil)
  assert.eq(to.strerror, "timed out")
  assert.eq(tostring(to), "TimeoutError: timed out")
  s:close()
end

-- where: the Lua line that made the failing call, also when the method is
-- called through pcall directly (no Lua function in between)
do
  local s = socket.socket()
  s:close()
  local line = debug.getinfo(1, "l").currentline
  local ok, e1 = pcall(function() s:recv(1) end)
  assert.true_(not ok)
  assert.eq(e1.where, "testdata/errors.lua:" .. (line + 1) .. ":")
  line = debug.getinfo(1, "l").currentline
  local _, e2 = pcall(s.recv, s, 1)
  assert.eq(e2.where, "testdata/errors.lua:" .. (line + 1) .. ":", "pcall(s.recv, ...) blames the pcall line")
end

-- gaierror: an address of the wrong family (no DNS needed)
do
  local s = socket.socket(socket.AF_INET)
  local ok, e = pcall(s.connect, s, {"::1", 80})
  assert.true_(not ok)
  assert.eq(e.name, "gaierror")
  assert.true_(e:is("OSError"))
  assert.eq(e.errno, -9, "gaierror numbers are negative, as EAI_*")
  assert.eq(tostring(e), "gaierror: [Errno -9] Address family for hostname not supported")
  s:close()
  -- localhost resolves through the hosts file
  assert.eq(socket.gethostbyname("localhost"), "127.0.0.1")
  assert.eq(socket.gethostbyname("127.0.0.1"), "127.0.0.1")
end

-- error values survive error() and pcall unchanged
do
  local e = refused()
  local ok, again = pcall(error, e)
  assert.true_(not ok)
  assert.true_(rawequal(again, e), "the same value comes back")
  local ok2, msg = pcall(error, "plain", 0)
  assert.true_(not ok2)
  assert.eq(msg, "plain")
end

-- errors raised deep inside a function reach the caller's pcall
do
  local ok, e = pcall(function()
    local s = socket.socket()
    s:settimeout(0)
    s:bind({LOCAL, 0})
    s:listen()
    s:accept()
  end)
  assert.true_(not ok)
  assert.eq(e.name, "BlockingIOError")
  assert.eq(e.errno, 11)
end

-- an error records the family of the socket whose call raised it; module
-- functions without a socket record none
do
  local err = refused()
  assert.eq(err.family, socket.AF_INET)
  local s = socket.socket(socket.AF_INET6)
  s:close()
  local e6 = assert.raises(function() s:recv(1) end, "OSError")
  if e6 then assert.eq(e6.family, socket.AF_INET6, "also for EBADF on a closed socket") end
  local a, b = socket.socketpair()
  local f = a:makefile("r")
  a:settimeout(0)
  local ef = assert.raises(function() f:readline() end, "BlockingIOError")
  if ef then assert.eq(ef.family, socket.AF_UNIX, "a makefile object's socket") end
  a:close() b:close()
  local eg = assert.raises(function() socket.inet_aton("nonsense") end, "OSError")
  if eg then assert.eq(eg.family, nil) end
end
