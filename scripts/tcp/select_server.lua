-- TCP echo server, event-loop style: many clients from one task with select.
-- zh: TCP 回显服务端，事件循环风格：一个任务用 select 服务多个客户端。
-- No task per client: the listening socket and every connection are
-- non-blocking (settimeout(0)), and select.select tells which of them are
-- ready, so the single loop never waits on one client while another has
-- data — Python's select-based servers, and what LuaSocket's socket.select
-- does (without its limit of 1024 descriptors). Replies a client cannot
-- take yet wait in its pending buffer and go out when select says the
-- socket is writable. Compare tcp/concurrent_server: a task per client.
-- Beyond the tutorial: the question that follows 第三版.
--
-- Run:  sockplay run tcp/select_server [port] [host]   (default 8080 127.0.0.1; 0: a free port)
-- then, in several terminals at once:  sockplay run tcp/loop_client [port] [host]

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/select_server [port] [host]", 0) end

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(128)
server:settimeout(0)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local clients = {}  -- conn -> {addr = ..., pending = "bytes not yet sent"}

local function drop(conn, why)
  print("client " .. tostring(clients[conn].addr) .. " " .. why)
  clients[conn] = nil
  conn:close()
end

-- Is err a "would block" or a vanished peer? Anything else is a bug.
local function check(err, conn)
  if type(err) == "table" and err:is("BlockingIOError") then return end
  if type(err) == "table" and err:is("ConnectionError") then
    drop(conn, "left: " .. tostring(err))
    return
  end
  error(err, 0)
end

while true do
  local readers, writers = {server}, {}
  for conn, c in pairs(clients) do
    -- A client that does not read its replies stops being read from
    -- (back-pressure) instead of growing its buffer without end.
    if #c.pending < 65536 then readers[#readers + 1] = conn end
    if #c.pending > 0 then writers[#writers + 1] = conn end
  end
  local readable, writable = select.select(readers, writers, {})

  for _, s in ipairs(readable) do
    if s == server then
      local ok, conn, client_addr = pcall(server.accept, server)
      if ok then
        conn:settimeout(0)
        clients[conn] = {addr = client_addr, pending = ""}
        print("client " .. tostring(client_addr) .. " connected")
      elseif not (type(conn) == "table" and conn:is("OSError") and not conn:is("KeyboardInterrupt")) then
        error(conn, 0)
      end
    elseif clients[s] then
      local ok, data = pcall(s.recv, s, 1024)
      if not ok then
        check(data, s)
      elseif data == "" then
        drop(s, "closed the connection")
      else
        clients[s].pending = clients[s].pending .. data:upper()
      end
    end
  end

  for _, s in ipairs(writable) do
    local c = clients[s]
    if c and #c.pending > 0 then
      local ok, sent = pcall(s.send, s, c.pending)
      if ok then
        c.pending = c.pending:sub(sent + 1)
      else
        check(sent, s)
      end
    end
  end
end
