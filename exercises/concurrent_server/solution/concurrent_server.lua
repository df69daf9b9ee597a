-- Exercise concurrent_server, a solution: a task per client.

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(128)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local function serve(conn, client)
  local ok, err = pcall(function()
    while true do
      local data = conn:recv(1024)
      if data == "" then return end
      conn:sendall(data)
    end
  end)
  if not ok and not (type(err) == "table" and err:is("ConnectionError")) then error(err, 0) end
  print("client " .. tostring(client) .. " left")
  conn:close()
end

while true do
  local conn, client = server:accept()
  print("client " .. tostring(client) .. " connected")
  spawn(serve, conn, client)
end
