-- Spawning tasks that never end, in a loop, ends the run at the task
-- limit, at the line that spawned one too many.
--
-- option: sandbox
-- option: error testdata/sandbox_spawn_loop.lua:7: ... sandbox: too many tasks

while true do spawn(function() sleep(60) end) end
