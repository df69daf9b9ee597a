-- Exercise file_transfer, a solution: a length-prefixed file transfer.
--
--   sockplay run file_transfer.lua serve [port] [dir] [host]
--   sockplay run file_transfer.lua send FILE [port] [host]

local function recv_exactly(conn, n)
  local parts, got = {}, 0
  while got < n do
    local data = conn:recv(math.min(n - got, 65536))
    if data == "" then break end
    parts[#parts + 1] = data
    got = got + #data
  end
  return table.concat(parts)
end

-- recv_line(conn) -> the bytes up to "\n" (without it)
local function recv_line(conn)
  local line = ""
  while not line:find("\n", 1, true) do
    local data = conn:recv(1024)
    if data == "" then break end
    line = line .. data
  end
  return (line:gsub("\n.*", ""))
end

local function bad_name(name)
  return name == "" or name == "." or name == ".." or name:find("[/\\%z]") ~= nil
end

-- receive(conn, dir) handles one client.
local function receive(conn, dir)
  local head = recv_exactly(conn, 2)
  if #head < 2 then return end
  local name = recv_exactly(conn, (string.unpack(">I2", head)))
  local sizebytes = recv_exactly(conn, 4)
  if #sizebytes < 4 then return end
  local size = string.unpack(">I4", sizebytes)
  if bad_name(name) then
    print("refused the name " .. string.format("%q", name))
    conn:sendall("ERROR bad name\n")
    return
  end
  local data = recv_exactly(conn, size)
  if #data < size then
    print(("incomplete %s: got %d of %d bytes"):format(name, #data, size))
    return
  end
  local f = assert(io.open(dir .. "/" .. name, "wb"))
  f:write(data)
  f:close()
  print(("received %s (%d bytes)"):format(name, #data))
  conn:sendall(("OK %d\n"):format(#data))
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
    local ok, err = pcall(receive, conn, dir)
    if not ok and not (type(err) == "table" and err:is("ConnectionError")) then error(err, 0) end
    conn:close()
  end
end

local function send(path, port, host)
  local name = path:match("[^/\\]*$")
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  local conn = socket.create_connection({host, port}, 10)
  conn:sendall(string.pack(">s2I4", name, #data) .. data)
  local answer = recv_line(conn)
  conn:close()
  local got = tonumber(answer:match("^OK (%d+)$"))
  if got == #data then
    print(("sent %s (%d bytes)"):format(name, #data))
  elseif got then
    print(("size mismatch: sent %d bytes, the server got %d"):format(#data, got))
    os.exit(1)
  else
    print("transfer failed: " .. answer)
    os.exit(1)
  end
end

local mode = arg[1]
if mode == "serve" then
  serve(tonumber(arg[2] or 9002), arg[3] or ".", arg[4] or "127.0.0.1")
elseif mode == "send" and arg[2] then
  send(arg[2], tonumber(arg[3] or 9002), arg[4] or "127.0.0.1")
else
  error("usage: file_transfer.lua serve [port] [dir] [host] | send FILE [port] [host]", 0)
end
