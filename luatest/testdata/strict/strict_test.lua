-- Run with Options.Strict: the scripts a test starts read a global never
-- assigned as an error, in this process and in a child process alike.

function test_strict_script()
  local out, err = test.run("typo.lua")
  assert.eq(out, "")
  assert.contains(err, "NameError: 'pirnt' is not defined")
end
