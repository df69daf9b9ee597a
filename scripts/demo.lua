-- A TCP echo server and its client in one program: run this first.
-- zh: 一个程序里的 TCP 回显服务端和它的客户端：先运行这个。
-- The tutorial's first echo server (tcp/echo_server) runs in a spawned
-- task, its client in the main task, and both say what they do. In real
-- life they are two programs; try them in two terminals next:
-- sockplay run tcp/echo_server, then sockplay run tcp/echo_client.
-- Tutorial §3.3, 第一版, 单个客户端与服务端通信.
--
-- Run:  sockplay run demo          Read it:  sockplay show demo
--
-- tr(format, ...) is the narration in the user's language (English, or
-- Chinese with a Chinese locale); a script of your own can use print.

-- The server: socket, bind (port 0: any free port), listen.
local server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server:bind({"127.0.0.1", 0})
server:listen(5)
local addr = server:getsockname()
print(tr("[server] server is listening on %s:%s", addr.host, addr.port))

-- It waits for a client in its own task, so the client below can run.
local server_task = spawn(function()
  local conn, client_addr = server:accept()
  local data = conn:recv(1024)
  print(tr("[server] received %s from %s", bytes_repr(data), client_addr))
  -- Said before sending: once the bytes are out, the client may print
  -- its line first (the two tasks run side by side).
  print(tr("[server] send %s, then close", bytes_repr(data:upper())))
  conn:send(data:upper())
  conn:close()
  server:close()
end)

-- The client: socket, connect, send, recv, close.
local client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
print(tr("[client] connect to %s", addr))
client:connect(addr)
print(tr("[client] send: %s", "hello"))
client:send("hello")
local reply = client:recv(1024)
print(tr("[client] received: %s", reply))
client:close()

server_task:join()
-- How you started sockplay ("go run ." before go install): the host puts
-- it in arg[-1], as the lua command puts its own name there.
local sockplay = arg[-1] or "sockplay"
print(tr("Done. The same as two programs, in two terminals:"))
print(string.format("  %s run tcp/echo_server      %s run tcp/echo_client", sockplay, sockplay))
print(tr("Next: '%s list' shows every program of the tutorial.", sockplay))
