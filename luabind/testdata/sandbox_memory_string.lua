-- A string doubled in a loop is stopped by the sandbox's memory limit,
-- well before its time limit (the time limit here is what the memory
-- watchdog must beat).
--
-- option: sandbox
-- option: serial
-- option: memory 64MiB
-- option: timeout 15s
-- option: error testdata/sandbox_memory_string.lua:12: ... sandbox: memory limit ... 64 MiB

local s = "x"
while true do s = s .. s end
