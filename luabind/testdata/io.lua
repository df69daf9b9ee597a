-- io on the runtime's streams: io.stdin, io.read, io.lines() and input()
-- read the runtime's input (io.stdin here), one line reader for all;
-- io.write returns io.stdout; files stay gopher-lua's.
--
-- option: stdin io.stdin

local dir = arg[1]

do -- the default input is io.stdin, and everything reads the same lines in turn
  assert.true_(rawequal(io.input(), io.stdin), "io.input() is io.stdin")
  assert.eq(io.stdin:read(), "first")
  assert.eq(io.read(), "second line")
  assert.eq(io.stdin:read("L"), "third\n", "\"L\" keeps a newline (the \\r goes)")
  assert.eq(input(), "fourth")
  assert.eq(io.stdin:read("*l"), "fifth")
  for line in io.lines() do
    assert.eq(line, "sixth", "io.lines() iterates the input")
    break
  end
end

do -- io.input(file) makes io.read and io.lines() read the file; io.input(io.stdin) goes back
  local path = dir .. "/in.txt"
  local f = assert(io.open(path, "w"))
  f:write("file 1\nfile 2\nfile 3\n")
  f:close()
  local file = io.input(path)
  assert.true_(rawequal(io.input(), file), "io.input() is the file now")
  assert.eq(io.read(), "file 1")
  local got = {}
  for line in io.lines() do got[#got + 1] = line end
  assert.eq(table.concat(got, "|"), "file 2|file 3")
  assert.eq(io.read(), nil, "the file's end")
  assert.true_(rawequal(io.input(io.stdin), io.stdin))
  assert.true_(rawequal(io.input(), io.stdin))
  assert.eq(io.read(), "seventh", "back on the runtime's input, where it was")
  -- io.lines(name) and io.open are still about files
  got = {}
  for line in io.lines(path) do got[#got + 1] = line end
  assert.eq(table.concat(got, "|"), "file 1|file 2|file 3")
  local r = assert(io.open(path))
  assert.eq(r:read("*a"), "file 1\nfile 2\nfile 3\n")
  r:close()
  file:close()
end

do -- io.stdin:lines() to the end; then every reader sees the end of input
  local got = {}
  for line in io.stdin:lines() do got[#got + 1] = line end
  assert.eq(table.concat(got, "|"), "eighth|last without newline")
  assert.eq(io.read(), nil)
  assert.eq(io.stdin:read(), nil)
  assert.eq(io.read("L"), nil)
  assert.eq(input(), nil)
  assert.eq(io.lines()(), nil)
  io.stdin:close() -- harmless: the runtime's input stays
end

do -- io.write returns io.stdout (Lua returns the file), so writes chain
  assert.true_(rawequal(io.write(""), io.stdout))
  assert.true_(rawequal(io.write("a", 1):write("b\n"), io.stdout))
  assert.true_(rawequal(io.stdout:write(""), io.stdout))
  assert.true_(rawequal(io.stderr:write(""), io.stderr))
end

do -- misuse names the function
  assert.fails(function() io.write({}) end, "bad argument #1 to 'io.write' (string expected, got table)")
  assert.fails(function() io.write("ok", nil) end, "bad argument #2 to 'io.write' (string expected, got nil)")
  assert.fails(function() io.read({}) end, "bad argument #1 to 'io.read'", "got table")
  assert.fails(function() io.read("n") end, "bad argument #1 to 'io.read'", "only line formats")
  assert.fails(function() io.read(5) end, "bad argument #1 to 'io.read'")
  assert.fails(function() io.stdin:read({}) end, "bad argument #1 to 'file:read'")
  assert.fails(function() io.stdin:read("a") end, "bad argument #1 to 'file:read'", "only line formats")
  assert.fails(function() io.stdin.read() end, "bad self to 'file:read'", "with a colon")
  assert.fails(function() io.stdin.lines() end, "bad self to 'file:lines'")
  assert.fails(function() io.stdout:write("x", {}) end, "bad argument #2 to 'file:write' (string expected, got table)")
  assert.fails(function() io.stdout.write("x") end, "bad self to 'file:write'")
  assert.fails(function() io.input(42) end, "bad argument #1 to 'io.input'", "got number")
  assert.true_(rawequal(io.input(), io.stdin), "a failed io.input changes nothing")
end
