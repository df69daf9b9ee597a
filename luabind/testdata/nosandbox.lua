-- Without a sandbox, none of its limits apply: the host's environment is
-- there, and strings may be large.

assert.ne(os.getenv("PATH"), nil)
assert.eq(#("x"):rep(20e6), 20e6)
