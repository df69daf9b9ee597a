-- The bundled UDP scripts end to end (see tcp_test.lua).

local h = assert(loadstring(test.source("helpers.lua"), "helpers.lua"))()
local run = h.run

-- split(s, sep) -> parts: s cut at every sep (plain text).
local function split(s, sep)
  local parts, at = {}, 1
  while true do
    local i, j = s:find(sep, at, true)
    if not i then
      parts[#parts + 1] = s:sub(at)
      return parts
    end
    parts[#parts + 1] = s:sub(at, i - 1)
    at = j + 1
  end
end

function test_udp()
  local srv = test.start_server("udp/server")
  assert.eq(run("udp/client", {srv.port}), ("hi\t('127.0.0.1', %d)\n"):format(srv.port))
  assert.eq(srv:line(), "b'hello'")
  assert.true_(srv:wait())
end

function test_chat()
  -- The server has two replies to type, then its input ends.
  local srv = test.start_server("udp/chat_server", {args = {0}, stdin = "hi Tom\n  hi Mike  \n"})
  local pick = "请选择聊天对象: "
  local ask = "请输入消息,回车发送,输入q结束和他的聊天: "
  local from = ("来自[127.0.0.1:%d]的一条消息:"):format(srv.port)
  -- Nobody is not a contact; an empty message is not sent; q ends the
  -- chat with Tom; end of input ends the program in the chat with Mike.
  local out = run("udp/chat_client", {srv.port}, "Nobody\nTom\nhello\n\nq\n Mike \n  yo  \n")
  assert.eq(out, "contacts: Tom, Mike, Jack, John\n" ..
    pick .. pick .. ask .. from .. "\27[1;44mhi Tom\27[0m\n" .. ask .. ask ..
    pick .. ask .. from .. "\27[1;44mhi Mike\27[0m\n" .. ask .. "\n")

  local msg = "来自%[127%.0%.0%.1:%d+%]的一条消息:\27%[1;44m"
  assert.matches(srv:line(), "^" .. msg .. "hello\27%[0m$")
  assert.matches(srv:line(), "^回复消息: " .. msg .. "yo\27%[0m$")

  -- Its input has ended: the next message is printed, and the server
  -- ends instead of replying.
  local u = test.udp()
  u:sendto("bye", srv.addr)
  u:close()
  assert.matches(srv:line(), "^回复消息: " .. msg .. "bye\27%[0m$")
  assert.true_(srv:wait())
  -- its last words: the prompt for a reply, which no input answers
  assert.matches(srv:output(), "\n回复消息: \n$")
end

function test_time()
  local srv = test.start_server("udp/time_server")
  local prompt = "请输入时间格式(例%Y %m %d)>>: "
  local before = os.time()
  local out = run("udp/time_client", {srv.port}, "%Y\n\n%H:%M:%S %%\n*t\n")
  local after = os.time()

  local answers = split(out, prompt)
  assert.eq(#answers, 6, "time_client printed " .. out)
  assert.eq(answers[1], "")
  assert.eq(answers[6], "\n") -- the last prompt, its line ended at the end of input
  local year = answers[2]
  assert.true_(year == "当前日期: " .. os.date("%Y", before) .. "\n" or year == "当前日期: " .. os.date("%Y", after) .. "\n", "%Y: " .. year)
  -- An empty format: the default "%Y-%m-%d %X", local time.
  local def = answers[3]:match("^当前日期: (.*)\n$") or answers[3]
  local y, mo, d, hour, mi, s = def:match("^(%d%d%d%d)%-(%d%d)%-(%d%d) (%d%d):(%d%d):(%d%d)$")
  local when = y and os.time({year = y, month = mo, day = d, hour = hour, min = mi, sec = s})
  assert.true_(when and when >= before and when <= after, ("empty format: %q, want the time between %d and %d"):format(answers[3], before, after))
  assert.matches(answers[4], "^当前日期: %d%d:%d%d:%d%d %%\n$")
  assert.eq(answers[5], "当前日期: bad time format: *t\n")

  assert.eq(srv:line(), "===>\tb'%Y'")
  assert.eq(srv:line(), year:match("^当前日期: (.*)\n$") .. "\tstring")
  assert.eq(srv:line(), "===>\tb''")
  assert.eq(srv:line(), def .. "\tstring")
  h.stop(srv)
end
