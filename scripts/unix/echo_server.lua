-- AF_UNIX echo server: the 2nd version over a socket file.
-- zh: AF_UNIX 回显服务端：通过套接字文件的第 2 版。
-- The same program as tcp/loop_server, in the other socket family: the
-- address is a path in the file system instead of a host and port, so
-- only programs on this machine can connect. bind creates the socket
-- file; a file left by an earlier run would make bind fail with "Address
-- already in use", so the server removes it first (only if it is a socket
-- that nobody listens on), and removes it again when its client has left.
-- (If you stop it with Ctrl-C the file stays, and the next run removes it.)
-- Tutorial §二, 基于文件类型的套接字家族 (AF_UNIX); the tutorial has no program for it.
--
-- Run:  sockplay run unix/echo_server [path]   (default /tmp/sockplay-echo.sock)
-- then, in another terminal:  sockplay run unix/echo_client [path]

local path = arg[1] or "/tmp/sockplay-echo.sock"

-- Remove a stale socket file, and nothing else.
local probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
local busy = probe:connect_ex(path) == 0
probe:close()
if busy then
  io.stderr:write("another server is listening on " .. path .. "\n")
  os.exit(1)
end
local f = io.open(path, "r") -- a socket file cannot be opened; a regular file can
if f then
  f:close()
  io.stderr:write(path .. " exists and is not a socket: not removing it\n")
  os.exit(1)
end
os.remove(path)

local s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s:bind(path)
s:listen(5)
print("server is listening on " .. path)

-- Echo one client's messages until it closes the connection.
local function serve()
  local conn = s:accept()
  while true do
    local data_recv = conn:recv(1024)
    if data_recv == "" then break end -- the client has closed the connection
    print(bytes_repr(data_recv))
    conn:sendall(data_recv:upper())
  end
  conn:close()
end

local ok, err = pcall(serve)
s:close()
os.remove(path) -- the socket file outlives the socket: remove it
if ok then
  print("the client has closed the connection")
else
  error(err, 0)
end
