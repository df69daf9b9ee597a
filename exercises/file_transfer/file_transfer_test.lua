-- Checks for the exercise file_transfer: the server with the checks as
-- its client, then the client with the checks as its server.

local SCRIPT = test.target("solution/file_transfer.lua")
-- The message of a check of the server's answer, in both languages.
local ANSWER = {en = "the answer", zh = "服务端的回答"}

local function read_file(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local data = f:read("*a")
  f:close()
  return data
end

local function write_file(path, data)
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
end

-- binary(n) -> n bytes of every value
local function binary(n)
  local all = {}
  for i = 0, 255 do all[#all + 1] = string.char(i) end
  local block = table.concat(all)
  return block:rep(math.ceil(n / 256)):sub(1, n)
end

-- start_storing() -> server, the folder it stores in
local function start_storing()
  local dir = test.tempdir("store")
  return test.start_server(SCRIPT, "serve", 0, dir), dir
end

-- upload(srv, name, data) -> the server's answer
local function upload(srv, name, data)
  local c = test.connect(srv)
  c:sendall(string.pack(">s2I4", name, #data) .. data)
  local answer = test.recv_until(c, "\n")
  c:close()
  return answer
end

-- The server stores a file byte for byte and answers OK.
-- hint: read 2 bytes (the name's length), the name, 4 bytes (the size), then exactly size bytes; store them; answer "OK N\n".
-- zh: 服务端逐字节保存文件，并回答 OK。
-- zh hint: 依次读取 2 字节（名字的长度）、名字、4 字节（文件大小），再读恰好 size 个字节；保存它们；回答 "OK N\n"。
function test_server_stores_a_file()
  local srv, dir = start_storing()
  assert.eq(upload(srv, "hello.txt", "hello, world\n"), "OK 13\n", ANSWER)
  assert.eq(srv:line(), "received hello.txt (13 bytes)", {en = "what the server prints", zh = "服务端打印的内容"})
  assert.eq(read_file(dir .. "/hello.txt"), "hello, world\n", {en = "the stored file", zh = "保存下来的文件"})
end

-- 300 KB of binary data arrive whole.
-- hint: recv returns at most what has arrived: loop until you have size bytes (recv_exactly), and open the file with "wb".
-- zh: 300 KB 的二进制数据完整到达。
-- zh hint: recv 最多返回已经到达的数据：循环直到收满 size 个字节（recv_exactly），并用 "wb" 打开文件。
function test_server_stores_big_binary_files()
  local srv, dir = start_storing()
  local data = binary(300000)
  assert.eq(upload(srv, "data.bin", data), "OK 300000\n", ANSWER)
  local stored = read_file(dir .. "/data.bin")
  assert.eq(stored and #stored, 300000, {en = "the stored file's size", zh = "保存下来的文件的大小"})
  assert.true_(stored == data, {en = "the stored bytes differ from the bytes sent", zh = "保存下来的字节和发送的字节不一样"})
end

-- The header may arrive one byte at a time.
-- hint: read every field of the header with recv_exactly, never with a single recv.
-- zh: 头部可能一个字节一个字节地到达。
-- zh hint: 头部的每个字段都用 recv_exactly 读取，绝不要只调用一次 recv。
function test_server_waits_for_the_whole_header()
  local srv, dir = start_storing()
  local c = test.connect(srv)
  local msg = string.pack(">s2I4", "slow.txt", 4) .. "slow"
  for i = 1, #msg do
    c:sendall(msg:sub(i, i))
    sleep(0.005)
  end
  assert.eq(test.recv_until(c, "\n"), "OK 4\n", ANSWER)
  c:close()
  assert.eq(read_file(dir .. "/slow.txt"), "slow")
end

-- Names that would leave the folder are refused.
-- hint: refuse "", ".", ".." and names with "/" or "\\": answer "ERROR bad name\n" and store nothing.
-- zh: 会跑出文件夹的名字被拒绝。
-- zh hint: 拒绝 ""、"."、".." 以及含有 "/" 或 "\\" 的名字：回答 "ERROR bad name\n"，什么也不保存。
function test_server_refuses_bad_names()
  local srv, dir = start_storing()
  assert.matches(upload(srv, "../evil.txt", "evil"), "^ERROR", {en = "the answer to ../evil.txt", zh = "对 ../evil.txt 的回答"})
  assert.eq(read_file(test.tempdir() .. "/evil.txt"), nil, {en = "a file outside the folder", zh = "文件夹外面的文件"})
  assert.matches(upload(srv, "a/b.txt", "b"), "^ERROR", {en = "the answer to a/b.txt", zh = "对 a/b.txt 的回答"})
  assert.matches(upload(srv, "..", "x"), "^ERROR", {en = "the answer to ..", zh = "对 .. 的回答"})
  assert.eq(upload(srv, "fine.txt", "ok"), "OK 2\n", {en = "a good name after the bad ones", zh = "在错误的名字之后给一个正确的名字"})
end

-- Client after client.
-- hint: accept in a loop; a client that misbehaves must not end the server.
-- zh: 一个接一个地服务客户端。
-- zh hint: 在循环里 accept；行为异常的客户端不能让服务端结束。
function test_server_serves_client_after_client()
  local srv, dir = start_storing()
  for i = 1, 3 do
    assert.eq(upload(srv, "f" .. i, tostring(i):rep(i * 10)), ("OK %d\n"):format(i * 10), test.say({en = "file %d", zh = "第 %d 个文件"}, i))
  end
  for i = 1, 3 do
    assert.eq(read_file(dir .. "/f" .. i), tostring(i):rep(i * 10), test.say({en = "stored file %d", zh = "保存下来的第 %d 个文件"}, i))
  end
end

-- receiver(answer) -> listening socket, what it received
-- A server of the checks: it receives one file and answers answer(size)
-- (default "OK size\n").
local function receiver(answer)
  local srv = socket.create_server({"127.0.0.1", 0})
  local got = {}
  spawn(function()
    local conn = srv:accept()
    conn:settimeout(test.timeout)
    local len = string.unpack(">I2", test.recv_exactly(conn, 2))
    got.name = test.recv_exactly(conn, len)
    got.size = string.unpack(">I4", test.recv_exactly(conn, 4))
    got.data = test.recv_exactly(conn, got.size)
    conn:sendall(answer and answer(got.size) or ("OK %d\n"):format(#got.data))
    conn:close()
    srv:close()
  end)
  return srv, got
end

-- The client sends the header and the bytes, and says so.
-- hint: send string.pack(">s2I4", name, #data) .. data, read the answer up to "\n", print "sent NAME (N bytes)".
-- zh: 客户端发送头部和字节，并打印说明。
-- zh hint: 发送 string.pack(">s2I4", name, #data) .. data，读取回答直到 "\n"，打印 "sent NAME (N bytes)"。
function test_client_sends_a_file()
  local srv, got = receiver()
  local path = test.tempdir() .. "/data.bin"
  local data = binary(100000)
  write_file(path, data)
  local out, err = test.run(SCRIPT, {args = {"send", path, srv:getsockname().port}})
  assert.eq(err, nil, {en = "the client failed", zh = "客户端出错了"})
  assert.eq(out, "sent data.bin (100000 bytes)\n")
  assert.eq(got.name, "data.bin", {en = "the name in the header", zh = "头部里的名字"})
  assert.eq(got.size, 100000, {en = "the size in the header", zh = "头部里的大小"})
  assert.true_(got.data == data, {en = "the bytes the server received differ from the file", zh = "服务端收到的字节和文件不一样"})
end

-- The client checks the size the server reports.
-- hint: compare the number after "OK" with the size you sent; if they differ print "size mismatch: sent N bytes, the server got M" and os.exit(1).
-- zh: 客户端检查服务端报告的大小。
-- zh hint: 把 "OK" 后面的数字和你发送的大小比较；不一致就打印 "size mismatch: sent N bytes, the server got M"，然后 os.exit(1)。
function test_client_reports_a_size_mismatch()
  local srv = receiver(function() return "OK 1\n" end)
  local path = test.tempdir() .. "/note.txt"
  write_file(path, "twelve bytes")
  local out, err = test.run(SCRIPT, {args = {"send", path, srv:getsockname().port}})
  assert.eq(out, "size mismatch: sent 12 bytes, the server got 1\n")
  assert.eq(err, "os.exit(1)", {en = "how the client ended", zh = "客户端的结束方式"})
end
