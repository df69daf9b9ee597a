-- Checks for the exercise chat_relay.

local RELAY = test.target("solution/chat_relay.lua")
local WAIT = 2 -- seconds to wait for a datagram

-- member(srv, name) -> a UDP socket that has joined as name
local function member(srv, name)
  local m = test.udp(WAIT)
  m:sendto("JOIN " .. name, srv.addr)
  assert.eq(m:recvfrom(2048), "WELCOME " .. name, {en = "the answer to JOIN " .. name, zh = "对 JOIN " .. name .. " 的回答"})
  return m
end

-- nothing(sock, who) checks that no datagram arrives for a moment; who
-- names the socket's member in both languages, {en = ..., zh = ...}.
local function nothing(sock, who)
  sock:settimeout(0.2)
  local ok, got = pcall(sock.recvfrom, sock, 2048)
  assert.true_(not ok, test.say({en = "%s: got %q, want nothing", zh = "%s：收到了 %q，应该什么也收不到"}, test.say(who), tostring(got)))
  sock:settimeout(WAIT)
end

-- JOIN is welcomed.
-- hint: msg:match("^JOIN (.+)$") gives the name; answer s:sendto("WELCOME " .. name, from).
-- zh: JOIN 得到欢迎。
-- zh hint: msg:match("^JOIN (.+)$") 取出名字；用 s:sendto("WELCOME " .. name, from) 回答。
function test_join_is_welcomed()
  local srv = test.start_server(RELAY)
  member(srv, "ann"):close()
end

-- Members receive each other's messages; the sender gets nothing back.
-- hint: send "name: text" to every member's address but the sender's.
-- zh: 成员能收到彼此的消息；发送者不会收到回送。
-- zh hint: 把 "name: text" 发给除发送者以外每个成员的地址。
function test_messages_reach_the_others()
  local srv = test.start_server(RELAY)
  local ann = member(srv, "ann")
  local bob = member(srv, "bob")
  assert.eq(ann:recvfrom(2048), "* bob joined", {en = "ann learns that bob joined", zh = "ann 得知 bob 加入了"})
  local cyd = member(srv, "cyd")
  assert.eq(ann:recvfrom(2048), "* cyd joined", {en = "ann learns that cyd joined", zh = "ann 得知 cyd 加入了"})
  assert.eq(bob:recvfrom(2048), "* cyd joined", {en = "bob learns that cyd joined", zh = "bob 得知 cyd 加入了"})
  ann:sendto("hello all", srv.addr)
  assert.eq(bob:recvfrom(2048), "ann: hello all", {en = "bob", zh = "bob 收到的"})
  assert.eq(cyd:recvfrom(2048), "ann: hello all", {en = "cyd", zh = "cyd 收到的"})
  nothing(ann, {en = "the sender", zh = "发送者"})
  ann:close() bob:close() cyd:close()
end

-- The others learn who leaves; the member that left gets nothing more.
-- hint: on "LEAVE", answer "BYE", remove the member, send "* name left" to the rest.
-- zh: 其他人会得知谁离开了；离开的成员不再收到任何消息。
-- zh hint: 收到 "LEAVE" 时回答 "BYE"，移除这个成员，再把 "* name left" 发给其余的人。
function test_leave()
  local srv = test.start_server(RELAY)
  local ann = member(srv, "ann")
  local bob = member(srv, "bob")
  assert.eq(ann:recvfrom(2048), "* bob joined")
  bob:sendto("LEAVE", srv.addr)
  assert.eq(bob:recvfrom(2048), "BYE")
  assert.eq(ann:recvfrom(2048), "* bob left")
  ann:sendto("anyone?", srv.addr)
  nothing(bob, {en = "a member that left", zh = "已经离开的成员"})
  ann:close() bob:close()
end

-- A stranger must join first.
-- hint: a message from an address not in your table: answer "ERROR join first: JOIN name".
-- zh: 陌生人必须先加入。
-- zh hint: 来自不在你的表里的地址的消息：回答 "ERROR join first: JOIN name"。
function test_strangers_must_join_first()
  local srv = test.start_server(RELAY)
  local ann = member(srv, "ann")
  local stranger = test.udp(WAIT)
  stranger:sendto("hi", srv.addr)
  assert.eq(stranger:recvfrom(2048), "ERROR join first: JOIN name")
  nothing(ann, {en = "a member, when a stranger talks", zh = "陌生人说话时的成员"})
  ann:close() stranger:close()
end

-- Names are unique.
-- hint: before adding a member, look for the name among the names you have.
-- zh: 名字不能重复。
-- zh hint: 添加成员之前，先在已有的名字里找一找这个名字。
function test_names_are_unique()
  local srv = test.start_server(RELAY)
  local ann = member(srv, "ann")
  local other = test.udp(WAIT)
  other:sendto("JOIN ann", srv.addr)
  assert.eq(other:recvfrom(2048), "ERROR name taken")
  ann:close() other:close()
end
