-- Remote command server: runs the commands it receives (loopback only).
-- zh: 远程命令服务端：执行收到的命令（只限本机回环）。
-- WARNING: it runs, as you, any shell command a client sends. So it listens
-- on a loopback address only (127.x.x.x or localhost) and refuses any other.
--
-- Each command runs with io.popen, stdout and stderr together (as the
-- original's subprocess.Popen with two pipes, shell=True): the system's
-- shell runs it, sh -c on Linux and macOS, cmd /c on Windows, as Lua's
-- own io.popen does. Fixed here: the original
-- read a command with recv(1024) and sent the output as is, and its client
-- read 1024 bytes, so a longer output came in pieces, each printed as the
-- answer to a later command (TCP keeps no message boundaries: see
-- tcp/sticky_server). Here both directions are framed: a command is a
-- line (read with makefile():lines()), and the output goes back as one
-- message with sock:send_msg, a 4-byte big-endian length and then the
-- bytes, which tcp/cmd_client reads whole with sock:recv_msg. Stop the
-- server with Ctrl-C.
-- Tutorial §3.3, 远程执行命令的示例 (服务端).
--
-- Run:  sockplay run tcp/cmd_server [port] [host]   (default 8082 127.0.0.1; 0: a free port)
-- then, in another terminal:  sockplay run tcp/cmd_client [port] [host]

local port = tonumber(arg[1] or 8082)
local host = arg[2] or "127.0.0.1"
if not port then error("usage: sockplay run tcp/cmd_server [port] [host]", 0) end
if host ~= "localhost" and not host:match("^127%.%d+%.%d+%.%d+$") then
  io.stderr:write(tr("cmd_server runs the commands it receives, so it listens on a loopback\naddress only (127.0.0.1, localhost); refusing to listen on %s", host),
    "\n")
  os.exit(2)
end

local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1) -- re-run at once (see tcp/echo_server)
server:bind({host, port})
server:listen(5)
local addr = server:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)
print(tr("WARNING: this server runs every command it receives as a shell command, as you."))

-- Windows? package.config's first character is the path separator, "\"
-- there (Lua has no other way to say which system it runs on).
local windows = package.config:sub(1, 1) == "\\"

-- Run cmd in the shell; its output and error output together. For sh
-- the parentheses make 2>&1 apply to all of cmd, "a; b" too; cmd /c
-- takes one line, and 2>&1 at its end.
local function run(cmd)
  local line = windows and cmd .. " 2>&1" or "(" .. cmd .. "\n) 2>&1"
  local f, err = io.popen(line)
  if not f then return "cannot run the command: " .. tostring(err) .. "\n" end
  local out = f:read("*a") or ""
  f:close()
  return out
end

-- recv_msg's default limit: a longer output is cut to fit.
local LIMIT = 16 * 1024 * 1024

-- Serve one client: a command line in, one message out, until it leaves.
local function serve(conn)
  -- lines() ends when the client closes the connection.
  for cmd in conn:makefile("r"):lines() do
    print(bytes_repr(cmd))
    local out = ""
    if cmd:find("%S") then out = run(cmd) end
    if #out > LIMIT then
      out = out:sub(1, LIMIT - 40) .. "\n[output cut at 16 MiB]\n"
    end
    -- The message: the output's length as 4 bytes, big-endian, then the output.
    conn:send_msg(out)
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
