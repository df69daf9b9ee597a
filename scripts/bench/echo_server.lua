-- Benchmark TCP echo server: bytes back unchanged, many clients at once.
-- zh: 基准测试的 TCP 回显服务端：字节原样发回，同时服务多个客户端。
-- The project's TCP peer in the benchmark of docs/PERFORMANCE.md, which
-- measures it against native Go, Python and LuaSocket servers: one
-- spawned task per client, each a recv(65536)/sendall loop, so many
-- clients are served concurrently; the echo runs in Lua on purpose, to
-- measure the playground's Lua path. TCP_NODELAY on each
-- accepted socket and a listen backlog of 1024, as the other peers.
-- It runs until killed (Ctrl-C).
-- Not in the tutorial: its 第三版 server serves one client at a time.
--
-- Run:  sockplay run bench/echo_server [port] [host]   (default 9000 127.0.0.1; 0: a free port)
-- then point an echo load generator at it (docs/PERFORMANCE.md describes
-- the benchmark's).

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run bench/echo_server [port] [host]", 0) end

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server:bind({host, port})
server:listen(1024)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local function echo(conn)
  while true do
    local data = conn:recv(65536)
    if data == "" then return end
    conn:sendall(data)
  end
end

-- One client's task: echo until it leaves; a reset is a normal way to leave.
local function serve(conn)
  local ok, err = pcall(echo, conn)
  conn:close()
  if not ok and not (type(err) == "table" and err:is("ConnectionError")) then
    error(err, 0)
  end
end

while true do
  local conn = server:accept()
  conn:setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
  spawn(serve, conn)
end
