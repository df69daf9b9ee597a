-- Framed messages: each message arrives whole, however TCP splits or joins it.
-- zh: 分帧的消息：不管 TCP 怎样拆分或合并，每条消息都完整到达。
-- The cure for sticky packets (tcp/sticky_server): mark where each message
-- ends. sock:send_msg(data) sends a 4-byte big-endian length and then the
-- data; sock:recv_msg() reads exactly one such frame, calling recv as many
-- times as it takes, and returns nil when the peer has closed between
-- messages. (A line is the other common frame: makefile():lines(), as
-- tcp/cmd_server reads its commands.) This server takes one client
-- (tcp/framed_client), prints every message it receives and answers each
-- with a message of its own.
-- Tutorial §3.3, 远程执行命令: the fix for the sticky-packet problem.
--
-- Run:  sockplay run tcp/framed_server [port] [host]   (default 8084 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/framed_client [port] [host]

local port = tonumber(arg[1] or 8084)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/framed_server [port] [host]", 0) end

-- The start of a message, for printing.
local function preview(msg)
  if #msg > 40 then return repr(msg:sub(1, 40)) .. "..." end
  return repr(msg)
end

local server = socket.socket()
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- re-run at once (see tcp/echo_server)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local conn, client_addr = server:accept()
print("client " .. tostring(client_addr) .. " connected")
local n = 0
while true do
  local msg = conn:recv_msg() -- one whole message; nil: the client has closed
  if msg == nil then break end
  n = n + 1
  print(string.format("message %d: %d bytes %s", n, #msg, preview(msg)))
  conn:send_msg(string.format("message %d: %d bytes", n, #msg))
end
print(string.format("the client has closed the connection after %d messages", n))
conn:close()
server:close()
