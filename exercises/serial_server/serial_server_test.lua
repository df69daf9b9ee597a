-- Checks for the exercise serial_server.

local SERVER = test.target("solution/serial_server.lua")

-- Two clients one after the other are both served.
-- hint: after a client has left, accept the next one: a `while true do` loop around accept and serving.
-- zh: 先后两个客户端都得到服务。
-- zh hint: 一个客户端离开后，接受下一个：用 `while true do` 循环把 accept 和服务过程包起来。
function test_serves_two_clients_in_turn()
  local srv = test.start_server(SERVER)
  assert.eq(test.exchange(srv, "first"), "first", {en = "the first client", zh = "第一个客户端"})
  assert.eq(test.exchange(srv, "second"), "second", {en = "the second client", zh = "第二个客户端"})
end

-- Five clients in turn, three messages each.
-- hint: the inner loop serves one connection until recv returns "", then closes it.
-- zh: 五个客户端轮流连接，每个发三条消息。
-- zh hint: 内层循环服务一个连接，直到 recv 返回 ""，然后关闭这个连接。
function test_serves_many_clients()
  local srv = test.start_server(SERVER)
  for i = 1, 5 do
    local c = test.connect(srv)
    for j = 1, 3 do
      local msg = "client " .. i .. " message " .. j
      c:sendall(msg)
      assert.eq(c:recv(1024), msg)
    end
    c:close()
  end
end

-- While one client is connected the next one waits in the listen queue,
-- and is served as soon as the first one leaves.
-- hint: serve the whole conversation of one client before calling accept again.
-- zh: 一个客户端连着时，下一个在监听队列里等待，第一个一离开它就得到服务。
-- zh hint: 先和一个客户端把整个对话进行完，再调用 accept。
function test_second_client_waits_for_the_first()
  local srv = test.start_server(SERVER)
  local first = test.connect(srv)
  first:sendall("one")
  assert.eq(first:recv(1024), "one")
  local second = test.connect(srv)
  second:sendall("two")
  second:settimeout(0.3)
  assert.raises(function() second:recv(1024) end, "TimeoutError", {en = "served while the first client is still connected", zh = "第一个客户端还连着时就得到了服务"})
  first:close()
  second:settimeout(test.timeout)
  assert.eq(second:recv(1024), "two", {en = "served once the first client has left", zh = "第一个客户端离开后得到服务"})
  second:close()
end

-- A client that resets its connection does not stop the server.
-- hint: pcall the serving of a connection; ConnectionResetError and BrokenPipeError mean the client left.
-- zh: 重置连接的客户端不会让服务端停下来。
-- zh hint: 用 pcall 包住对一个连接的服务过程；ConnectionResetError 和 BrokenPipeError 表示客户端离开了。
function test_survives_a_reset()
  local srv = test.start_server(SERVER)
  for i = 1, 3 do
    local rude = test.connect(srv)
    rude:sendall(("x"):rep(5000))
    -- SO_LINGER {on, 0 s}: close sends a reset, not an orderly FIN
    rude:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, string.pack("i4i4", 1, 0))
    rude:close()
  end
  assert.eq(test.exchange(srv, "still there?"), "still there?")
end
