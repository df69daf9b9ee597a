-- Exercise port_scanner: a port scanner for this machine only. The task:
-- port_scanner.md (or `sockplay exercise start port_scanner`). Check with:
--   sockplay exercise check port_scanner port_scanner.lua
--
--   sockplay run port_scanner.lua HOST PORTS      e.g. 127.0.0.1 22,80,8000-8010

local host, list = arg[1], arg[2]
if not host or not list then
  print("usage: port_scanner.lua HOST PORTS   (e.g. 127.0.0.1 22,80,8000-8010)")
  os.exit(2)
end

-- TODO 1: refuse any host but this machine (localhost, 127.x.y.z, ::1):
-- print "refusing to scan HOST: only this machine may be scanned" and
-- os.exit(2).

-- parse(list) -> the ports, in order, or nil if the list is bad
local function parse(list)
  local ports = {}
  -- TODO 2: "22,80,8000-8010" -> {22, 80, 8000, 8001, ..., 8010}; nil for
  -- a bad list (not numbers, out of 1-65535, a backwards range).
  return ports
end

local ports = parse(list)
if not ports then
  print("bad port list: " .. list)
  os.exit(2)
end

local open = 0 -- how many ports are open
-- TODO 3: for each port: a new socket (socket.AF_INET6 for "::1"), a
-- timeout of 1 s, connect_ex; 0 means open: print "PORT open". Close it.

-- TODO 4: print how many were open: "N open".
