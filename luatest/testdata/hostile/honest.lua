-- An echo server for one client: the honest student.
local srv = socket.create_server({"127.0.0.1", tonumber(arg[1] or 0)})
local addr = srv:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)
local conn = srv:accept()
while true do
  local data = conn:recv(1024)
  if data == "" then break end
  conn:sendall(data)
end
conn:close()
