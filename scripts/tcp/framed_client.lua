-- Framed messages, the client: sends messages back to back, each arrives whole.
-- zh: 分帧的消息，客户端：接连发送多条消息，每条都完整到达。
-- It reads lines from input until end of input (Ctrl-D, or the end of
-- piped input): each line is one message ("hello", "world", "!" if there
-- are none). Then it sends them all back to back, with a 200000-byte
-- message last, each with sock:send_msg (a 4-byte big-endian length, then
-- the bytes), and reads the server's answers with sock:recv_msg.
-- tcp/framed_server receives exactly the messages that were sent, where
-- tcp/sticky_server saw them stuck together.
-- Tutorial §3.3, 远程执行命令: the fix for the sticky-packet problem.
--
-- Run:  sockplay run tcp/framed_server     then, in another terminal:
--       sockplay run tcp/framed_client [port] [host]   (default 8084 127.0.0.1)

local port = tonumber(arg[1] or 8084)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/framed_client [port] [host]", 0) end

print(tr("type messages, one per line; end of input (Ctrl-D) sends them all at once"))
local msgs = {}
while true do
  local line = input()
  if line == nil then break end
  msgs[#msgs + 1] = line
end
if #msgs == 0 then msgs = {"hello", "world", "!"} end
msgs[#msgs + 1] = string.rep("0123456789", 20000)

local client = socket.socket()
client:connect({host, port})
for _, msg in ipairs(msgs) do
  client:send_msg(msg) -- no waiting in between: without the length they would stick
end
for _ = 1, #msgs do
  print("server: " .. client:recv_msg())
end
client:close()
