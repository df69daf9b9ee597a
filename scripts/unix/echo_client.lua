-- AF_UNIX echo client: sends each line you type over a socket file.
-- zh: AF_UNIX 回显客户端：通过套接字文件发送你输入的每一行。
-- tcp/loop_client in the other socket family: connect takes the server's
-- socket path instead of a host and port. Empty lines are skipped; end of
-- input (Ctrl-D, or the end of piped input) ends the client.
-- Tutorial §二, 基于文件类型的套接字家族 (AF_UNIX); the tutorial has no program for it.
--
-- Run:  sockplay run unix/echo_server     then, in another terminal:
--       sockplay run unix/echo_client [path]   (default /tmp/sockplay-echo.sock)

local path = arg[1] or "/tmp/sockplay-echo.sock"

local s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s:connect(path)

while true do
  local data_send = input(">>>")
  if data_send == nil then break end -- end of input
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
