-- Benchmark TCP echo server in the LuaSocket dialect: bytes back unchanged.
-- zh: LuaSocket 方言的基准测试 TCP 回显服务端：字节原样发回。
-- The peer "sockplay_ls" of the benchmark (../shared/bench): the echo of
-- bench/echo_server written with LuaSocket's calls, to compare the two
-- dialects on the same runtime. One task per client (spawn): it waits
-- with socket.select until its socket is readable, takes what has come
-- with receive(65536) on a non-blocking object (LuaSocket's partial
-- result, nil, "timeout", partial), and sends it back, waiting for room
-- when the peer reads slowly. TCP_NODELAY on each client and a listen
-- backlog of 1024, as the other peers. It runs until killed (Ctrl-C).
-- Not in the tutorial.
--
-- Run:  sockplay run bench/luasocket_echo_server [port] [host]   (default 9000 127.0.0.1; 0: a free port)

local socket = require("socket")

local port = tonumber(arg[1] or 9000)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run bench/luasocket_echo_server [port] [host]", 0) end

local server = assert(socket.bind(host, port, 1024))
local ip, bound = server:getsockname()
print("server is listening on " .. ip .. ":" .. bound)

local select = socket.select

local function serve(client)
  client:setoption("tcp-nodelay", true)
  client:settimeout(0)
  local watch = { client }
  while true do
    select(watch, nil)
    local data, err, partial = client:receive(65536)
    data = data or partial
    if #data > 0 then
      local last, serr, sent = client:send(data)
      while not last do -- the client reads slowly: wait for room
        if serr ~= "timeout" then err = serr break end
        select(nil, watch)
        last, serr, sent = client:send(data, sent + 1)
      end
    end
    if err and err ~= "timeout" then break end -- "closed": the client left
  end
  client:close()
end

while true do
  local client = server:accept()
  if client then spawn(serve, client) end
end
