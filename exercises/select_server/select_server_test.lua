-- Checks for the exercise select_server.

local SERVER = test.target("solution/select_server.lua")
local WAIT = 2 -- seconds a client waits for its echo

-- A second client is answered while the first one is still connected.
-- hint: never block on one client: recv only on sockets select.select says are readable.
-- zh: 第一个客户端还连着时，第二个客户端也能得到回答。
-- zh hint: 绝不要卡在一个客户端上：只对 select.select 报告为可读的套接字调用 recv。
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
-- hint: after accept, add the new connection to the sockets you watch.
-- zh: 十个客户端同时连接，消息交错发送。
-- zh hint: accept 之后，把新连接加入你关注的套接字里。
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

-- Clients that leave are dropped; the others go on.
-- hint: recv returning "" or raising a ConnectionError: stop watching that socket and close it.
-- zh: 离开的客户端被移除；其他客户端照常运行。
-- zh hint: recv 返回 "" 或抛出 ConnectionError：不再关注这个套接字，并关闭它。
function test_clients_leave_cleanly()
  local srv = test.start_server(SERVER)
  local stay = test.connect(srv, WAIT)
  for i = 1, 3 do
    local polite = test.connect(srv, WAIT)
    polite:sendall("hi")
    assert.eq(polite:recv(1024), "hi")
    polite:close()
    local rude = test.connect(srv, WAIT)
    rude:sendall("hey")
    assert.eq(rude:recv(1024), "hey")
    rude:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, string.pack("i4i4", 1, 0))
    rude:sendall(("x"):rep(5000))
    rude:close()
  end
  stay:sendall("still here")
  assert.eq(stay:recv(1024), "still here", {en = "a client connected all along", zh = "一直连着的客户端"})
  stay:close()
end

-- One loop with select.select, no tasks.
-- hint: this exercise is about select.select: do not use spawn.
-- zh: 一个使用 select.select 的循环，不用任务。
-- zh hint: 这个练习讲的是 select.select：不要使用 spawn。
function test_uses_select_not_spawn()
  local code = test.source(SERVER):gsub("%-%-%[%[.-%]%]", ""):gsub("%-%-[^\n]*", "")
  assert.true_(code:find("select.select", 1, true), {en = "the code (without its comments) does not call select.select", zh = "代码（去掉注释后）没有调用 select.select"})
  assert.true_(not code:find("spawn", 1, true), {en = "the code calls spawn", zh = "代码调用了 spawn"})
end
