-- The bundled scripts in the LuaSocket dialect (luasocket/*) and the
-- benchmark's LuaSocket-dialect echo server, end to end (see tcp_test.lua).

local h = assert(loadstring(test.source("helpers.lua"), "helpers.lua"))()

-- free_port(typ) -> port: a port nothing listens on. It is bound by a
-- socket that stays open and never listens, so a connect is refused and
-- no other program can take the port meanwhile.
local function free_port(typ)
  local s = socket.socket(socket.AF_INET, typ)
  s:bind({"127.0.0.1", 0})
  return s:getsockname().port, s
end

function test_echo()
  local srv = test.start_server("luasocket/echo_server")
  -- A client held open meanwhile: the server serves both at once.
  local other = test.connect(srv)
  h.expect(srv, {"^client 127%.0%.0%.1 %d+ connected$"})

  local out = h.run("luasocket/echo_client", {srv.port}, "hello\nworld\n")
  assert.eq(out, "> hello\n> world\n> \n")
  h.expect(srv, {"^client 127%.0%.0%.1 %d+ connected$"}, "echo: hello", "echo: world", "client left: closed")

  other:sendall("still here\r\n")
  assert.eq(test.recv_exactly(other, #"still here\n"), "still here\n")
  h.expect(srv, "echo: still here")
  other:close()
  h.stop(srv)
end

function test_echo_client_without_server()
  local port, holder = free_port(socket.SOCK_STREAM)
  local out, err = test.run("luasocket/echo_client", {args = {port}, stdin = "hello\n"})
  holder:close()
  assert.matches(err or "", "cannot connect to 127%.0%.0%.1:%d+: connection refused", "the refusal (output " .. out .. ")")
end

function test_time_client()
  local srv = test.start_server("udp/time_server")
  local out = h.run("luasocket/time_client", {srv.port}, "%Y\n  %H:%M  \n")
  local prompt = "time format (e.g. %Y %m %d)> "
  local p = prompt:gsub("%p", "%%%0")
  assert.matches(out, "^" .. p .. "date: %d%d%d%d\n" .. p .. "date: %d%d:%d%d\n" .. p .. "\n$")
  h.expect(srv, "===>\tb'%Y'", {"^%d%d%d%d\tstring$"}, "===>\tb'%H:%M'", {"^%d%d:%d%d\tstring$"})
  h.stop(srv)

  -- No server: the connected socket hears the refusal.
  local port, holder = free_port(socket.SOCK_DGRAM)
  holder:close() -- a UDP port refuses (ICMP port unreachable) only with nothing bound
  out = h.run("luasocket/time_client", {port}, "%Y\n")
  assert.eq(out, prompt .. "no answer: connection refused\n")
end

-- payload(seed, n) -> data: n pseudo-random bytes, every byte value among them.
local function payload(seed, n)
  math.randomseed(seed)
  local t = {}
  for i = 1, math.min(n, 997) do t[i] = string.char(math.random(0, 255)) end
  return (table.concat(t):rep(math.ceil(n / 997))):sub(1, n)
end

-- The benchmark's peer echoes every byte, to many clients at once,
-- including more than the socket buffers hold (its sends wait for room).
function test_bench_luasocket_echo_server()
  local srv = test.start_server("bench/luasocket_echo_server")
  local clients = {}
  for i = 0, 5 do
    local c = test.connect(srv)
    clients[#clients + 1] = spawn(function()
      -- Small round trips first, as the pingpong test does.
      for j = 0, 19 do
        local msg = payload(i * 100 + j, 64)
        c:sendall(msg)
        assert.eq(test.recv_exactly(c, #msg), msg, ("client %d round trip %d"):format(i, j))
      end
      -- Then a stream, read while it is written.
      local data = payload(i, 2000000)
      local writer = spawn(function()
        for at = 1, #data, 65536 do c:sendall(data:sub(at, at + 65535)) end
        c:shutdown(socket.SHUT_WR)
      end)
      local got = test.recv_all(c)
      writer:join()
      c:close()
      assert.eq(#got, #data, "client " .. i .. ": bytes back")
      assert.true_(got == data, "client " .. i .. ": the echo differs")
    end)
  end
  for _, t in ipairs(clients) do t:join() end
  h.stop(srv)
end
