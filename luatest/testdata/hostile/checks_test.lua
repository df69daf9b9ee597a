-- Checks a grader runs against each student's script (hostile_test.go
-- gives the scripts): the first needs the script, the second does not.

-- The server sends back what it gets.
function test_echo()
  local srv = test.start_server(test.target())
  assert.eq(test.exchange(srv, "ping"), "ping")
end

-- A check that the script cannot spoil.
function test_independent()
  assert.eq(1 + 1, 2)
end
