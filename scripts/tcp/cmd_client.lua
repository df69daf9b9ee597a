-- Remote command client: sends commands, prints their whole output.
--
-- Type a shell command; tcp/cmd_server runs it and replies with a frame:
-- a 4-byte big-endian length, then that many bytes of output. The client
-- reads exactly the 4 bytes, then exactly that many bytes, calling recv
-- until it has them all, so a long output (100 KB) arrives whole. (The
-- original read 1024 bytes and left the rest for the next command.) "q" or
-- "Q" quits, empty lines are skipped, end of input ends the client. The
-- original decoded the output as GBK (Windows' Chinese code page); here it
-- is printed as received.
-- Tutorial §3.3, 远程执行命令的示例 (客户端).
--
-- Run:  sockplay run tcp/cmd_server     then, in another terminal:
--       sockplay run tcp/cmd_client [port] [host]   (default 8082 127.0.0.1)

local port = tonumber(arg[1] or 8082)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/cmd_client [port] [host]", 0) end

local client = socket.socket()
client:connect({host, port})

-- Receive exactly n bytes: recv returns what has arrived, maybe less.
local function recv_exactly(n)
  local parts, got = {}, 0
  while got < n do
    local chunk = client:recv(math.min(n - got, 65536))
    if chunk == "" then
      error(string.format("the server closed the connection in the middle of a reply (%d of %d bytes)",
        got, n), 0)
    end
    parts[#parts + 1] = chunk
    got = got + #chunk
  end
  return table.concat(parts)
end

while true do
  local msg = input(">>>")
  if msg == nil then break end -- end of input
  msg = msg:match("^%s*(.-)%s*$") -- Python's strip()
  if msg:upper() == "Q" then break end
  if msg ~= "" then
    client:sendall(msg)
    local size = string.unpack(">I4", recv_exactly(4))
    local rst = recv_exactly(size)
    io.write(rst)
    if rst ~= "" and rst:sub(-1) ~= "\n" then io.write("\n") end
  end
end

client:close()
