-- A server that announces itself, answers one line, then fails.
local srv = socket.create_server({"127.0.0.1", 0})
print("server is listening on 127.0.0.1:" .. srv:getsockname().port)
local conn = srv:accept()
print("got " .. conn:recv(100))
local x = nil
x.boom()
