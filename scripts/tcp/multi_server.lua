-- TCP echo server, 3rd version: serves client after client.
-- zh: TCP 回显服务端，第 3 版：一个接一个地服务客户端。
-- An outer loop accepts one client after another; an inner loop echoes
-- that client's messages in upper case. A client can leave two ways, and
-- both end the inner loop: an orderly close (recv returns "") and an
-- abrupt one (ConnectionResetError, or another ConnectionError). The
-- original caught only the reset, so after an orderly close it spun
-- forever on b''. Stop the server with Ctrl-C.
-- Tutorial §3.3, 第三版, 服务端持续接收多个客户端的数据包.
--
-- Run:  sockplay run tcp/multi_server [port] [host]   (default 8080 127.0.0.1; 0: a free port)
-- then, in other terminals, one after another:  sockplay run tcp/loop_client [port] [host]

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/multi_server [port] [host]", 0) end

local tcp_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp_socket:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- re-run at once (see tcp/echo_server)
tcp_socket:bind({host, port})
tcp_socket:listen(5)
local addr = tcp_socket:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- Echo one client's messages until it closes the connection.
local function serve(conn)
  while true do
    -- Receive at most 1024 bytes; "" once the client has closed.
    local data_recv = conn:recv(1024)
    if data_recv == "" then return end
    print(bytes_repr(data_recv))

    -- Reply to the client.
    conn:sendall(data_recv:upper())
  end
end

-- The server accepts client after client.
while true do
  -- Wait for a client: a new socket for this connection and its address.
  local conn, client_addr = tcp_socket:accept()
  print(conn, client_addr)
  -- pcall is Python's try: err is the error serve raised, if any.
  local ok, err = pcall(serve, conn)
  if ok then
    print("client " .. tostring(client_addr) .. " closed the connection")
  elseif type(err) == "table" and err:is("ConnectionError") then
    -- The client vanished (reset): this is not the server's problem.
    print("client " .. tostring(client_addr) .. " left: " .. tostring(err))
  else
    error(err, 0) -- anything else (Ctrl-C, a bug) stops the server
  end
  -- Close this connection; the listening socket stays open.
  conn:close()
end
