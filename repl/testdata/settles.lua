-- A server that starts a helper task (settle.txt): the prompt comes back
-- once both wait, with all they printed before.
local srv = socket.create_server({"127.0.0.1", tonumber(arg[1])})
print("server is listening on 127.0.0.1:" .. srv:getsockname().port)
spawn(function()
  local n = 0
  for i = 1, 1e4 do n = n + i end -- work, no wait
  print("worked")
end)
local n = 0
for i = 1, 1e4 do n = n + i end
print("ready")
while true do
  local c = srv:accept()
  c:sendall(c:recv(10):upper())
  c:close()
end
