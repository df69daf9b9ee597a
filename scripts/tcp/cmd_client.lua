-- Remote command client: sends commands, prints their whole output.
-- zh: 远程命令客户端：发送命令，打印它们的完整输出。
-- Type a shell command; it goes to tcp/cmd_server as a line, and the
-- server replies with one message: a 4-byte big-endian length, then that
-- many bytes of output (sock:send_msg). sock:recv_msg reads exactly that,
-- calling recv until it has it all, so a long output (100 KB) arrives
-- whole. (The original read 1024 bytes and left the rest for the next
-- command.) "q" or "Q" quits, empty lines are skipped, end of input ends
-- the client. The original decoded the output as GBK (the code page of a
-- Chinese Windows); --encoding NAME does the same (gbk, big5, shift_jis,
-- ...: encoding.names()); without it the output is printed as received.
-- Tutorial §3.3, 远程执行命令的示例 (客户端).
--
-- Run:  sockplay run tcp/cmd_server     then, in another terminal:
--       sockplay run tcp/cmd_client [--encoding NAME] [port] [host]   (default 8082 127.0.0.1)

local usage = "usage: sockplay run tcp/cmd_client [--encoding NAME] [port] [host]"

-- The arguments: the flag --encoding NAME (or --encoding=NAME) anywhere,
-- then the port and the host.
local output_encoding -- e.g. "gbk", as the original decoded it
local rest = {}
local i = 1
while arg[i] do
  local a = arg[i]
  if a == "--encoding" then
    output_encoding = arg[i + 1]
    if not output_encoding then error(string.format("--encoding needs a name (gbk, big5, ...)\n%s", usage), 0) end
    i = i + 1
  elseif a:match("^%-%-encoding=") then
    output_encoding = a:sub(#"--encoding=" + 1)
  elseif a:match("^%-") and not tonumber(a) then
    error(string.format("unknown flag %s\n%s", a, usage), 0)
  else
    rest[#rest + 1] = a
  end
  i = i + 1
end
if #rest > 2 then
  error(string.format("unexpected argument %s (an encoding is --encoding %s)\n%s", rest[3], rest[3], usage), 0)
end
local port = tonumber(rest[1] or 8082)
local host = rest[2] or "127.0.0.1"
if not port then error(usage, 0) end

if output_encoding then
  encoding.decode("", output_encoding) -- an unknown name fails here, not after the first command
end

local client = socket.socket()
client:connect({host, port})

while true do
  local msg = input(">>>")
  if msg == nil then break end -- end of input
  msg = msg:match("^%s*(.-)%s*$") -- Python's strip()
  if msg:upper() == "Q" then break end
  if msg ~= "" then
    client:sendall(msg .. "\n") -- a command is one line
    -- The whole output, however many recvs it takes.
    local ok, rst = pcall(client.recv_msg, client)
    if not ok then
      if type(rst) == "table" and rst.expected and not rst.in_length then
        error(string.format("the server closed the connection in the middle of a reply (%d of %d bytes)",
          rst.received, rst.expected), 0)
      end
      error(rst, 0)
    end
    if rst == nil then error("the server closed the connection", 0) end
    if output_encoding then
      rst = encoding.decode(rst, output_encoding, "replace") -- to UTF-8
    end
    io.write(rst)
    if rst ~= "" and rst:sub(-1) ~= "\n" then io.write("\n") end
  end
end

client:close()
