-- A wait for what never comes is stopped at the sandbox's time limit too,
-- at the line of the blocked call.
--
-- option: sandbox
-- option: timeout 1s
-- option: error testdata/sandbox_endless_wait.lua:10: ... sandbox: time limit

local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:bind({"127.0.0.1", 0})
s:recvfrom(10)
