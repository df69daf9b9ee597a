-- A spawn bomb ends the run at the task limit, at once: its tasks would
-- otherwise go on spawning, and failing, until the time limit.
--
-- option: sandbox
-- option: error sandbox: too many tasks ... at most 64

local function bomb() spawn(bomb) spawn(bomb) end
bomb()
