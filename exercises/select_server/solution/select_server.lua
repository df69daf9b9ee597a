-- Exercise select_server, a solution: one loop, select.select, no tasks.

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(128)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local clients = {} -- conn -> its address

local function drop(conn, why)
  print("client " .. tostring(clients[conn]) .. " " .. why)
  clients[conn] = nil
  conn:close()
end

while true do
  local watch = {server}
  for conn in pairs(clients) do watch[#watch + 1] = conn end
  local readable = select.select(watch, {}, {})
  for _, s in ipairs(readable) do
    if s == server then
      local conn, client = server:accept()
      clients[conn] = client
      print("client " .. tostring(client) .. " connected")
    else
      local ok, data = pcall(s.recv, s, 1024)
      if not ok then
        if not (type(data) == "table" and data:is("ConnectionError")) then error(data, 0) end
        drop(s, "left: " .. tostring(data))
      elseif data == "" then
        drop(s, "closed the connection")
      else
        local sent, err = pcall(s.sendall, s, data)
        if not sent then drop(s, "left: " .. tostring(err)) end
      end
    end
  end
end
