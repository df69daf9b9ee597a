-- Exercise time_server, a solution: the time, in the client's format.

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"

local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:bind({host, port})
local addr = s:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

while true do
  local format, client = s:recvfrom(1024)
  if format == "" then format = "%Y-%m-%d %H:%M:%S" end
  local ok, reply = pcall(os.date, format)
  if not ok or type(reply) ~= "string" then reply = "error: bad format" end
  print(tostring(client) .. " asked for " .. format .. ": " .. reply)
  s:sendto(reply, client)
end
