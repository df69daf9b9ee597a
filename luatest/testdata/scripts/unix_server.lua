-- An AF_UNIX echo server at the path arg[1].
local path = arg[1]
local s = socket.socket(socket.AF_UNIX)
s:bind(path)
s:listen()
print("server is listening on " .. path)
local conn = s:accept()
conn:sendall(conn:recv(100))
conn:close()
s:close()
os.remove(path)
