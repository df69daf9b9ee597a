-- TCP echo client, 1st version: sends one message, prints the reply.
-- zh: TCP 回显客户端，第 1 版：发一条消息，打印回复。
-- The client side of a TCP exchange: socket, connect, send, recv, close.
-- It sends the line you type ("hello" if you just press Enter, or at end
-- of input) and prints the server's answer, b'HELLO'.
-- Tutorial §3.3, 第一版, 单个客户端与服务端通信 (客户端).
--
-- Run:  sockplay run tcp/echo_server     then, in another terminal:
--       sockplay run tcp/echo_client [port] [host]   (default 8081 127.0.0.1)

local port = tonumber(arg[1] or 8081)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/echo_client [port] [host]", 0) end

local tcp_socket_client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp_socket_client:connect({host, port})

-- The client sends its data (the tutorial always sends 'hello').
local data_send = input("send (Enter: hello)> ")
if data_send == nil or data_send == "" then data_send = "hello" end
tcp_socket_client:send(data_send)
local data_recv = tcp_socket_client:recv(1024)
print(bytes_repr(data_recv))

tcp_socket_client:close()
