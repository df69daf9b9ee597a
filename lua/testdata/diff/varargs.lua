-- Varargs, select, unpack.

-- Argument errors name the function differently in each implementation
-- ('?' in Lua 5.1 for a function called through pcall): only the
-- argument and the reason are compared.
local function reason(e) return (string.gsub(tostring(e), "bad argument (#%d+) to .* (%b())$", "bad argument %1 %2")) end
local function pc(...) local r = {pcall(...)} if not r[1] then r[2] = reason(r[2]) end return unpack(r, 1, table.maxn(r)) end

local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))

local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass(), "after")
print(#{pass(1, 2)} == 2)

local function tail(...) return select(2, ...) end
print(tail("a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-2, "a", "b", "c"))
print(select("#"))
print(pc(select, -4, "a", "b", "c"))

local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...) or 0) end
  return s
end
print(sum(1, 2, 3, nil, 5))

-- the vararg in the middle is cut to one value
local function three() return 1, 2, 3 end
print(three(), three())
print(({three(), three()})[4])
local t = {three(), three(), x = three()}
print(#t, t.x)

-- Lua 5.1's implicit arg table
local function old(...) return arg and arg.n end
print(old(1, 2, 3))

print(unpack({1, 2, 3}))
print(unpack({1, 2, 3}, 2))
print(unpack({1, 2, 3}, 2, 3))
print(unpack({1, nil, 3}, 1, 3))
print(select("#", unpack({}, 1, 5)))
print(unpack({"a", "b"}, -1, 1))

-- varargs through pcall and coroutines
print(pcall(pass, 1, nil, 3))
print(coroutine.wrap(function(...) return select("#", ...), ... end)(nil, nil))

-- many values
local many = {}
for i = 1, 200 do many[i] = i end
print(select("#", unpack(many)), math.max(unpack(many)))
print(string.char(unpack({72, 105})))

-- method calls and varargs
local obj = {n = 10}
function obj:add(...) local s = self.n for i = 1, select("#", ...) do s = s + select(i, ...) end return s end
print(obj:add(1, 2, 3), obj.add(obj, 4))
