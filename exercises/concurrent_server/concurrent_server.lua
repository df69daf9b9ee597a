-- Exercise concurrent_server: an echo server for many clients at once. The
-- task: concurrent_server.md (or `sockplay exercise start concurrent_server`).
-- Check with:  sockplay exercise check concurrent_server concurrent_server.lua

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(128)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- serve(conn) echoes until the client leaves.
local function serve(conn)
  local ok, err = pcall(function()
    while true do
      local data = conn:recv(1024)
      if data == "" then return end
      conn:sendall(data)
    end
  end)
  if not ok and not (type(err) == "table" and err:is("ConnectionError")) then error(err, 0) end
  conn:close()
end

while true do
  local conn = server:accept()
  -- TODO: this serves one client at a time: the others wait until it
  -- leaves. Serve each connection in a task of its own instead:
  -- spawn(serve, conn) returns at once, and the loop accepts the next client.
  serve(conn)
end
