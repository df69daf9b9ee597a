-- UDP time server, NTP-like: the current time, in the client's format.
-- zh: UDP 时间服务端，类似 NTP：按客户端给的格式返回当前时间。
-- A client sends a strftime format ("%Y %m %d"); the server answers with
-- the current local time in that format (os.date), or in "%Y-%m-%d %X"
-- when the message is empty. It sets SO_REUSEADDR before bind, as the
-- original does. Stop it with Ctrl-C.
-- Tutorial §3.7, NTP例子, 自制时间服务器 (server端).
--
-- Run:  sockplay run udp/time_server [port] [host]   (default 9000 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run udp/time_client [port] [host]

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run udp/time_server [port] [host]", 0) end

local ip_port = {host, port}
local bufsize = 1024

-- (The original names this socket tcp_server, but it is UDP: SOCK_DGRAM.)
local udp_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp_server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
udp_server:bind(ip_port)
local a = udp_server:getsockname()
print("server is listening on " .. a.host .. ":" .. a.port)

while true do
  local msg, addr = udp_server:recvfrom(bufsize)
  print("===>", bytes_repr(msg))
  local time_fmt
  if msg == "" then
    time_fmt = "%Y-%m-%d %X"
  else
    time_fmt = msg
  end
  -- os.date formats the current local time, as strftime(fmt, localtime()).
  -- A format such as "*t" makes a table, not text: answer with an error.
  local ok, back_msg = pcall(os.date, time_fmt)
  if not ok or type(back_msg) ~= "string" then
    back_msg = "bad time format: " .. time_fmt
  end
  print(back_msg, type(back_msg))
  udp_server:sendto(back_msg, addr)
end
