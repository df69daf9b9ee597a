-- TCP echo server, 1st version: one client, one message, upper-cased reply.
-- zh: TCP 回显服务端，第 1 版：一个客户端，一条消息，回复大写。
-- The server side of a TCP exchange, step by step: socket, bind, listen,
-- accept (wait for a client), recv (at most 1024 bytes), send, close. It
-- serves a single client and ends.
-- Tutorial §3.3, 第一版, 单个客户端与服务端通信 (服务端).
--
-- Run:  sockplay run tcp/echo_server [port] [host]   (default 8081 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/echo_client [port] [host]

local port = tonumber(arg[1] or 8081)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/echo_server [port] [host]", 0) end

-- A TCP socket (a stream socket); socket.socket() alone means the same.
-- (The original also makes a UDP socket here that it never uses.)
local tcp_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)

-- SO_REUSEADDR, before bind: the next run may bind this port at once.
-- Without it, bind fails with "Address already in use" for about a
-- minute after a client was served, while the closed connection lingers
-- in TIME_WAIT. (Not in the original.)
tcp_socket:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

-- Bind the server's address and port: a {host, port} table, Python's tuple.
tcp_socket:bind({host, port})

-- Start listening; 5 connections may wait to be accepted.
tcp_socket:listen(5)
local addr = tcp_socket:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- Wait for a client: accept returns a new socket for this connection and
-- the client's address.
local conn, client_addr = tcp_socket:accept()
print(conn, client_addr)

-- Receive at most 1024 bytes.
local data_recv = conn:recv(1024)
print(bytes_repr(data_recv))

-- Reply to the client.
conn:send(data_recv:upper())

-- Close the connection, then the listening socket.
conn:close()
tcp_socket:close()
