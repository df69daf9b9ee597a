-- The bundled TCP scripts end to end: each server in a runtime of its
-- own, as if in its own process, and its clients run to their end with
-- what a user would type. scripts_test.go runs this file with luatest, as
-- `sockplay test scripts/testdata` does.

local h = assert(loadstring(test.source("helpers.lua"), "helpers.lua"))()
local run, stop = h.run, h.stop

-- The pattern of the line a server prints for a connection it accepted
-- on port: print(conn, addr).
local function accepted(port)
  return "^<socket fd=%d+, family=AF_INET, type=SOCK_STREAM, proto=0, laddr=%('127%.0%.0%.1', " .. port ..
    "%), raddr=%('127%.0%.0%.1', %d+%)>\t%('127%.0%.0%.1', %d+%)$"
end

function test_demo()
  local out = run("demo")
  out = out:gsub("(127%.0%.0%.1:)%d+", "%1PORT"):gsub("(127%.0%.0%.1', )%d+", "%1PORT")
  assert.eq(out, [[
[server] server is listening on 127.0.0.1:PORT
[client] connect to ('127.0.0.1', PORT)
[client] send: hello
[server] received b'hello' from ('127.0.0.1', PORT)
[server] send b'HELLO', then close
[client] received: HELLO
Done. The same as two programs, in two terminals:
  sockplay run tcp/echo_server      sockplay run tcp/echo_client
Next: 'sockplay list' shows every program of the tutorial.
]])
end

function test_addr()
  local srv = test.start_server("tcp/addr_server")
  local out = run("tcp/addr_client", {srv.port})
  local mine, peer = out:match("^local:%('127%.0%.0%.1', (%d+)%), peer:%('127%.0%.0%.1', (%d+)%)\n$")
  assert.eq(tonumber(peer), srv.port, "addr_client printed " .. out)
  -- the server sees the same connection from the other end
  assert.eq(srv:line(), ("local:('127.0.0.1', %d), peer:('127.0.0.1', %s)"):format(srv.port, mine))
  assert.matches(srv:line(), "^描述符%d+$")
  assert.true_(srv:wait())
end

function test_echo()
  for _, c in ipairs({
    {stdin = "", sent = "b'hello'", reply = "\nb'HELLO'"},   -- no input: the tutorial's hello (the prompt's line ended)
    {stdin = "\n", sent = "b'hello'", reply = "b'HELLO'"},   -- just Enter: the same
    {stdin = "abc\n", sent = "b'abc'", reply = "b'ABC'"},    -- a line of input
    -- bytes, as Python shows them
    {stdin = "你好\n", sent = [[b'\xe4\xbd\xa0\xe5\xa5\xbd']], reply = [[b'\xe4\xbd\xa0\xe5\xa5\xbd']]},
  }) do
    local srv = test.start_server("tcp/echo_server")
    assert.eq(run("tcp/echo_client", {srv.port}, c.stdin), "send (Enter: hello)> " .. c.reply .. "\n", c.stdin)
    assert.matches(srv:line(), accepted(srv.port))
    assert.eq(srv:line(), c.sent)
    assert.true_(srv:wait())
  end
end

-- The Python original spins forever once its client has left; this one
-- ends.
function test_loop_server_ends_when_the_client_leaves()
  local srv = test.start_server("tcp/loop_server")
  local out = run("tcp/loop_client", {srv.port}, "abc\n\n123\nit's\n")
  assert.eq(out, ">>>b'ABC'\n>>>>>>b'123'\n>>>b\"IT'S\"\n>>>\n")
  for _, line in ipairs({"b'abc'", "b'123'", [[b"it's"]], "the client has closed the connection"}) do
    assert.eq(srv:line(), line)
  end
  assert.true_(srv:wait())
end

function test_loop_client_when_the_server_leaves()
  -- A server that answers the first message, reads the second and
  -- closes (after reading it, so that the close is a FIN, not a reset).
  local port, served = h.serve_once(function(c)
    c:sendall(c:recv(1024):upper())
    c:recv(1024)
  end)
  local out = run("tcp/loop_client", {port}, "abc\ndef\nnever sent\n")
  served()
  assert.eq(out, ">>>b'ABC'\n>>>the server has closed the connection\n")
end

function test_multi_server()
  local srv = test.start_server("tcp/multi_server")
  -- A client that closes politely: the server's recv returns "".
  assert.eq(run("tcp/loop_client", {srv.port}, "abc\n"), ">>>b'ABC'\n>>>\n")
  assert.matches(srv:line(), accepted(srv.port))
  assert.eq(srv:line(), "b'abc'")
  assert.matches(srv:line(), "^client %('127%.0%.0%.1', %d+%) closed the connection$")

  -- A client that resets the connection (SO_LINGER with a zero timeout
  -- makes close send RST): the server's recv raises ConnectionResetError.
  local s = test.connect(srv)
  s:sendall("x")
  assert.eq(s:recv(1024), "X")
  s:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, string.pack("ii", 1, 0))
  s:close()
  assert.matches(srv:line(), accepted(srv.port))
  assert.eq(srv:line(), "b'x'")
  assert.matches(srv:line(), "^client %('127%.0%.0%.1', %d+%) left: ConnectionResetError: %[Errno 104%] Connection reset by peer$")

  -- And it still serves the next one.
  assert.eq(run("tcp/loop_client", {srv.port}, "again\n"), ">>>b'AGAIN'\n>>>\n")
  assert.matches(srv:line(), accepted(srv.port))
  assert.eq(srv:line(), "b'again'")
  assert.matches(srv:line(), "closed the connection$")
  stop(srv)
