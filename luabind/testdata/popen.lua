-- io.popen: a command's output read, or its input written, with the
-- runtime lock released while it waits (other tasks run meanwhile), and
-- close() reporting how the command ended, as Lua 5.2+.
--
-- option: serial
-- (A command's process holds a copy of every descriptor of the test
-- process from its fork to its exec: a socket another file closes
-- meanwhile lives on, and unix.lua's "refused after close" would see a
-- listener that is still there.)

local dir = arg[1]

do -- read formats
  local f = assert(io.popen("printf 'one\\ntwo\\nthree'"))
  assert.eq(f:read(), "one")
  assert.eq(f:read("*L"), "two\n")
  assert.eq(f:read(2), "th")
  assert.eq(f:read("a"), "ree")
  assert.eq(f:read(), nil, "nil at the end")
  local ok, how, code = f:close()
  assert.eq(ok, true) assert.eq(how, "exit") assert.eq(code, 0)
end

do -- binary output comes through unchanged; lines() iterates
  local f = io.popen("printf 'a\\0b\\377\\n2\\n'")
  local got = {}
  for line in f:lines() do got[#got + 1] = line end
  assert.eq(got[1], "a\0b\255") assert.eq(got[2], "2") assert.eq(#got, 2)
  f:close()
end

do -- exit status; stderr merged on request (the command's own stderr goes to the runtime's)
  local f = io.popen("echo out; exit 3")
  assert.eq(f:read("*a"), "out\n")
  local ok, how, code = f:close()
  assert.eq(ok, nil) assert.eq(how, "exit") assert.eq(code, 3)
  local g = io.popen("(echo out; echo err >&2) 2>&1")
  assert.eq(g:read("*a"), "out\nerr\n")
  g:close()
end

do -- mode "w": the command reads what is written
  local path = dir .. "/written.txt"
  local f = io.popen("cat > '" .. path .. "'", "w")
  f:write("hello ", 42, "\n")
  assert.eq(f:close(), true)
  local r = io.open(path) assert.eq(r:read("*a"), "hello 42\n") r:close()
end

do -- while a command's output is awaited, other tasks run: this command
   -- waits for a file that a spawned task creates (a lock held during the
   -- read would wait forever, and the test's deadline would end it)
  local flag = dir .. "/flag"
  local f = io.popen("i=0; while [ ! -e '" .. flag .. "' ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i+1)); done; [ -e '" .. flag .. "' ] && echo seen")
  spawn(function() local w = io.open(flag, "w") w:write("x") w:close() end)
  assert.eq(f:read("*a"), "seen\n")
  f:close()
end

do -- misuse
  assert.fails(function() io.popen("true", "x") end, "bad argument #2 to 'io.popen'")
  local f = io.popen("true")
  f:close()
  assert.fails(function() f:read() end, "closed file")
  assert.fails(function() io.popen("true", "w"):read() end, "not open for reading")
end
