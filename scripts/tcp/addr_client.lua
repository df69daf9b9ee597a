-- Prints both ends of a connection from the client: getsockname, getpeername.
-- zh: 在客户端打印连接的两端：getsockname、getpeername。
-- The client connects and prints its own address (local: the port the
-- system picked for it) and the server's (peer). Compare with what
-- tcp/addr_server prints: the two lines mirror each other.
-- Tutorial §3.3, 例子: 获取本端和对端的ip地址和端口信息 (客户端).
--
-- Run:  sockplay run tcp/addr_server     then, in another terminal:
--       sockplay run tcp/addr_client [port] [host]   (default 8080 127.0.0.1)

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/addr_client [port] [host]", 0) end

local s = socket.socket()
s:connect({host, port})

local localname = s:getsockname()
local peername = s:getpeername()
print(string.format("local:%s, peer:%s", tostring(localname), tostring(peername)))
-- 结果 (result), e.g.: local:('127.0.0.1', 3030), peer:('127.0.0.1', 8080)

s:close()
