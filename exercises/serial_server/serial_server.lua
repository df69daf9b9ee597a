-- Exercise serial_server: an echo server for client after client. The
-- task: serial_server.md (or `sockplay exercise start serial_server`).
-- Check with:  sockplay exercise check serial_server serial_server.lua

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- This serves one client, then ends.
-- TODO 1: serve client after client: put accepting and serving in a loop.
-- TODO 2: a client that resets the connection makes recv raise
-- ConnectionResetError (sendall: BrokenPipeError): catch it (pcall) and go
-- on with the next client.
local conn = server:accept()
while true do
  local data = conn:recv(1024)
  if data == "" then break end
  conn:sendall(data)
end
conn:close()
server:close()
