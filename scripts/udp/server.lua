-- UDP server: receives one datagram, answers "hi" to its sender.
-- zh: UDP 服务端：收一个数据报，向发送方回答 "hi"。
-- UDP has no connection: no listen, no accept. recvfrom returns the
-- message and the sender's address, and the reply goes to that address
-- with sendto. Either side may start first without an error.
-- Tutorial §3.5, UDP下的socket通讯流程 (server端).
--
-- Run:  sockplay run udp/server [port] [host]   (default 9000 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run udp/client [port] [host]

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run udp/server [port] [host]", 0) end

local udp_sk = socket.socket{type = socket.SOCK_DGRAM} -- the server's socket
udp_sk:bind({host, port})                              -- bind it
local a = udp_sk:getsockname()
print("server is listening on " .. a.host .. ":" .. a.port)
local msg, addr = udp_sk:recvfrom(1024)
print(bytes_repr(msg))
udp_sk:sendto("hi", addr)                              -- receive, then answer
udp_sk:close()                                         -- close the server's socket
