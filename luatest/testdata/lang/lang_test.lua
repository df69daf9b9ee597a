-- A check author's words in both languages, and the helpers' misuse,
-- told in the student's language (lang_test.go).

function test_say()
  assert.eq(1, 2, test.say({en = "reply to %s", zh = "对 %s 的回复"}, "one"))
  assert.eq(1, 2, {en = "as a table", zh = "直接用表"})
  assert.fail(test.lang)
  assert.fail(test.say({en = "plain"}))
  test.log({en = "logged", zh = "记录"}, 7)
end

function test_say_misuse()
  test.say("not a table")
end

function test_say_empty_table()
  test.say({fr = "bonjour"})
end

function test_no_script()
  test.run("no_such_script.lua")
end

function test_bad_target()
  test.connect(42)
end

function test_bad_args()
  test.run("x.lua", {args = {{}}})
end

function test_dot_call()
  local srv = test.start_server("tcp/echo_server")
  srv.line()
end

function test_bad_timeout()
  local srv = test.start_server("tcp/echo_server")
  srv:line(-1)
end
