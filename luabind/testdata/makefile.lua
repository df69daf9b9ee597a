-- sock:makefile(): buffered lines over a stream socket, as Python's.

local function pair()
  local srv = socket.socket()
  srv:bind({"127.0.0.1", 0})
  srv:listen()
  local c = socket.socket()
  c:connect(srv:getsockname())
  local conn = srv:accept()
  srv:close()
  return c, conn
end

-- readline keeps the newline, returns "" at end of stream
do
  local c, conn = pair()
  local f = conn:makefile("r")
  c:sendall("line one\nline two\r\n\nlast")
  c:shutdown(socket.SHUT_WR)
  assert.eq(f:readline(), "line one\n")
  assert.eq(f:readline(), "line two\r\n")
  assert.eq(f:readline(), "\n", "an empty line is just its newline")
  assert.eq(f:readline(), "last", "the last line may lack a newline")
  assert.eq(f:readline(), "")
  assert.eq(f:readline(), "", "end of stream stays so")
  f:close()
  c:close()
  conn:close()
end

-- lines() strips "\n" and "\r\n" and ends at end of stream
do
  local c, conn = pair()
  local f = conn:makefile()
  c:sendall("a\nb\r\n\nc")
  c:close()
  local got = {}
  for line in f:lines() do got[#got + 1] = line end
  assert.eq(#got, 4)
  assert.eq(got[1], "a")
  assert.eq(got[2], "b")
  assert.eq(got[3], "", "an empty line is an empty string, not the end")
  assert.eq(got[4], "c")
  conn:close()
end

-- lines arriving in pieces from a task: readline waits for the rest
do
  local c, conn = pair()
  local writer = spawn(function()
    for _, piece in ipairs({"hel", "lo\nwor", "ld", "\n", "bye\n"}) do
      c:sendall(piece)
      sleep(0.001)
    end
    c:close()
  end)
  local f = conn:makefile("rb")
  local got = {}
  for line in f:lines() do got[#got + 1] = line end
  writer:join()
  assert.eq(table.concat(got, "|"), "hello|world|bye")
  conn:close()
end

-- read(n) returns n bytes (fewer only at the end); read() reads to the end
do
  local c, conn = pair()
  local f = conn:makefile("r")
  c:sendall("0123456789")
  assert.eq(f:read(3), "012")
  assert.eq(f:read(0), "")
  c:sendall("abc\ndef")
  assert.eq(f:read(8), "3456789a", "read(n) gathers across receives")
  assert.eq(f:readline(), "bc\n", "readline continues after read")
  c:sendall(string.rep("z", 100000))
  c:close()
  local rest = f:read()
  assert.eq(#rest, 3 + 100000)
  assert.eq(rest:sub(1, 4), "defz")
  assert.eq(f:read(), "", "nothing after the end")
  assert.eq(f:read(5), "")
  conn:close()

  local c2, conn2 = pair()
  local f2 = conn2:makefile()
  c2:sendall("xy")
  c2:close()
  assert.eq(f2:read(10), "xy", "fewer at the end of stream")
  assert.eq(f2:read("a"), "")
  conn2:close()
end

-- write buffers until flush; the socket stays open after the file closes
do
  local c, conn = pair()
  local w = c:makefile("w")
  assert.true_(rawequal(w:write("a", 1, "b\n"), w), "write returns the file, for chaining")
  w:write("more"):write("\n")
  conn:settimeout(0)
  assert.raises(function() conn:recv(100) end, "BlockingIOError")
  conn:settimeout(10)
  w:flush()
  local r = conn:makefile("r")
  assert.eq(r:readline(), "a1b\n")
  assert.eq(r:readline(), "more\n")
  w:write("on close\n")
  w:close()
  assert.eq(r:readline(), "on close\n", "close flushes")
  w:close() -- closing twice is harmless
  c:sendall("socket still open\n")
  assert.eq(r:readline(), "socket still open\n")
  -- a closed file refuses I/O
  assert.fails(function() w:write("x") end, "I/O operation on closed file")
  assert.fails(function() w:flush() end, "I/O operation on closed file")
  r:close()
  assert.fails(function() r:readline() end, "I/O operation on closed file")
  -- large writes are sent without an explicit flush, never lost
  local w2 = c:makefile("w")
  local big = string.rep("q", 200000)
  local reader = spawn(function()
    local f = conn:makefile("r")
    return f:read(#big)
  end)
  w2:write(big)
  w2:flush()
  assert.eq(#reader:join(), #big)
  c:close()
  conn:close()
end

-- a file on a closed socket raises EBADF; misuse raises argument errors
do
  local c, conn = pair()
  local f = c:makefile("rw")
  assert.contains(tostring(f), "<socket file of <socket fd=")
  assert.fails(function() f:write({}) end, "bad argument #1 to 'file:write'")
  assert.fails(function() f:read({}) end, "bad argument #1 to 'file:read'")
  assert.fails(function() f:read("x") end, "bad argument #1 to 'file:read'")
  assert.fails(function() f.readline() end, "with a colon")
  assert.fails(function() c:makefile("x") end, "bad argument #1 to 'sock:makefile'")
  c:close()
  assert.raises(function() f:readline() end, "Bad file descriptor")
  assert.raises(function() f:write("x") end, "Bad file descriptor")
  conn:close()
end

-- a read with a timeout raises TimeoutError, as recv does
do
  local c, conn = pair()
  conn:settimeout(0.02)
  local f = conn:makefile("r")
  assert.raises(function() f:readline() end, "TimeoutError")
  c:sendall("then it works\n")
  conn:settimeout(10)
  assert.eq(f:readline(), "then it works\n")
  c:close()
  conn:close()
end

-- the mode is enforced, as Python raises io.UnsupportedOperation: an "r"
-- file does not write, a "w" file does not read
do
  local c, conn = pair()
  local r, w = conn:makefile("r"), c:makefile("w")
  assert.fails(function() r:write("x") end, "file:write: file not open for writing")
  -- the default mode is "r"
  assert.fails(function() conn:makefile():write("x") end, "file:write: file not open for writing")
  assert.fails(function() conn:makefile("rb"):write("x") end, "not open for writing")
  assert.fails(function() w:read(1) end, "file:read: file not open for reading")
  assert.fails(function() w:read() end, "file:read: file not open for reading")
  assert.fails(function() w:readline() end, "file:readline: file not open for reading")
  assert.fails(function() w:lines() end, "file:lines: file not open for reading")
  assert.fails(function() c:makefile("wb"):readline() end, "not open for reading")
  r:flush() -- nothing to send: allowed, as in Python
  -- "rw" (also "wr", "rwb") does both
  for _, mode in ipairs({"rw", "wr", "rwb"}) do
    local f = c:makefile(mode)
    f:write(mode, "\n"):flush()
    assert.eq(r:readline(), mode .. "\n", mode)
    conn:sendall("back " .. mode .. "\n")
    assert.eq(f:readline(), "back " .. mode .. "\n", mode)
  end
  w:write("last\n"):close()
  assert.eq(r:readline(), "last\n", "the refused write sent nothing")
  r:close()
  c:close()
  conn:close()
end
