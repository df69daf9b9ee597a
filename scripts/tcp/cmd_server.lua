-- Remote command server: runs the commands it receives (loopback only).
--
-- WARNING: it runs, as you, any shell command a client sends. So it listens
-- on a loopback address only (127.x.x.x or localhost) and refuses any other.
--
-- Each command runs with io.popen, stdout and stderr together (as the
-- original's subprocess.Popen with two pipes). Fixed here: the original
-- sent the output as is, and its client read 1024 bytes, so a longer
-- output came in pieces, each printed as the answer to a later command.
-- This server sends a frame instead: a 4-byte big-endian length
-- (string.pack(">I4", n)) and then the n bytes of output, and
-- tcp/cmd_client reads exactly that much. Stop the server with Ctrl-C.
-- Tutorial §3.3, 远程执行命令的示例 (服务端).
--
-- Run:  sockplay run tcp/cmd_server [port] [host]   (default 8082 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/cmd_client [port] [host]

local port = tonumber(arg[1] or 8082)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/cmd_server [port] [host]", 0) end
if host ~= "localhost" and not host:match("^127%.%d+%.%d+%.%d+$") then
  io.stderr:write("cmd_server runs the commands it receives, so it listens on a loopback\n",
    "address only (127.0.0.1, localhost); refusing to listen on " .. host .. "\n")
  os.exit(2)
end

-- Python prints received bytes as b'...'; show them the same way.
local function bytes_repr(data)
  local q = (data:find("'", 1, true) and not data:find('"', 1, true)) and '"' or "'"
  local escapes = {["\\"] = "\\\\", [q] = "\\" .. q, ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r"}
  return "b" .. q .. data:gsub("[%z\1-\31\\" .. q .. "\127-\255]", function(c)
    return escapes[c] or string.format("\\x%02x", c:byte())
  end) .. q
end

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)
print("WARNING: this server runs every command it receives as a shell command, as you.")

-- Run cmd in a shell; its output and error output together. (The
-- parentheses make 2>&1 apply to all of cmd, "a; b" too.)
local function run(cmd)
  local f, err = io.popen("(" .. cmd .. "\n) 2>&1")
  if not f then return "cannot run the command: " .. tostring(err) .. "\n" end
  local out = f:read("*a") or ""
  f:close()
  return out
end

-- Serve one client: a command in, a frame out, until it leaves.
local function serve(conn)
  while true do
    local cmd = conn:recv(1024)
    if cmd == "" then return end -- the client closed the connection
    print(bytes_repr(cmd))
    local out = run(cmd)
    -- The frame: the output's length as 4 bytes, big-endian, then the output.
    conn:sendall(string.pack(">I4", #out) .. out)
  end
end

while true do
  local conn, client_addr = server:accept()
  print(conn, client_addr)
  local ok, err = pcall(serve, conn)
  -- A client that vanishes (ConnectionError) ends its session only; the
  -- original's "except Exception: break".
  if not ok and not (type(err) == "table" and err:is("ConnectionError")) then
    error(err, 0)
  end
  conn:close()
end
