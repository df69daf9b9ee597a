-- Prints both ends of an accepted connection: getsockname, getpeername, fileno.
-- zh: 打印已接受连接的两端：getsockname、getpeername、fileno。
-- The server accepts one client and prints, as seen from the accepted
-- socket, its own address (local), the client's address (peer) and the
-- socket's file descriptor. The client prints the same pair from its side:
-- each one's local address is the other's peer.
-- Tutorial §3.3, 例子: 获取本端和对端的ip地址和端口信息 (服务端).
--
-- Run:  sockplay run tcp/addr_server [port] [host]   (default 8080 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/addr_client [port] [host]

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/addr_server [port] [host]", 0) end

local s = socket.socket()
s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- re-run at once (see tcp/echo_server)
s:bind({host, port})
s:listen(5)
local addr = s:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)
local conn, peer = s:accept()

local localname = conn:getsockname()
local peername = conn:getpeername()
print(string.format("local:%s, peer:%s", tostring(localname), tostring(peername)))
print(string.format("描述符%s", conn:fileno()))
-- 结果 (result), e.g.:
-- local:('127.0.0.1', 8080), peer:('127.0.0.1', 3030)
-- 描述符5

conn:close()
s:close()
