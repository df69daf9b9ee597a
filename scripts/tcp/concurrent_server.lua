-- TCP echo server, 4th version: many clients at once, one task per client.
-- zh: TCP 回显服务端，第 4 版：同时服务多个客户端，每个客户端一个任务。
-- tcp/multi_server serves client after client: while it talks to one, the
-- next waits in the listen queue. Here the accept loop hands each new
-- connection to its own task with spawn() and goes straight back to
-- accept(), so every client is served at once — Python's
-- threading.Thread(target=serve, args=(conn,)).start(). A task that blocks
-- in recv() lets the others run. Compare tcp/select_server: the same
-- service from a single task with select.select.
-- Beyond the tutorial: the question that follows 第三版.
--
-- Run:  sockplay run tcp/concurrent_server [port] [host]   (default 8080 127.0.0.1; 0: a free port)
-- then, in several terminals at once:  sockplay run tcp/loop_client [port] [host]

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/concurrent_server [port] [host]", 0) end

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(128)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- Echo one client's messages in upper case until it leaves.
local function serve(conn, client_addr)
  local ok, err = pcall(function()
    while true do
      local data = conn:recv(1024)
      if data == "" then return end -- the client closed the connection
      conn:sendall(data:upper())
    end
  end)
  if ok then
    print("client " .. tostring(client_addr) .. " closed the connection")
  elseif type(err) == "table" and err:is("ConnectionError") then
    print("client " .. tostring(client_addr) .. " left: " .. tostring(err))
  else
    conn:close()
    error(err, 0) -- a bug, or Ctrl-C: let it show
  end
  conn:close()
end

while true do
  local ok, conn, client_addr = pcall(server.accept, server)
  if ok then
    print("client " .. tostring(client_addr) .. " connected")
    spawn(serve, conn, client_addr)
  elseif type(conn) == "table" and conn:is("OSError") and not conn:is("KeyboardInterrupt") then
    -- E.g. out of descriptors (EMFILE): this client is not served, the
    -- others are; try again after a moment.
    print("accept failed: " .. tostring(conn))
    sleep(0.1)
  else
    error(conn, 0)
  end
end
