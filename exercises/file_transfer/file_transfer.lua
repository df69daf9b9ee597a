-- Exercise file_transfer: a length-prefixed file transfer. The task:
-- file_transfer.md (or `sockplay exercise start file_transfer`). Check with:
--   sockplay exercise check file_transfer file_transfer.lua
--
--   sockplay run file_transfer.lua serve [port] [dir] [host]
--   sockplay run file_transfer.lua send FILE [port] [host]

-- recv_exactly(conn, n) -> n bytes, or fewer if the peer closed first
local function recv_exactly(conn, n)
  -- TODO 1: recv until you have n bytes (recv may return fewer than asked),
  -- or until recv returns "" (the peer closed).
  return conn:recv(n)
end

local function serve(port, dir, host)
  local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
  server:bind({host, port})
  server:listen(5)
  local addr = server:getsockname()
  print("server is listening on " .. addr.host .. ":" .. addr.port)
  while true do
    local conn = server:accept()
    -- TODO 2: read the header: the name's length (2 bytes, ">I2"), the
    -- name, the size (4 bytes, ">I4"); refuse bad names ("ERROR bad name\n");
    -- read size bytes; store them in dir/name; print "received NAME (N bytes)";
    -- answer "OK N\n".
    conn:close()
  end
end

local function send(path, port, host)
  local name = path:match("[^/\\]*$") -- the name without its folder
  -- TODO 3: read the file; connect; send string.pack(">s2I4", name, size)
  -- and the bytes; read the answer up to "\n"; print "sent NAME (N bytes)",
  -- or "size mismatch: ..." / "transfer failed: ..." and os.exit(1).
end

local mode = arg[1]
if mode == "serve" then
  serve(tonumber(arg[2] or 9002), arg[3] or ".", arg[4] or "127.0.0.1")
elseif mode == "send" and arg[2] then
  send(arg[2], tonumber(arg[3] or 9002), arg[4] or "127.0.0.1")
else
  error("usage: file_transfer.lua serve [port] [dir] [host] | send FILE [port] [host]", 0)
end
