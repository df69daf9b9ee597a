-- How a call sets up its frame: missing and surplus arguments, the
-- registers a function uses beyond its parameters, __call, tail calls
-- and Go functions, at every depth.

-- A surplus argument must not show through in a local declared later.
local function one(a)
  local x, y
  return a, x, y
end
print(one())
print(one(1))
print(one(1, 2, 3, 4, 5, 6, 7, 8))

local function three(a, b, c)
  local d
  return a, b, c, d
end
print(three(1))
print(three(1, 2, 3, 4))

-- A call whose arguments run to the top of the stack (B = 0).
local function many() return 1, 2, 3, 4, 5 end
print(three(many()))
print(one(many()))
print(select("#", many()), select("#", many(), nil))

-- Registers above the parameters are nil in a fresh frame, even right
-- after a deeper call left values there.
local function deep(n) if n == 0 then return "bottom" end local t = {n} return deep(n - 1), t[1] end
print(deep(3))
local function fresh(a)
  local b, c, d
  return a, b, c, d
end
print(deep(5), fresh("x"))

-- Varargs with fewer arguments than named parameters.
local function va(a, b, ...)
  local n = select("#", ...)
  return a, b, n, ...
end
print(va())
print(va(1))
print(va(1, 2))
print(va(1, 2, 3, nil, 5))

-- __call: the object is the first argument, before the call's own.
local callable = setmetatable({name = "obj"}, {__call = function(self, a, b) return self.name, a, b end})
print(callable())
print(callable(1, 2, 3))
local function tailcall(...) return callable(...) end
print(tailcall("t1", "t2"))
local gocall = setmetatable({}, {__call = rawequal})
print(gocall(gocall), gocall(1))
local function gotail(...) return gocall(...) end
print(gotail(gocall), gotail("a", "b"))

-- Tail calls: down a long chain, to Lua and to Go, with results kept.
local function down(k, acc) if k == 0 then return acc end return down(k - 1, acc + k) end
print(down(10000, 0))
local function totostring(x) return tostring(x) end
print(totostring(12), totostring(nil))
local function pack(...) return {n = select("#", ...), ...} end
local function tailpack(...) return pack(...) end
local p = tailpack(1, nil, 3, nil)
print(p.n, p[1], p[2], p[3], p[4])

-- What cannot be called is an error (the words of a call in Lua code
-- are Lua 5.4's, varinfo_test.go; a call from the Go side has no name).
local ok, e = pcall(function() local nothing; nothing() end)
print(ok, (string.find(e, "'nothing'", 1, true)) ~= nil)
print(pcall(nil))
print(pcall(setmetatable({}, {__call = 1})))

-- Deep recursion that is not a tail call ends in a Lua error, not a crash.
local function rec(n) return 1 + rec(n + 1) end
local ok2, e2 = pcall(rec, 1)
print(ok2, (string.find(e2, "stack overflow", 1, true)) ~= nil)
