-- Sticky packets (粘包), the client: three small sends, then one large one.
-- zh: 粘包，客户端：三次小的发送，然后一次大的。
-- It sends "hello", "world" and "!" with three send calls, one after the
-- other, and prints what tcp/sticky_server says it received: the three
-- stuck together in one recv. Then it sends 200000 bytes with one sendall
-- and shuts down its sending side (the server's recv then returns ""),
-- and the server says how many recvs that one send took. TCP_NODELAY is
-- set, so each small send leaves at once as its own packet: they still
-- stick, because the receiver's recv takes whatever is in its buffer.
-- Run both with --trace to see each send and each recv, or draw them:
--   sockplay run --trace-json client.jsonl tcp/sticky_client
--   sockplay diagram server.jsonl client.jsonl -o sticky.svg
-- Tutorial §3.3, 远程执行命令: the sticky-packet problem behind its bug.
--
-- Run:  sockplay run tcp/sticky_server     then, in another terminal:
--       sockplay run tcp/sticky_client [port] [host]   (default 8083 127.0.0.1)

local port = tonumber(arg[1] or 8083)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/sticky_client [port] [host]", 0) end

local client = socket.socket()
client:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) -- no waiting to batch small sends
client:connect({host, port})

for _, msg in ipairs({"hello", "world", "!"}) do
  client:send(msg)
  print(string.format("sent %d bytes: %s", #msg, repr(msg)))
end
-- (The server's short answers are read with one recv each: a sketch, since
-- they could stick or split too. tcp/framed_client does it properly.)
print("server: " .. client:recv(1024))

local big = string.rep("0123456789", 20000)
client:sendall(big)
print(string.format("sent %d bytes with one sendall", #big))
client:shutdown(socket.SHUT_WR) -- no more data: the server's recv returns ""
print("server: " .. client:recv(1024))
client:close()
