-- A string doubled in a loop is stopped by the VM's cap on one string
-- (the sandbox's MaxString, 16 MiB), before the memory watchdog or the
-- time limit has to.
--
-- option: sandbox
-- option: serial
-- option: memory 64MiB
-- option: timeout 15s
-- option: error testdata/sandbox_memory_string.lua:12: ... concatenation (..): resulting string too large (33554432 bytes, the limit is 16777216)

local s = "x"
while true do s = s .. s end
