-- UDP chat server, like QQ: shows each message, sends back your reply.
-- zh: UDP 聊天服务端，像 QQ：显示每条消息，把你的回复发回去。
-- One socket serves every client: recvfrom says who wrote, and the reply
-- you type goes back to that address with sendto. End of input (Ctrl-D)
-- stops the server.
-- Tutorial §3.6, 类似于qq聊天的代码示例 (server端).
--
-- Run:  sockplay run udp/chat_server [port] [host]   (default 8081 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run udp/chat_client [port] [host]

local port = tonumber(arg[1] or 8081)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run udp/chat_server [port] [host]", 0) end

local ip_port = {host, port}
-- SOCK_DGRAM: datagram, the way UDP communicates.
local udp_server_sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
-- The one port the service uses: every client talks to the server through it.
udp_server_sock:bind(ip_port)
local a = udp_server_sock:getsockname()
print("server is listening on " .. a.host .. ":" .. a.port)

while true do
  local qq_msg, addr = udp_server_sock:recvfrom(1024) -- waits for a message
  -- \27[1;44m ... \27[0m: bold on a blue background, on a terminal.
  print(string.format("来自[%s:%s]的一条消息:\27[1;44m%s\27[0m", addr[1], addr[2], qq_msg))
  local back_msg = input("回复消息: ")
  if back_msg == nil then break end -- end of input
  back_msg = back_msg:match("^%s*(.-)%s*$") -- strip()

  udp_server_sock:sendto(back_msg, addr)
end

udp_server_sock:close()
