-- Sticky packets (粘包): a TCP server sees bytes, not the client's sends.
-- zh: 粘包：TCP 服务端看到的是字节，而不是客户端的一次次发送。
-- Why: TCP delivers a stream of bytes, in order, and keeps no boundaries
-- between sends. What arrives waits in the socket's receive buffer, and
-- recv(n) takes whatever is there, up to n bytes. So small sends that
-- arrive before the receiver calls recv come out of one recv stuck
-- together ("helloworld!"), and one large send comes out in several
-- recvs, each taking what has arrived so far. Neither is an error: it is
-- what a byte stream is. The tutorial's remote command program breaks on
-- exactly this (its client reads 1024 bytes of a longer output and gets
-- the rest as the answer to the next command). The cure is to mark where
-- each message ends: tcp/framed_server and tcp/framed_client.
--
-- This server accepts one client (tcp/sticky_client) and, before its first
-- recv, waits for you to press Enter (a second, without input), so the
-- client's three small sends are all in the buffer by then; then it counts
-- the recvs that one 200000-byte send takes, and tells the client.
-- See every send and recv with --trace:
--   sockplay run --trace tcp/sticky_server 0      and then the client.
-- Tutorial §3.3, 远程执行命令: the sticky-packet problem behind its bug.
--
-- Run:  sockplay run tcp/sticky_server [port] [host]   (default 8083 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/sticky_client [port] [host]

local port = tonumber(arg[1] or 8083)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/sticky_server [port] [host]", 0) end

local server = socket.socket()
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- re-run at once (see tcp/echo_server)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local conn, client_addr = server:accept()
print("client " .. tostring(client_addr) .. " connected; it sends three small messages now")

-- Wait, as a busy server would: meanwhile the client's sends pile up in
-- this socket's receive buffer.
print(tr("press Enter to call recv(65536)"))
if input() == nil then
  sleep(1) -- no input to wait for (piped or empty): wait a second instead
end

-- One recv takes everything that has arrived: the three sends, stuck together.
local data = conn:recv(65536)
print(string.format("recv #1: %d bytes %s", #data, repr(data)))
conn:sendall(string.format("your sends arrived stuck together: one recv took %d bytes %s", #data, repr(data)))

-- Now one large send: recv returns it piece by piece.
local count, total = 0, 0
while true do
  local chunk = conn:recv(65536)
  if chunk == "" then break end -- the client has shut down its sending side
  count = count + 1
  total = total + #chunk
  print(string.format("recv #%d: %d bytes", count + 1, #chunk))
end
print(string.format("the large send arrived in %d recvs, %d bytes in all", count, total))
conn:sendall(string.format("your one sendall of %d bytes arrived in %d recvs", total, count))
conn:close()
server:close()
