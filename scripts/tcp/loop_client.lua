-- TCP echo client, 2nd version: sends each line you type, prints each reply.
-- zh: TCP 回显客户端，第 2 版：发送你输入的每一行，打印每条回复。
-- The client loops: read a line, send it, print the server's reply. Empty
-- lines are skipped, as in the original; end of input (Ctrl-D, or the end
-- of piped input) ends the client, which closes the connection.
-- Tutorial §3.3, 第二版, 服务端和客户端循环发送和接收数据 (客户端).
-- It is also the client of tcp/multi_server (第三版).
--
-- Run:  sockplay run tcp/loop_server   (or tcp/multi_server)   then, in another terminal:
--       sockplay run tcp/loop_client [port] [host]   (default 8080 127.0.0.1)
-- Piped:  printf 'abc\n123\n' | sockplay run tcp/loop_client

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/loop_client [port] [host]", 0) end

local s = socket.socket()
s:connect({host, port})

while true do
  -- The data to send; nil at end of input.
  local data_send = input(">>>")
  if data_send == nil then break end
  -- An empty line: nothing to send, ask again.
  if data_send ~= "" then
    s:send(data_send)

    local data_recv = s:recv(1024)
    if data_recv == "" then
      print("the server has closed the connection")
      break
    end
    print(bytes_repr(data_recv))
  end
end

s:close()
-- >>>abc
-- b'ABC'
-- >>>123
-- b'123'
-- >>>你好
-- b'\xe4\xbd\xa0\xe5\xa5\xbd'
