-- Checks for the exercise echo_upper. `sockplay test` runs them against
-- the solution; `sockplay exercise check echo_upper FILE` against FILE.

local SERVER = test.target("solution/echo_upper.lua")

-- A message comes back in upper case.
-- hint: after accept, conn:recv(1024) the message and conn:sendall(data:upper()) it back.
-- zh: 发出的消息以大写形式回来。
-- zh hint: accept 之后，用 conn:recv(1024) 收下消息，再用 conn:sendall(data:upper()) 发回去。
function test_replies_in_upper_case()
  local srv = test.start_server(SERVER)
  local c = test.connect(srv)
  c:sendall("hello")
  assert.eq(c:recv(1024), "HELLO")
  c:close()
end

-- The conversation goes on: every message gets its reply.
-- hint: put recv and sendall in a loop: `while true do ... end`.
-- zh: 对话持续进行：每条消息都得到回复。
-- zh hint: 把 recv 和 sendall 放进一个循环：`while true do ... end`。
function test_keeps_the_conversation_going()
  local srv = test.start_server(SERVER)
  local c = test.connect(srv)
  for _, word in ipairs({"one", "two", "three"}) do
    c:sendall(word)
    assert.eq(c:recv(1024), word:upper(), {en = "reply to " .. word, zh = "对 " .. word .. " 的回复"})
  end
  c:close()
end

-- Only the letters a-z change; other bytes come back as they were.
-- hint: send back data:upper() of exactly the bytes you received, nothing added.
-- zh: 只有字母 a-z 会变；其他字节原样返回。
-- zh hint: 发回的必须恰好是收到的那些字节的 data:upper()，不要添加任何东西。
function test_leaves_other_bytes_alone()
  local srv = test.start_server(SERVER)
  local msg = "Hi, 123! \0\255 ÄÖ 你好 end"
  assert.eq(test.exchange(srv, msg), msg:upper())
end

-- When the client closes the connection, the server ends by itself.
-- hint: recv returns "" when the client has closed: leave the loop then, close the sockets, and let the script end.
-- zh: 客户端关闭连接后，服务端自己结束。
-- zh hint: recv 返回 "" 说明客户端已经关闭：这时跳出循环，关闭套接字，让脚本结束。
function test_ends_when_the_client_leaves()
  local srv = test.start_server(SERVER)
  local c = test.connect(srv)
  c:sendall("bye")
  assert.eq(c:recv(1024), "BYE")
  c:close()
  local ok, err = srv:wait()
  assert.true_(ok, {en = "the server ended with an error: " .. tostring(err), zh = "服务端出错结束：" .. tostring(err)})
end
