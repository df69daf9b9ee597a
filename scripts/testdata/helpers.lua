-- What the bundled scripts' tests (the *_test.lua files here) share; each
-- loads it with
--
--   local h = assert(loadstring(test.source("helpers.lua"), "helpers.lua"))()

local h = {}

-- h.run(script, args, stdin) -> stdout: runs a client to its end, which
-- must come without an error and without a word on stderr.
function h.run(script, args, stdin)
  local out, err, stderr = test.run(script, {args = args, stdin = stdin})
  assert.eq(err, nil, script .. " ended with an error")
  assert.eq(stderr, "", script .. " wrote to stderr")
  return out
end

-- h.stop(srv): stops a server, as Ctrl-C does; its run must end
-- interrupted, with nothing on stderr (no error escaped its tasks).
function h.stop(srv)
  srv:stop()
  assert.eq(select(2, srv:wait()), "interrupted", srv.name .. " after stop")
  assert.eq(srv:stderr(), "", srv.name .. "'s stderr")
end

-- h.expect(srv, ...): the server's next lines are these: a string as it
-- is, {pattern} one that matches the Lua pattern.
function h.expect(srv, ...)
  for _, want in ipairs({...}) do
    local line = srv:line()
    if type(want) == "table" then
      assert.matches(line, want[1], srv.name)
    else
      assert.eq(line, want, srv.name)
    end
  end
end

-- h.serve_once(handle) -> port, wait: a server of the test's own on a
-- free port, which accepts one client, calls handle(conn) (conn with
-- test.timeout as its timeout) and closes it; wait() waits for all that
-- and closes the listener.
function h.serve_once(handle)
  local ln = socket.create_server({"127.0.0.1", 0})
  local task = spawn(function()
    local conn = ln:accept()
    conn:settimeout(test.timeout)
    handle(conn)
    conn:close()
  end)
  return ln:getsockname().port, function()
    task:join()
    ln:close()
  end
end

return h
