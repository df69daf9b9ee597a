-- Exercise chat_relay: a UDP chat relay with names. The task:
-- chat_relay.md (or `sockplay exercise start chat_relay`). Check with:
--   sockplay exercise check chat_relay chat_relay.lua

local port = tonumber(arg[1] or 9001)
local host = arg[2] or "127.0.0.1"

local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:bind({host, port})
local addr = s:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local names = {} -- tostring(address) -> name
local addrs = {} -- tostring(address) -> address

while true do
  local msg, from = s:recvfrom(2048)
  local key = tostring(from)
  -- TODO 1: "JOIN name": answer "WELCOME name" (or "ERROR name taken"),
  -- remember the member, tell the others "* name joined".
  -- TODO 2: "LEAVE": answer "BYE", forget the member, tell the others
  -- "* name left".
  -- TODO 3: any other text from a member: send "name: text" to every other
  -- member; from a stranger: answer "ERROR join first: JOIN name".
end
