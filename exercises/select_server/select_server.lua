-- Exercise select_server: an echo server for many clients in one loop,
-- with select.select. The task: select_server.md (or `sockplay exercise
-- start select_server`). Check with:
--   sockplay exercise check select_server select_server.lua

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(128)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- This serves one client at a time: while it waits in recv for one
-- client, the others wait too.
-- TODO: one loop for everyone: keep the listening socket and the
-- connections in a list; ask select which of them are ready to read;
-- accept on the listening socket, recv and echo on a connection, drop a
-- connection when recv returns "" or raises a ConnectionError.
while true do
  local conn = server:accept()
  while true do
    local ok, data = pcall(conn.recv, conn, 1024)
    if not ok or data == "" then break end
    conn:sendall(data)
  end
  conn:close()
end
