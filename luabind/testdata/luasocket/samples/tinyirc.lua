-- A tiny line server over socket.select, as LuaSocket's samples/tinyirc.lua
-- behaves: clients of either of two ports; each line a client sends goes
-- to every other client; the lists are a set object with insert/remove
-- methods, which socket.select reads through their metatable.
--   tinyirc.lua [host] [port1] [port2]   (default 127.0.0.1, free ports)
local socket = require("socket")
local host = arg[1] or "127.0.0.1"
local function say(...) io.write(...); io.write("\n"); io.stdout:flush() end

local server1 = assert(socket.bind(host, arg[2] or 0))
local server2 = assert(socket.bind(host, arg[3] or 0))
server1:settimeout(1)
server2:settimeout(1)
local _, p1 = server1:getsockname()
local _, p2 = server2:getsockname()
say("Servers bound on ", p1, " and ", p2)

local function newset()
  local index = {}
  return setmetatable({}, {__index = {
    insert = function(set, v)
      if not index[v] then
        set[#set + 1] = v
        index[v] = #set
      end
    end,
    remove = function(set, v)
      local i = index[v]
      if not i then return end
      index[v] = nil
      local last = table.remove(set)
      if last ~= v then
        index[last] = i
        set[i] = last
      end
    end,
  }})
end

local set = newset()
set:insert(server1)
set:insert(server2)
while true do
  local readable = socket.select(set, nil)
  for _, input in ipairs(readable) do
    if input == server1 or input == server2 then
      local new = input:accept()
      if new then
        new:settimeout(1)
        set:insert(new)
        say("Inserting client in set")
      end
    else
      local line, err = input:receive()
      if err then
        input:close()
        set:remove(input)
        say("Removing client from set")
      else
        say("Broadcasting line '", line, "'")
        local writable, werr = socket.skip(1, socket.select(nil, set, 1))
        if not werr then
          for _, output in ipairs(writable) do
            if output ~= input then output:send(line .. "\n") end
          end
        end
      end
    end
  end
end
