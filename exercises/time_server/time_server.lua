-- Exercise time_server: a UDP time server taking strftime formats. The
-- task: time_server.md (or `sockplay exercise start time_server`).
-- Check with:  sockplay exercise check time_server time_server.lua

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"

local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:bind({host, port})
local addr = s:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

while true do
  local format, client = s:recvfrom(1024)
  -- TODO 1: an empty format means "%Y-%m-%d %H:%M:%S".
  -- TODO 2: reply to the client (s:sendto(reply, client)) with
  -- os.date(format); if that fails or is not a string (the format "*t"
  -- makes a table), reply "error: bad format".
end
