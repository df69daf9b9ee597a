-- TCP echo server, 2nd version: one client, many messages, until it leaves.
-- zh: TCP 回显服务端，第 2 版：一个客户端，多条消息，直到它离开。
-- After accept, the server loops over recv and send, replying to each
-- message in upper case. Fixed here: the original loops forever once the
-- client leaves, because recv then returns b'' (an empty string) at once,
-- again and again; this server stops on "".
-- Tutorial §3.3, 第二版, 服务端和客户端循环发送和接收数据 (服务端).
--
-- Run:  sockplay run tcp/loop_server [port] [host]   (default 8080 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/loop_client [port] [host]

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/loop_server [port] [host]", 0) end

local s = socket.socket()
s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- re-run at once (see tcp/echo_server)
s:bind({host, port})
s:listen(5)
local addr = s:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)
local conn, client_addr = s:accept()

while true do
  -- Receive at most 1024 bytes.
  local data_recv = conn:recv(1024)
  -- "" means the client has closed the connection: nothing more will come.
  if data_recv == "" then
    print("the client has closed the connection")
    break
  end
  print(bytes_repr(data_recv))

  -- Reply to the client (sendall: send may send only a part).
  conn:sendall(data_recv:upper())
end

conn:close()
s:close()
-- 结果 (result), e.g.:
-- b'abc'
-- b'123'
-- b'ddd'
-- b'\xe4\xbd\xa0\xe5\xa5\xbd'
