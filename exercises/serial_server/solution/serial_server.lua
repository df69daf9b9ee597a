-- Exercise serial_server, a solution: an echo server that serves one
-- client after another and survives clients that reset the connection.

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- serve(conn) echoes until the client leaves, in an orderly way or not.
local function serve(conn)
  while true do
    local data = conn:recv(1024)
    if data == "" then return "closed the connection" end
    conn:sendall(data)
  end
end

while true do
  local conn, client = server:accept()
  print("client " .. tostring(client) .. " connected")
  local ok, why = pcall(serve, conn)
  if not ok then
    if not (type(why) == "table" and why:is("ConnectionError")) then error(why, 0) end
    why = "left: " .. tostring(why)
  end
  print("client " .. tostring(client) .. " " .. why)
  conn:close()
end
