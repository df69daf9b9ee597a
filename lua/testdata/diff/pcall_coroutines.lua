-- pcall and error inside loops and coroutines.

local results = {}
for i = 1, 5 do
  local ok, e = pcall(function()
    if i % 2 == 0 then error("even " .. i, 0) end
    return i * 10
  end)
  results[#results + 1] = tostring(ok) .. ":" .. tostring(e)
end
print(table.concat(results, " "))

-- error objects that are not strings
local ok, e = pcall(error, {code = 42})
print("table error", ok, type(e), e.code)
print("nil error", pcall(error))
print("number error", pcall(error, 7))
print("level 0", pcall(error, "plain", 0))
print("level 1 from pcall", pcall(error, "msg"))

local function thrower(level) error("lvl", level) end
local function caller(level)
  thrower(level)
end
print("level 1", pcall(caller, 1))
print("level 2", pcall(caller, 2))

-- assert
print("assert ok", pcall(assert, 1, "unused"))
print("assert msg", pcall(assert, false, "custom"))
print("assert nil", pcall(assert, nil))
print("assert returns", assert(1, 2, 3))
print("assert in lua", select(2, pcall(function() assert(false, "where") end)))

-- xpcall with a handler
print("xpcall", xpcall(function() error("boom", 0) end, function(m) return "handled: " .. m end))
print("xpcall ok", xpcall(function() return 1, 2 end, print))

-- error in the handler's arguments stays an error
local depth = 0
local function rec() depth = depth + 1 rec() end
local okd = pcall(rec)
print("overflow caught", okd, depth > 100)

-- coroutines
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e2 = coroutine.yield(c * 2)
  print("got", d, e2)
  return "done", 99
end)
print("resume1", coroutine.resume(co, 1, 2))
print("status", coroutine.status(co))
print("resume2", coroutine.resume(co, 10))
print("resume3", coroutine.resume(co, "x", "y"))
print("status", coroutine.status(co))
print("resume dead", coroutine.resume(co))

-- errors inside coroutines
local bad = coroutine.create(function() local x = 1 error("in co") end)
print("co error", coroutine.resume(bad))
print("co status", coroutine.status(bad))
local bad2 = coroutine.create(function() error({msg = "tbl"}) end)
local okb, eb = coroutine.resume(bad2)
print("co table error", okb, eb.msg)

-- pcall inside a coroutine, across yields
local gen = coroutine.wrap(function()
  for i = 1, 3 do
    local okp, ep = pcall(function() if i == 2 then error("skip " .. i, 0) end return i end)
    coroutine.yield(okp and ep or ep)
  end
  return "end"
end)
print("wrap", gen(), gen(), gen(), gen())
print("wrap dead", pcall(gen))

-- a generator
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local sum = 0
for v in range(10) do sum = sum + v end
print("generator sum", sum)

-- producer/consumer
local producer = coroutine.create(function()
  for _, w in ipairs({"a", "b", "c"}) do coroutine.yield(w) end
end)
local got = {}
while true do
  local okc, w = coroutine.resume(producer)
  if not w then break end
  got[#got + 1] = w
end
print("consumer", table.concat(got), coroutine.status(producer))

print("running main", coroutine.running())
local inner = coroutine.create(function() return coroutine.running() end)
local _, who = coroutine.resume(inner)
print("running inner", who == inner)
print("yield outside", pcall(coroutine.yield, 1))
print("isyieldable", coroutine.isyieldable)

-- a coroutine resumes another
local c1, c2
c2 = coroutine.create(function() coroutine.yield(coroutine.status(c1)) end)
c1 = coroutine.create(function() return coroutine.resume(c2) end)
print("normal", coroutine.resume(c1))
print("resume normal", coroutine.resume(coroutine.create(function() return coroutine.resume(c1) end)))
