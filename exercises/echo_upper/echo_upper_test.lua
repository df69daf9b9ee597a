-- Checks for the exercise echo_upper. `sockplay test` runs them against
-- the solution; `sockplay exercise check echo_upper FILE` against FILE.

local SERVER = test.target("solution/echo_upper.lua")

-- A message comes back in upper case.
-- hint: after accept, conn:recv(1024) the message and conn:sendall(data:upper()) it back.
function test_replies_in_upper_case()
  local srv = test.start_server(SERVER)
  local c = test.connect(srv)
  c:sendall("hello")
  assert.eq(c:recv(1024), "HELLO")
  c:close()
end

-- The conversation goes on: every message gets its reply.
-- hint: put recv and sendall in a loop: `while true do ... end`.
function test_keeps_the_conversation_going()
  local srv = test.start_server(SERVER)
  local c = test.connect(srv)
  for _, word in ipairs({"one", "two", "three"}) do
    c:sendall(word)
    assert.eq(c:recv(1024), word:upper(), "reply to " .. word)
  end
  c:close()
end

-- Only the letters a-z change; other bytes come back as they were.
-- hint: send back data:upper() of exactly the bytes you received, nothing added.
function test_leaves_other_bytes_alone()
  local srv = test.start_server(SERVER)
  local msg = "Hi, 123! \0\255 ÄÖ 你好 end"
  assert.eq(test.exchange(srv, msg), msg:upper())
end

-- When the client closes the connection, the server ends by itself.
-- hint: recv returns "" when the client has closed: leave the loop then, close the sockets, and let the script end.
function test_ends_when_the_client_leaves()
  local srv = test.start_server(SERVER)
  local c = test.connect(srv)
  c:sendall("bye")
  assert.eq(c:recv(1024), "BYE")
  c:close()
  local ok, err = srv:wait()
  assert.true_(ok, "the server ended with an error: " .. tostring(err))
end
