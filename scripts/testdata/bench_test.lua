-- The benchmark's echo servers (see tcp_test.lua): binary data comes back
-- unchanged, to many clients at once.

local h = assert(loadstring(test.source("helpers.lua"), "helpers.lua"))()
local stop = h.stop

-- payload(seed, n) -> data: every byte value, then n pseudo-random bytes
-- (repeating every 997, a prime, so that no chunk of a round size looks
-- like another).
local function payload(seed, n)
  local all, block = {}, {}
  for i = 0, 255 do all[#all + 1] = string.char(i) end
  math.randomseed(seed)
  for i = 1, 997 do block[i] = string.char(math.random(0, 255)) end
  local noise = string.rep(table.concat(block), math.ceil(n / 997))
  return table.concat(all) .. noise:sub(1, n)
end

function test_echo_server()
  local srv = test.start_server("bench/echo_server")
  -- Two clients at once: a server that served one client at a time
  -- would never answer b while a is connected.
  local a, b = test.connect(srv), test.connect(srv)
  for _, c in ipairs({a, b, a}) do
    local msg = payload(1, 100)
    c:sendall(msg)
    assert.eq(test.recv_exactly(c, #msg), msg)
  end
  a:close()
  b:close()

  -- Many clients streaming binary data at the same time; each writes
  -- while it reads, as the echo can be larger than the socket buffers.
  local clients = {}
  for i = 0, 7 do
    local c = test.connect(srv)
    clients[#clients + 1] = spawn(function()
      local data = payload(i, 300000)
      local writer = spawn(function()
        local step = 7000 + i * 1000
        for at = 1, #data, step do c:sendall(data:sub(at, at + step - 1)) end
        c:shutdown(socket.SHUT_WR) -- the server's recv then returns ""
      end)
      local got = test.recv_all(c) -- until the server closes its end
      writer:join()
      c:close()
      assert.eq(#got, #data, "client " .. i .. ": bytes back")
      assert.true_(got == data, "client " .. i .. ": the echo differs")
    end)
  end
  for _, t in ipairs(clients) do t:join() end
  stop(srv)
end

function test_udp_echo_server()
  local srv = test.start_server("bench/udp_echo_server")
  -- Several clients at once, one datagram in flight each: far below the
  -- server's receive buffer, so none is lost even on loopback under load.
  local clients = {}
  for i = 0, 3 do
    clients[#clients + 1] = spawn(function()
      local u = test.udp()
      for r = 0, 19 do
        local msg = payload(i * 20 + r, 64 + r * 100)
        u:sendto(msg, srv.addr)
        assert.eq(u:recvfrom(65536), msg, ("client %d round %d"):format(i, r))
      end
      u:close()
    end)
  end
  for _, t in ipairs(clients) do t:join() end
  -- A large datagram, alone (several at once could overflow the server's
  -- receive buffer: UDP may drop them, and this is not a test of that).
  local msg = payload(99, 60000)
  local reply = test.udp_exchange(srv, msg)
  assert.true_(reply == msg, ("60000-byte datagram: %d bytes back"):format(#reply))
  stop(srv)
end
