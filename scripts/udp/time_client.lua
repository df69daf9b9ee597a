-- UDP time client: asks for the time in the strftime format you type.
-- zh: UDP 时间客户端：按你输入的 strftime 格式询问时间。
-- Each line you type is a strftime format ("%Y %m %d", "%H:%M"); an empty
-- line asks for the server's default, "%Y-%m-%d %X". End of input (Ctrl-D)
-- ends the client. If no answer comes within 5 seconds the client stops
-- with TimeoutError (the original would wait forever).
-- Tutorial §3.7, NTP例子, 自制时间服务器 (client端).
--
-- Run:  sockplay run udp/time_server     then, in another terminal:
--       sockplay run udp/time_client [port] [host]   (default 9000 127.0.0.1)

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run udp/time_client [port] [host]", 0) end

local ip_port = {host, port}
local bufsize = 1024

-- (The original names this socket tcp_client, but it is UDP: SOCK_DGRAM.)
local udp_client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp_client:settimeout(5)

while true do
  local msg = input("请输入时间格式(例%Y %m %d)>>: ")
  if msg == nil then break end -- end of input
  msg = msg:match("^%s*(.-)%s*$") -- strip()
  udp_client:sendto(msg, ip_port)

  local data = udp_client:recv(bufsize)
  print("当前日期: " .. data)
end

udp_client:close()