end

-- The two servers that serve clients at the same time: a task per
-- client, and one task with select.
function test_many_clients_at_once()
  for _, name in ipairs({"tcp/concurrent_server", "tcp/select_server"}) do
    local srv = test.start_server(name)
    local function ask(c, msg)
      c:sendall(msg)
      assert.eq(test.recv_exactly(c, #msg), msg:upper(), name)
    end
    -- Three clients connected at once, served in turns: a server that
    -- served one client at a time would not answer b.
    local a, b, c = test.connect(srv), test.connect(srv), test.connect(srv)
    for i = 0, 2 do
      for _, conn in ipairs({a, b, c}) do
        ask(conn, ("round %d from %s"):format(i, conn:getsockname().port))
      end
    end
    -- A client that sends a lot and does not read yet must not stop the
    -- others from being served.
    local big = string.rep("x", 2 * 2^20)
    local hog = test.connect(srv)
    local sending = spawn(function() hog:sendall(big) end) -- ends once the server has echoed enough back
    ask(a, "still served")
    assert.true_(test.recv_exactly(hog, #big) == big:upper(), name .. ": the hog's echo")
    sending:join()
    -- One leaves politely, one with a reset; the server goes on.
    b:close()
    c:setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, string.pack("ii", 1, 0))
    c:close()
    hog:close()
    ask(a, "after the others left")
    a:close()
    local lines = {}
    while #lines < 10 do
      lines[#lines + 1] = srv:line()
      local out = table.concat(lines, "\n")
      if out:find("left: ConnectionResetError", 1, true) and select(2, out:gsub("closed the connection", "")) >= 3 then
        break
      end
    end
    local out = table.concat(lines, "\n")
    assert.eq(select(2, out:gsub(" connected", "")), 4, name .. ": connections in the server's output:\n" .. out)
    stop(srv)
  end
end

function test_cmd()
  local srv = test.start_server("tcp/cmd_server")
  assert.matches(srv:line(), "^WARNING: this server runs every command it receives")
  local big = "head -c 100000 /dev/zero | tr '\\0' 'a'"
  local out = run("tcp/cmd_client", {srv.port}, "echo out; echo err >&2\n\n   \nprintf x\n" .. big .. "\nQ\necho never\n")
  assert.eq(out, ">>>out\nerr\n>>>>>>>>>x\n>>>" .. string.rep("a", 100000) .. "\n>>>")
  assert.matches(srv:line(), "^<socket fd=%d+, ")
  assert.eq(srv:line(), "b'echo out; echo err >&2'")
  assert.eq(srv:line(), "b'printf x'")
  assert.eq(srv:line(), 'b"' .. big:gsub("\\", "\\\\") .. '"')

  -- The server goes on with the next client; "q" quits too.
  assert.eq(run("tcp/cmd_client", {srv.port}, "echo second\nq\n"), ">>>second\n>>>")
  assert.matches(srv:line(), "^<socket fd=%d+, ")
  assert.eq(srv:line(), "b'echo second'")
  stop(srv)
end

function test_cmd_server_refuses_non_loopback()
  local out, err, stderr = test.run("tcp/cmd_server", {args = {0, "0.0.0.0"}})
  assert.eq(err, "os.exit(2)")
  assert.contains(stderr, "refusing to listen on 0.0.0.0")
  assert.eq(out, "")
end

-- A server that dies in the middle of a frame is a clear error, not a
-- short output.
function test_cmd_client_short_frame()
  local port, served = h.serve_once(function(c)
    c:recv(1024)
    c:sendall(string.pack(">I4", 100) .. "0123456789")
  end)
  local out, err = test.run("tcp/cmd_client", {args = {port}, stdin = "ls\n"})
  served()
  assert.contains(err, "the server closed the connection in the middle of a reply (10 of 100 bytes)", "output " .. out)
end

-- The command client decodes the output as the original did (GBK), when
-- asked with --encoding, before or after the port; an unknown encoding
-- fails before any command, and so do an encoding where the host goes and
-- an unknown flag.
function test_cmd_client_encoding()
  local srv = test.start_server("tcp/cmd_server")
  assert.matches(srv:line(), "^WARNING")
  -- 你好 in GBK, as a Chinese Windows' cmd.exe would write it.
  local gbk = "printf '\\304\\343\\272\\303\\n'\n"
  assert.eq(run("tcp/cmd_client", {"--encoding", "gbk", srv.port}, gbk), ">>>你好\n>>>\n")
  assert.eq(run("tcp/cmd_client", {srv.port, "127.0.0.1", "--encoding=gbk"}, gbk), ">>>你好\n>>>\n")
  -- What a Chinese Windows' cmd prints, in GBK, for a command it does not
  -- know (two lines, a full-width comma and full stop), and the same
  -- bytes as received without --encoding.
  local unknown = [[printf "'xyz' \262\273\312\307\304\332\262\277\273\362\315\342\262\277\303\374\301\356\243\254]]
    .. [[\322\262\262\273\312\307\277\311\324\313\320\320\265\304\263\314\320\362\n\273\362\305\372\264\246\300\355\316\304\274\376\241\243\n"]] .. "\n"
  assert.eq(run("tcp/cmd_client", {"--encoding", "gbk", srv.port}, unknown),
    ">>>'xyz' 不是内部或外部命令，也不是可运行的程序\n或批处理文件。\n>>>\n")
  local raw = run("tcp/cmd_client", {srv.port}, unknown)
  assert.eq(raw, ">>>'xyz' " .. encoding.encode("不是内部或外部命令，也不是可运行的程序\n或批处理文件。\n", "gbk") .. ">>>\n")
  for _, c in ipairs({
    {{"--encoding", "klingon", srv.port}, 'unknown encoding "klingon"', known = true},
    {{srv.port, "127.0.0.1", "gbk"}, "unexpected argument gbk (an encoding is --encoding gbk)"},
    {{"--encdoing", "gbk", srv.port}, "unknown flag --encdoing"},
    {{srv.port, "--encoding"}, "--encoding needs a name"},
  }) do
    local out, err = test.run("tcp/cmd_client", {args = c[1], stdin = "echo hi\n"})
    assert.contains(err, c[2])
    if not c.known then
      assert.contains(err, "usage: sockplay run tcp/cmd_client [--encoding NAME] [port] [host]", c[2])
    end
    assert.eq(out, "")
  end
  stop(srv)
end

-- Framed messages arrive one by one, sent back to back; the empty line
-- is an empty message.
function test_framed()
  local srv = test.start_server("tcp/framed_server")
  local out = run("tcp/framed_client", {srv.port}, "hello\n\nworld, with spaces\n")
  assert.eq(out, "type messages, one per line; end of input (Ctrl-D) sends them all at once\n" ..
    "server: message 1: 5 bytes\n" ..
    "server: message 2: 0 bytes\n" ..
    "server: message 3: 18 bytes\n" ..
    "server: message 4: 200000 bytes\n")
  h.expect(srv,
    {"^client %('127%.0%.0%.1', %d+%) connected$"},
    'message 1: 5 bytes "hello"',
    'message 2: 0 bytes ""',
    'message 3: 18 bytes "world, with spaces"',
    'message 4: 200000 bytes "0123456789012345678901234567890123456789"...',
    "the client has closed the connection after 4 messages")
  assert.true_(srv:wait())

  -- No input: the sticky demo's messages, framed.
  srv = test.start_server("tcp/framed_server")
  out = run("tcp/framed_client", {srv.port})
  assert.contains(out, "server: message 3: 1 bytes\nserver: message 4: 200000 bytes\n")
  h.expect(srv, {"connected"}, 'message 1: 5 bytes "hello"', 'message 2: 5 bytes "world"', 'message 3: 1 bytes "!"',
    {"^message 4: 200000 bytes "}, "the client has closed the connection after 4 messages")
  -- The server serves one client and ends by itself.
  assert.true_(srv:wait())
end

-- Every TCP server sets SO_REUSEADDR, so it can be run again at once on
-- its port: stopped while a client is connected, it closes that
-- connection first, which then lingers in TIME_WAIT (a socket without
-- SO_REUSEADDR cannot bind the port meanwhile), and the next run binds
-- the port all the same.
function test_servers_rerun_at_once()
  for _, c in ipairs({
    {"tcp/addr_server"}, {"tcp/cmd_server", skip = 1}, {"tcp/concurrent_server"},
    {"tcp/echo_server"}, {"tcp/framed_server"}, {"tcp/loop_server", send = "x"},
    {"tcp/multi_server"}, {"tcp/select_server"}, {"tcp/sticky_server"},
  }) do
    local name = c[1]
    local srv = test.start_server(name)
    for _ = 1, c.skip or 0 do srv:line() end
    local client = test.connect(srv)
    if c.send then client:sendall(c.send); client:recv(1024) end
    srv:line() -- the server has accepted the connection
    srv:stop()
    srv:wait()
    client:close()
    local plain = socket.socket()
    local ok, err = pcall(plain.bind, plain, {"127.0.0.1", srv.port})
    plain:close()
    assert.true_(not ok, name .. ": the port is free at once, so this test tests nothing")
    assert.eq(type(err) == "table" and err.errno, 98, name .. ": bind without SO_REUSEADDR")
    local again = test.start_server(name, srv.port)
    assert.eq(again.port, srv.port, name)
    again:stop()
  end
end
