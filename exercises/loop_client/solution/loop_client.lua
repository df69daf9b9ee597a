-- Exercise loop_client, a solution: a loop client that reconnects when the
-- server closes the connection and ends cleanly when there is no server.

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

local function connect()
  local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  local ok, err = pcall(s.connect, s, {host, port})
  if not ok then
    s:close()
    if type(err) == "table" and err:is("ConnectionRefusedError") then
      print("cannot connect: is the server running?")
      os.exit(1)
    end
    error(err, 0)
  end
  return s
end

-- exchange(s, line) -> reply, or nil if the server has closed the connection
local function exchange(s, line)
  local ok, reply = pcall(function()
    s:sendall(line)
    return s:recv(1024)
  end)
  if not ok then
    if type(reply) == "table" and reply:is("ConnectionError") then return nil end
    error(reply, 0)
  end
  if reply == "" then return nil end
  return reply
end

local s = connect()
while true do
  local line = input()
  if line == nil then break end
  if line ~= "" then
    local reply = exchange(s, line)
    while reply == nil do
      print("server closed the connection, reconnecting")
      s:close()
      s = connect()
      reply = exchange(s, line)
    end
    print(reply)
  end
end
s:close()
