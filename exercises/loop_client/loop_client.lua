-- Exercise loop_client: a client that survives the server going away. The
-- task: loop_client.md (or `sockplay exercise start loop_client`). Check with:
--   sockplay exercise check loop_client loop_client.lua

local port = tonumber(arg[1] or 8080)
local host = arg[2] or "127.0.0.1"

-- connect() -> a socket connected to the server
local function connect()
  -- TODO 3: connect raises ConnectionRefusedError when no server runs:
  -- catch it (pcall), print "cannot connect: is the server running?" and
  -- end with os.exit(1).
  local s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
  s:connect({host, port})
  return s
end

local s = connect()
while true do
  local line = input()
  if line == nil then break end -- end of input
  -- TODO 1: skip empty lines; send the line (s:sendall) and print the
  -- reply (s:recv(1024)).
  -- TODO 2: if recv returns "", or sendall/recv raise ConnectionResetError
  -- or BrokenPipeError, the server has closed the connection: print
  -- "server closed the connection, reconnecting", connect again and send
  -- the same line again.
end
s:close()
