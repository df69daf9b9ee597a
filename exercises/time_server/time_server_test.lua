-- Checks for the exercise time_server.

local SERVER = test.target("solution/time_server.lua")
local WAIT = 2 -- seconds to wait for a reply: a datagram is lost, or answered at once

-- The reply is the time in the format asked for.
-- hint: reply with s:sendto(os.date(format), client), client being what recvfrom returned.
-- zh: 回复的是按要求格式化的时间。
-- zh hint: 用 s:sendto(os.date(format), client) 回复，client 就是 recvfrom 返回的地址。
function test_replies_in_that_format()
  local srv = test.start_server(SERVER)
  local before = os.date("%Y")
  local year = test.udp_exchange(srv, "%Y", WAIT)
  assert.true_(year == before or year == os.date("%Y"), test.say({en = "got %q, want this year", zh = "得到 %q，应为今年"}, year))
  local secs = test.udp_exchange(srv, "%s", WAIT)
  assert.near(secs, os.time(), 2, {en = "seconds since 1970", zh = "自 1970 年以来的秒数"})
  assert.eq(test.udp_exchange(srv, "year %Y!", WAIT), os.date("year %Y!"))
end

-- An empty datagram asks for the default format.
-- hint: if format == "" then format = "%Y-%m-%d %H:%M:%S" end
-- zh: 空数据报要的是默认格式。
-- zh hint: if format == "" then format = "%Y-%m-%d %H:%M:%S" end
function test_empty_means_the_default_format()
  local srv = test.start_server(SERVER)
  local reply = test.udp_exchange(srv, "", WAIT)
  assert.matches(reply, "^%d%d%d%d%-%d%d%-%d%d %d%d:%d%d:%d%d$")
end

-- A format that makes no text gets an error reply; the server goes on.
-- hint: local ok, reply = pcall(os.date, format); if not ok or type(reply) ~= "string" then reply = "error: bad format" end
-- zh: 生成不了文本的格式得到错误回复；服务端继续运行。
-- zh hint: local ok, reply = pcall(os.date, format); if not ok or type(reply) ~= "string" then reply = "error: bad format" end
function test_bad_format_gets_an_error()
  local srv = test.start_server(SERVER)
  assert.eq(test.udp_exchange(srv, "*t", WAIT), "error: bad format")
  assert.eq(test.udp_exchange(srv, "!*t", WAIT), "error: bad format")
  assert.eq(test.udp_exchange(srv, "%%", WAIT), "%", {en = "the server still answers", zh = "服务端仍然会回答"})
end

-- Each client gets its own answer.
-- hint: answer the address recvfrom returned, not the first client's.
-- zh: 每个客户端得到自己的回答。
-- zh hint: 回答 recvfrom 返回的那个地址，而不是第一个客户端的地址。
function test_each_client_gets_its_answer()
  local srv = test.start_server(SERVER)
  local a, b = test.udp(WAIT), test.udp(WAIT)
  a:sendto("A %Y", srv.addr)
  b:sendto("B %Y", srv.addr)
  assert.matches(a:recvfrom(1024), "^A %d%d%d%d$", {en = "client a", zh = "客户端 a"})
  assert.matches(b:recvfrom(1024), "^B %d%d%d%d$", {en = "client b", zh = "客户端 b"})
  a:close()
  b:close()
end
