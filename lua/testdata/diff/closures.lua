-- Closures and upvalues: each closure keeps its own variables, shared
-- with the frame that made them while it lives, and caught errors do not
-- detach them. (upvalue_test.go checks the first two lines this prints
-- without lua5.1 too: keep those programs first.)

local count = 0
local function bump() count = count + 1 end
bump(); pcall(error, "x"); bump()
print("count", count)

local fs = {}
for i = 1, 3 do
  local v = i
  fs[i] = function() return v end
  pcall(error, "x")
  v = v * 10
end
print("loop", fs[1](), fs[2](), fs[3]())

-- a fresh loop variable per iteration
local gs = {}
for i = 1, 3 do gs[#gs + 1] = function() return i end end
print("fresh", gs[1](), gs[2](), gs[3]())

local hs = {}
local j = 0
while j < 3 do
  j = j + 1
  local k = j
  hs[j] = function() k = k + 100 return k end
end
print("while", hs[1](), hs[1](), hs[2](), hs[3]())

-- two closures share one variable
local function counter()
  local n = 0
  return function() n = n + 1 return n end, function() return n end
end
local inc, get = counter()
inc(); inc()
local inc2, get2 = counter()
inc2()
print("shared", get(), get2())

-- the variable survives its frame, also when the frame ends with an error
local keep
pcall(function()
  local secret = "s1"
  keep = function(x) if x then secret = x end return secret end
  error("gone")
end)
print("after error", keep(), keep("s2"), keep())

-- nested pcall: the inner error closes nothing of the outer frame
local outer_get
local ok, e = pcall(function()
  local v = 1
  outer_get = function() return v end
  local ok2 = pcall(function() error("inner") end)
  v = v + (ok2 and 100 or 10)
  error("outer", 0)
end)
print("nested", ok, e, outer_get())

-- a failed require inside pcall
local r = 0
local function inc3() r = r + 1 end
inc3()
local okr = pcall(require, "sockplay_no_such_module_for_diff")
inc3()
print("require", okr, r)

-- recursion through a local function and an upvalue
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(20))

-- varargs captured through a table
local function bind(f, ...)
  local args = {...}
  local n = select("#", ...)
  return function(...) local all = {unpack(args, 1, n)} for _, v in ipairs({...}) do all[#all + 1] = v end return f(unpack(all)) end
end
print("bind", bind(math.max, 3, 9)(4, 1))

-- upvalue of an upvalue
local function mk()
  local a = 1
  return function()
    return function() a = a + 1 return a end
  end
end
local g1 = mk()
local c1, c2 = g1(), g1()
print("deep", c1(), c2(), c1())

-- closures made in a loop with break
local br = {}
for i = 1, 10 do
  local x = i * i
  br[i] = function() return x end
  if i == 4 then break end
end
print("break", #br, br[4]())

-- repeat-until sees the body's locals
local rep = {}
local n = 0
repeat
  n = n + 1
  local m = n * 2
  rep[n] = function() return m end
until m >= 6
print("repeat", n, rep[1](), rep[3]())
