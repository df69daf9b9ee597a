-- Benchmark UDP echo server: each datagram back to its sender, unchanged.
-- zh: 基准测试的 UDP 回显服务端：每个数据报原样发回给发送方。
-- The project's UDP peer in the benchmark of docs/PERFORMANCE.md, which
-- measures it against native Go, Python and LuaSocket servers: one
-- recvfrom/sendto loop serves every client. The echo runs in Lua on
-- purpose, to measure the playground's Lua path. It runs until killed
-- (Ctrl-C).
-- Not in the tutorial: its §3.5 server answers one datagram.
--
-- Run:  sockplay run bench/udp_echo_server [port] [host]   (default 9001 127.0.0.1; 0: a free port)
-- then point an echo load generator at it (docs/PERFORMANCE.md describes
-- the benchmark's).

local port = tonumber(arg[1] or 9001)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run bench/udp_echo_server [port] [host]", 0) end

local sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock:bind({host, port})
local addr = sock:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

while true do
  local data, from = sock:recvfrom(65536)
  sock:sendto(data, from)
end
