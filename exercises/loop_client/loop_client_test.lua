-- Checks for the exercise loop_client. The client under test runs against
-- servers the checks start themselves, in tasks of their own.

local CLIENT = test.target("solution/loop_client.lua")

-- upper_server(per_connection?, connections?) -> listening socket, counts
-- Serves connections one after another: each message comes back in upper
-- case. It closes a connection after per_connection messages (nil: when
-- the client closes) and stops listening after `connections` connections
-- (nil: never). counts.messages counts the messages it received.
local function upper_server(per_connection, connections)
  local srv = socket.create_server({"127.0.0.1", 0})
  local counts = {messages = 0, connections = 0}
  spawn(function()
    while connections == nil or counts.connections < connections do
      local conn = srv:accept()
      counts.connections = counts.connections + 1
      local n = 0
      while per_connection == nil or n < per_connection do
        local ok, data = pcall(conn.recv, conn, 1024)
        if not ok or data == "" then break end
        counts.messages = counts.messages + 1
        n = n + 1
        conn:sendall(data:upper())
      end
      conn:close()
    end
    srv:close()
  end)
  return srv, counts
end

local function port_of(srv) return srv:getsockname().port end

-- Each line's reply is printed, one per line.
-- hint: for each line: s:sendall(line), then print(s:recv(1024)).
-- zh: 每一行的回复都打印出来，每个一行。
-- zh hint: 对每一行：s:sendall(line)，然后 print(s:recv(1024))。
function test_prints_each_reply()
  local srv = upper_server()
  local out, err = test.run(CLIENT, {args = {port_of(srv)}, stdin = "hello\nworld\n"})
  assert.eq(err, nil, {en = "the client failed", zh = "客户端出错了"})
  assert.eq(out, "HELLO\nWORLD\n")
end

-- Empty lines are not sent.
-- hint: `if line ~= "" then ... end`: sending "" sends nothing, and recv would wait for ever.
-- zh: 空行不发送。
-- zh hint: `if line ~= "" then ... end`：发送 "" 什么也发不出去，recv 会一直等下去。
function test_skips_empty_lines()
  local srv, counts = upper_server()
  local out, err = test.run(CLIENT, {args = {port_of(srv)}, stdin = "a\n\n\nb\n", timeout = 3})
  assert.eq(err, nil, {en = "the client failed", zh = "客户端出错了"})
  assert.eq(out, "A\nB\n")
  assert.eq(counts.messages, 2, {en = "messages the server received", zh = "服务端收到的消息数"})
end

-- A server that closes the connection after every message: the client
-- reconnects and every line still gets its reply.
-- hint: recv returning "", ConnectionResetError and BrokenPipeError all mean the server has closed the connection: print "server closed the connection, reconnecting", connect again, send the line again.
-- zh: 服务端每收到一条消息就关闭连接：客户端重新连接，每一行仍然都得到回复。
-- zh hint: recv 返回 ""、ConnectionResetError 和 BrokenPipeError 都表示服务端已经关闭了连接：打印 "server closed the connection, reconnecting"，重新连接，再把这一行发一次。
function test_reconnects_when_the_server_closes()
  local srv, counts = upper_server(1)
  local out, err = test.run(CLIENT, {args = {port_of(srv)}, stdin = "one\ntwo\nthree\n"})
  assert.eq(err, nil, {en = "the client failed", zh = "客户端出错了"})
  local replies = {}
  for line in out:gmatch("[^\n]+") do
    if line ~= "server closed the connection, reconnecting" then replies[#replies + 1] = line end
  end
  assert.eq(table.concat(replies, " "), "ONE TWO THREE", {en = "the replies, without the reconnect messages", zh = "去掉重新连接的消息之后的回复"})
  assert.contains(out, "server closed the connection, reconnecting\n")
  assert.eq(counts.connections, 3, {en = "connections the server saw", zh = "服务端看到的连接数"})
end

-- No server at all: a clear message and exit status 1, not a traceback.
-- hint: wrap connect in pcall; on ConnectionRefusedError print "cannot connect: is the server running?" and call os.exit(1).
-- zh: 根本没有服务端：给出清楚的消息，退出状态为 1，而不是一串调用栈。
-- zh hint: 用 pcall 包住 connect；遇到 ConnectionRefusedError 时打印 "cannot connect: is the server running?"，然后调用 os.exit(1)。
function test_says_when_no_server_runs()
  local closed = socket.socket()
  closed:bind({"127.0.0.1", 0}) -- bound, not listening: connecting is refused
  local out, err = test.run(CLIENT, {args = {closed:getsockname().port}, stdin = "hello\n"})
  assert.eq(out, "cannot connect: is the server running?\n")
  assert.eq(err, "os.exit(1)", {en = "how the client ended", zh = "客户端的结束方式"})
  closed:close()
end

-- The server answers once and goes away for good: the client tries to
-- reconnect, cannot, and ends cleanly.
-- hint: after a lost connection, connect again; if that is refused, the server is gone: "cannot connect: ..." and os.exit(1).
-- zh: 服务端回答一次后永久离开：客户端尝试重新连接，连不上，然后干净地结束。
-- zh hint: 连接断开后重新连接；如果被拒绝，说明服务端已经不在了："cannot connect: ..."，然后 os.exit(1)。
function test_ends_cleanly_when_the_server_is_gone()
  local srv = upper_server(1, 1)
  local out, err = test.run(CLIENT, {args = {port_of(srv)}, stdin = "first\nsecond\n"})
  assert.matches(out, "^FIRST\n")
  assert.matches(out, "cannot connect: is the server running%?\n$")
  assert.eq(err, "os.exit(1)", {en = "how the client ended", zh = "客户端的结束方式"})
end
