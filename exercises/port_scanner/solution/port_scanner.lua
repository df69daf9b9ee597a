-- Exercise port_scanner, a solution: connect_ex on this machine only.
--
--   sockplay run port_scanner.lua HOST PORTS      e.g. 127.0.0.1 22,80,8000-8010

local host, list = arg[1], arg[2]
if not host or not list then
  print("usage: port_scanner.lua HOST PORTS   (e.g. 127.0.0.1 22,80,8000-8010)")
  os.exit(2)
end

local function loopback(h)
  if h == "localhost" or h == "::1" then return true end
  local a, b, c, d = h:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  return a == "127" and tonumber(b) < 256 and tonumber(c) < 256 and tonumber(d) < 256
end

if not loopback(host) then
  print("refusing to scan " .. host .. ": only this machine may be scanned")
  os.exit(2)
end

local function valid(p) return p and p >= 1 and p <= 65535 end

local function parse(list)
  local ports = {}
  for part in list:gmatch("[^,]+") do
    local from, to = part:match("^(%d+)%-(%d+)$")
    if from then
      from, to = tonumber(from), tonumber(to)
      if not (valid(from) and valid(to)) or from > to then return nil end
      for p = from, to do ports[#ports + 1] = p end
    elseif part:match("^%d+$") and valid(tonumber(part)) then
      ports[#ports + 1] = tonumber(part)
    else
      return nil
    end
  end
  if #ports == 0 then return nil end
  return ports
end

local ports = parse(list)
if not ports then
  print("bad port list: " .. list)
  os.exit(2)
end

local family = host == "::1" and socket.AF_INET6 or socket.AF_INET
local open = 0
for _, port in ipairs(ports) do
  local s = socket.socket(family, socket.SOCK_STREAM)
  s:settimeout(1)
  if s:connect_ex({host, port}) == 0 then
    print(port .. " open")
    open = open + 1
  end
  s:close()
end
print(open .. " open")
