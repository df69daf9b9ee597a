-- A table grown without end is stopped by the sandbox's memory limit,
-- well before its time limit.
--
-- option: sandbox
-- option: serial
-- option: memory 64MiB
-- option: timeout 15s
-- option: error sandbox: memory limit

local t = {}
local i = 0
while true do i = i + 1; t[i] = ("x"):rep(4096) .. i end
