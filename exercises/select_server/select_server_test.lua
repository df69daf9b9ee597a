-- Checks for the exercise select_server.

local SERVER = test.target("solution/select_server.lua")
local WAIT = 2 -- seconds a client waits for its echo

-- A second client is answered while the first one is still connected.
-- hint: never block on one client: recv only on sockets select.select says are readable.
function test_two_clients_at_once()
  local srv = test.start_server(SERVER)
  local first = test.connect(srv, WAIT)
  first:sendall("one")
  assert.eq(first:recv(1024), "one")
  local second = test.connect(srv, WAIT)
  second:sendall("two")
  assert.eq(second:recv(1024), "two", "the second client, while the first is connected")
  first:sendall("three")
  assert.eq(first:recv(1024), "three", "the first client again")
  first:close()
  second:close()
end

-- Ten clients connected at once, messages interleaved.
-- hint: after accept, add the new connection to the sockets you watch.
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
  assert.eq(stay:recv(1024), "still here", "a client connected all along")
  stay:close()
end

-- One loop with select.select, no tasks.
-- hint: this exercise is about select.select: do not use spawn.
function test_uses_select_not_spawn()
  local code = test.source(SERVER):gsub("%-%-%[%[.-%]%]", ""):gsub("%-%-[^\n]*", "")
  assert.true_(code:find("select.select", 1, true), "the code (without its comments) does not call select.select")
  assert.true_(not code:find("spawn", 1, true), "the code calls spawn")
end
