-- A loop that never ends is stopped at the sandbox's time limit; the
-- error names the line the script was on.
--
-- option: sandbox
-- option: timeout 1s
-- option: error testdata/sandbox_endless_loop.lua:8: ... sandbox: time limit ... 1s

while true do end
