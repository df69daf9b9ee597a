-- UDP client: sends "hello", prints the answer and who sent it.
-- zh: UDP 客户端：发送 "hello"，打印回答和发送方。
-- No connect: every sendto names the destination, and recvfrom tells who
-- answered. If no answer comes within 5 seconds (UDP does not say whether
-- anyone listens), the client stops with TimeoutError; the original would
-- wait forever.
-- Tutorial §3.5, UDP下的socket通讯流程 (client端).
--
-- Run:  sockplay run udp/server     then, in another terminal:
--       sockplay run udp/client [port] [host]   (default 9000 127.0.0.1)

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run udp/client [port] [host]", 0) end

local ip_port = {host, port}
local udp_sk = socket.socket{type = socket.SOCK_DGRAM}
udp_sk:settimeout(5)
udp_sk:sendto("hello", ip_port)
local back_msg, addr = udp_sk:recvfrom(1024)
print(back_msg, addr)
udp_sk:close()
