-- Checks for the exercise concurrent_server.

local SERVER = test.target("solution/concurrent_server.lua")

-- How long a client may wait for its echo. Short, since a server that
-- serves one client at a time makes the others wait for ever.
local WAIT = 2

-- A second client is answered while the first one is still connected.
-- hint: spawn(serve, conn) instead of serve(conn): the main loop must go back to accept at once.
-- zh: 第一个客户端还连着时，第二个客户端也能得到回答。
-- zh hint: 用 spawn(serve, conn) 代替 serve(conn)：主循环必须立刻回到 accept。
function test_two_clients_at_once()
  local srv = test.start_server(SERVER)
  local first = test.connect(srv, WAIT)
  first:sendall("one")
  assert.eq(first:recv(1024), "one")
  local second = test.connect(srv, WAIT)
  second:sendall("two")
  assert.eq(second:recv(1024), "two", {en = "the second client, while the first is connected", zh = "第一个客户端还连着时的第二个客户端"})
  first:sendall("three")
  assert.eq(first:recv(1024), "three", {en = "the first client again", zh = "又轮到第一个客户端"})
  first:close()
  second:close()
end

-- Ten clients connected at once, messages interleaved.
-- hint: every connection needs its own task; a task ends when its client leaves.
-- zh: 十个客户端同时连接，消息交错发送。
-- zh hint: 每个连接都需要自己的任务；客户端离开时任务就结束。
function test_ten_clients_interleaved()
  local srv = test.start_server(SERVER)
  local clients = {}
  for i = 1, 10 do clients[i] = test.connect(srv, WAIT) end
  for round = 1, 3 do
    for i = 10, 1, -1 do
      local msg = ("client %d round %d"):format(i, round)
      clients[i]:sendall(msg)
      assert.eq(clients[i]:recv(1024), msg)
    end
  end
  for _, c in ipairs(clients) do c:close() end
end

-- A client that resets its connection disturbs nobody.
-- hint: in the task, catch the ConnectionError of a vanished client (pcall) and close the connection.
-- zh: 重置连接的客户端不影响任何人。
-- zh hint: 在任务里捕获（pcall）消失的客户端引发的 ConnectionError，并关闭连接。
function test_a_reset_disturbs_nobody()
  local srv = test.start_server(SERVER)
  local stay = test.connect(srv, WAIT)
  stay:sendall("before")
  assert.eq(stay:recv(1024), "before")
  local rude = test.connect(srv, WAIT)
  rude:sendall("bye")
  assert.eq(rude:recv(1024), "bye")
  rude:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, string.pack("i4i4", 1, 0))
  rude:sendall(("x"):rep(5000))
  rude:close()
  stay:sendall("after")
  assert.eq(stay:recv(1024), "after", {en = "a client connected before", zh = "之前就连上的客户端"})
  local new = test.connect(srv, WAIT)
  new:sendall("new")
  assert.eq(new:recv(1024), "new", {en = "a client connecting after", zh = "之后才连上的客户端"})
  stay:close()
  new:close()
end
