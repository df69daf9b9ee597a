-- Exercise echo_upper: an upper-case echo server. The task: echo_upper.md
-- (or `sockplay exercise start echo_upper`). Check your work with:
--   sockplay exercise check echo_upper echo_upper.lua

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

-- TODO 1: accept one client: server:accept() returns the connection and
-- the client's address.

-- TODO 2: receive what the client sends (conn:recv(1024)) and send it back
-- in upper case (data:upper(), conn:sendall(...)), again and again, until
-- recv returns "": the client has closed the connection.

-- TODO 3: close the connection.

server:close()
