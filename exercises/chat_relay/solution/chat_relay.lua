-- Exercise chat_relay, a solution: a UDP chat relay with names.

local port = tonumber(arg[1] or 9001)
local host = arg[2] or "127.0.0.1"

local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s:bind({host, port})
local addr = s:getsockname()
print("server is listening on " .. addr.host .. ":" .. addr.port)

local names = {} -- tostring(address) -> name
local addrs = {} -- tostring(address) -> address

local function others(except, text)
  for key, a in pairs(addrs) do
    if key ~= except then s:sendto(text, a) end
  end
end

local function taken(name)
  for _, n in pairs(names) do
    if n == name then return true end
  end
  return false
end

while true do
  local msg, from = s:recvfrom(2048)
  local key = tostring(from)
  local join = msg:match("^JOIN (.+)$")
  if join then
    if taken(join) then
      s:sendto("ERROR name taken", from)
    else
      names[key], addrs[key] = join, from
      s:sendto("WELCOME " .. join, from)
      others(key, "* " .. join .. " joined")
      print(join .. " joined from " .. key)
    end
  elseif not names[key] then
    s:sendto("ERROR join first: JOIN name", from)
  elseif msg == "LEAVE" then
    local name = names[key]
    names[key], addrs[key] = nil, nil
    s:sendto("BYE", from)
    others(key, "* " .. name .. " left")
    print(name .. " left")
  else
    others(key, names[key] .. ": " .. msg)
  end
end
