-- Every test here fails in a known way; luatest_test.go checks how.

function test_eq()
  assert.eq("a", "b", "context")
  assert.eq(1, 1)
  assert.ne(2, 2)
end

function test_more_assertions()
  assert.true_(nil)
  assert.contains("hello", "xyz")
  assert.contains({1}, 2)
  assert.matches("port x", "^port %d+$")
  assert.near(1, 2, 0.5)
  assert.near("abc", 2)
  assert.raises(function() end, "OSError")
  assert.raises(function() error("boom") end, "TimeoutError")
  assert.raises(function() error("boom") end, "bang")
  assert.fail("by hand")
end

function test_error_ends_the_test()
  local x = nil
  x.field = 1
  assert.fail("not reached")
end

function test_helper_error_at_the_callers_line()
  local c = test.connect({"127.0.0.1", 1})
end

function test_silent_server()
  test.start_server("scripts/silent.lua")
end

function test_chatty_server()
  test.start_server("scripts/chatty.lua")
end

function test_crashing_server()
  local srv = test.start_server("scripts/crash.lua")
  local c = test.connect(srv)
  c:sendall("ping")
  assert.eq(srv:line(), "got ping")
  srv:line()
end

function test_no_such_script()
  test.start_server("scripts/missing.lua")
end

function test_too_slow()
  sleep(60)
end

function test_stderr()
  local t = spawn(function() error("in a task") end)
  while t:status() == "running" do sleep(0.01) end
end

-- A failing check with a description.
-- hint: the hint,
-- on two lines.
function test_with_doc()
  assert.fail("fails")
end

-- A socket's TimeoutError says what was waited for, and how long.
local function three_bytes()
  local srv = socket.create_server({"127.0.0.1", 0})
  local c = test.connect(srv:getsockname())
  local conn = srv:accept()
  conn:sendall("abc")
  return c, conn, srv
end

function test_recv_until_times_out()
  local c = three_bytes()
  test.recv_until(c, "\n")
end

function test_recv_exactly_times_out()
  local c = three_bytes()
  test.recv_exactly(c, 10)
end

function test_udp_times_out()
  test.udp():recvfrom(10)
end

function test_accept_times_out()
  local srv = socket.create_server({"127.0.0.1", 0})
  srv:settimeout(test.timeout)
  srv:accept()
end
