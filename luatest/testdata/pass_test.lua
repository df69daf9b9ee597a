-- Every test here passes; luatest_test.go checks that.

local here = 0 -- the file's top level runs before each test, in a fresh runtime
here = here + 1

function test_fresh_runtime()
  assert.eq(here, 1)
  assert.eq(rawget(_G, "leftover"), nil)
  leftover = true
end

function test_fresh_runtime_again()
  assert.eq(rawget(_G, "leftover"), nil)
  leftover = true
end

test_assigned = function()
  assert.eq(1, 1)
end

function test_assertions_that_hold()
  assert.eq({1, 2} == {1, 2}, false)
  assert.ne(1, 2)
  assert.true_(0)
  assert.contains("hello", "ell")
  assert.contains({"a", "b"}, "b")
  assert.matches("port 8080", "^port %d+$")
  assert.near(1.0, 1.05, 0.1)
  assert.near("41.99", 42, 0.1)
  local e = assert.raises(function() socket.socket():recv(-1) end, "negative buffersize")
  assert.contains(e, "negative")
  local s = socket.socket() s:close()
  local err = assert.raises(function() s:recv(1) end, "OSError")
  assert.eq(err.errno, 9)
  assert.raises(function() socket.create_connection({"127.0.0.1", 1}) end, "ConnectionError")
  assert(true, "Lua's assert still works")
end

function test_bundled_server_and_helpers()
  local srv = test.start_server("tcp/loop_server")
  assert.eq(srv.host, "127.0.0.1")
  assert.true_(srv.port > 0)
  assert.eq(srv.addr[1], srv.host)
  assert.eq(srv.addr[2], srv.port)
  assert.contains(tostring(srv), "tcp/loop_server.lua")
  local c = test.connect(srv)
  c:sendall("abc")
  assert.eq(test.recv_exactly(c, 3), "ABC")
  assert.eq(srv:line(), "b'abc'")
  c:sendall("x\n")
  assert.eq(test.recv_until(c, "\n"), "X\n")
  c:close()
  assert.eq(srv:line(), "b'x\\n'")
  assert.eq(srv:line(), "the client has closed the connection")
  assert.eq(srv:wait(), true)
  assert.eq(srv:running(), false)
  assert.contains(srv:output(), "server is listening on")
end

function test_host_port_text()
  local srv = test.start_server("tcp/echo_server")
  assert.eq(test.exchange(srv.host .. ":" .. srv.port, "hi"), "HI")
end

function test_udp_helpers()
  local srv = test.start_server("udp/time_server", 0)
  local reply, from = test.udp_exchange(srv, "%Y")
  assert.eq(reply, os.date("%Y"))
  assert.eq(from.port, srv.port)
end

function test_unix_server()
  local srv = test.start_server("scripts/unix_server.lua", test.tempdir() .. "/echo.sock")
  assert.eq(srv.path, test.tempdir() .. "/echo.sock")
  assert.eq(test.exchange(srv, "over a file"), "over a file")
end

function test_run_a_client()
  local out, err, stderr = test.run("scripts/args.lua", {args = {0, "two"}, stdin = "line one\nline two\n"})
  assert.eq(out, "2\t0\ttwo\tline one\n")
  assert.eq(err, nil)
  assert.eq(stderr, "to stderr\n")
  out, err = test.run("scripts/args.lua", {args = {3}})
  assert.eq(out, "1\t3\tnil\tnil\n")
  assert.eq(err, "os.exit(3)")
  out, err = test.run("scripts/silent.lua", {timeout = 0.2})
  assert.eq(err, "did not finish within 200ms")
end

function test_stop_and_server_output()
  local srv = test.start_server("tcp/multi_server")
  assert.eq(test.exchange(srv, "one"), "ONE")
  srv:stop()
  assert.eq(srv:running(), false)
  assert.raises(function() test.connect(srv, 1) end, "ConnectionRefusedError")
end

function test_spawned_tasks_end_with_the_test()
  local srv = socket.create_server({"127.0.0.1", 0})
  spawn(function() while true do srv:accept():close() end end)
  spawn(function() sleep(60) end)
  test.connect(srv:getsockname()):close()
end

function test_tempdir()
  local d = test.tempdir()
  local sub = test.tempdir("sub")
  assert.eq(sub, d .. "/sub")
  local f = assert(io.open(sub .. "/x.txt", "w"))
  f:write("x")
  f:close()
  assert.raises(function() test.tempdir("../up") end, "without a path")
end

function test_source()
  assert.contains(test.source("scripts/args.lua"), "os.exit(tonumber(arg[1]))")
  assert.contains(test.source("tcp/echo_server"), "socket")
end

function test_log()
  test.log("logged", 42)
end

local function test_local_is_not_a_test()
  error("never runs")
end
