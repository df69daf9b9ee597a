-- The bundled AF_UNIX scripts end to end (see tcp_test.lua).

local h = assert(loadstring(test.source("helpers.lua"), "helpers.lua"))()

-- exists(path): there is a file at path (a socket file cannot be opened,
-- but it can be renamed, to itself).
local function exists(path)
  return os.rename(path, path) == true
end

function test_echo()
  local path = test.tempdir() .. "/echo.sock"
  -- A socket file left by a run that was killed: the server removes it.
  local stale = socket.socket(socket.AF_UNIX)
  stale:bind(path)
  stale:close()
  assert.true_(exists(path), "no stale socket file")

  local srv = test.start_server("unix/echo_server", path)
  assert.eq(srv.path, path)
  assert.eq(h.run("unix/echo_client", {path}, "abc\n\nxyz\n"), ">>>b'ABC'\n>>>>>>b'XYZ'\n>>>\n")
  assert.eq(srv:line(), "b'abc'")
  assert.eq(srv:line(), "b'xyz'")
  assert.eq(srv:line(), "the client has closed the connection")
  assert.true_(srv:wait())
  assert.true_(not exists(path), "the socket file is still there after the server ended")
end

-- The server removes a stale socket file, and nothing else.
function test_echo_server_leaves_other_files()
  local regular = test.tempdir() .. "/notes.txt"
  local f = assert(io.open(regular, "w"))
  f:write("keep me")
  f:close()
  local busy = test.tempdir() .. "/busy.sock"
  local ln = socket.socket(socket.AF_UNIX)
  ln:bind(busy)
  ln:listen()

  for _, c in ipairs({
    {path = regular, why = "exists and is not a socket"},
    {path = busy, why = "another server is listening on " .. busy},
  }) do
    local _, err, stderr = test.run("unix/echo_server", {args = {c.path}})
    assert.eq(err, "os.exit(1)", c.path)
    assert.contains(stderr, c.why)
  end
  f = assert(io.open(regular))
  assert.eq(f:read("*a"), "keep me", "the regular file was touched")
  f:close()
  assert.true_(exists(busy), "the busy socket file was removed")
  ln:close()
end
