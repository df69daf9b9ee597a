-- Exercise echo_upper, a solution: an upper-case echo server for one client.

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local conn, client = server:accept()
print("connected: " .. tostring(client))
while true do
  local data = conn:recv(1024)
  if data == "" then break end -- the client has closed the connection
  conn:sendall(data:upper())
end
print("the client has left")
conn:close()
server:close()
