-- Metatables and metamethods.

-- Argument errors name the function differently in each implementation
-- ('?' in Lua 5.1 for a function called through pcall): only the
-- argument and the reason are compared.
local function reason(e) return (string.gsub(tostring(e), "bad argument (#%d+) to .* (%b())$", "bad argument %1 %2")) end
local function pc(...) local r = {pcall(...)} if not r[1] then r[2] = reason(r[2]) end return unpack(r, 1, table.maxn(r)) end

local mt = {}
mt.__index = function(t, k) return k .. "!" end
local obj = setmetatable({real = 1}, mt)
print("index fn", obj.real, obj.virtual, obj[1])

local base = {greet = function(self) return "hi " .. self.name end}
base.__index = base
local derived = setmetatable({name = "ann"}, base)
print("index table", derived:greet(), derived.missing)

local Animal = {} Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
local Dog = setmetatable({}, {__index = Animal}) Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name) return setmetatable(d, Dog) end
function Dog:speak() return self.name .. " barks" end
print("inheritance", Animal.new("cat"):speak(), Dog.new("rex"):speak(), getmetatable(Dog.new("x")) == Dog)

local log = {}
local guarded = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k rawset(t, k, v * 10) end})
guarded.a = 1 guarded.a = 2 guarded.b = 3
print("newindex", guarded.a, guarded.b, table.concat(log, ","))

local proxy_store = {}
local proxy = setmetatable({}, {__index = proxy_store, __newindex = proxy_store})
proxy.x = 5
print("proxy", rawget(proxy, "x"), proxy.x, proxy_store.x)

local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
V.__sub = function(a, b) return setmetatable({x = a.x - b.x}, V) end
V.__mul = function(a, b) if type(b) == "number" then return setmetatable({x = a.x * b}, V) end return a.x * b.x end
V.__div = function(a, b) return a.x / b.x end
V.__mod = function(a, b) return a.x % b.x end
V.__pow = function(a, b) return a.x ^ b end
V.__unm = function(a) return setmetatable({x = -a.x}, V) end
V.__eq = function(a, b) return a.x == b.x end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__concat = function(a, b) return tostring(a) .. "&" .. tostring(b) end
V.__tostring = function(a) return "V(" .. a.x .. ")" end
V.__call = function(self, y) return self.x + y end
V.__len = function() return 99 end
local a, b = setmetatable({x = 3}, V), setmetatable({x = 4}, V)
print("arith", tostring(a + b), tostring(a - b), tostring(a * 2), a * b, a / b, a % b, a ^ 2, tostring(-a))
print("compare", a == b, a ~= b, a < b, a <= b, a > b, a >= b, a == setmetatable({x = 3}, V))
print("concat", a .. b, a .. "s", "s" .. a)
print("call", a(10))
print("tostring", tostring(a), tostring(setmetatable({}, {__tostring = function() return "custom" end})))

-- __eq only between two tables with the same metamethod
local e1 = setmetatable({}, {__eq = function() return true end})
local e2 = setmetatable({}, {__eq = function() return true end})
print("eq different metamethods", e1 == e2, e1 == e1)

-- protected metatables
local prot = setmetatable({}, {__metatable = "locked"})
print("protected", getmetatable(prot), pcall(setmetatable, prot, {}))
print("string metatable", getmetatable("x").__index == string)
print("setmetatable non-table", pc(setmetatable, 1, {}))
print("setmetatable nil", getmetatable(setmetatable(setmetatable({}, {}), nil)))

-- rawget/rawset bypass
print("raw", rawget(obj, "virtual"), rawget(obj, "real"))

-- __index chains
local c1 = {v = "c1"}
local c2 = setmetatable({}, {__index = c1})
local c3 = setmetatable({}, {__index = c2})
print("chain", c3.v)

-- a class with a counter in its metatable
local Counter = {}
Counter.__index = Counter
function Counter.new() return setmetatable({n = 0}, Counter) end
function Counter:inc(k) self.n = self.n + (k or 1) return self end
print("method chain", Counter.new():inc():inc(5).n)

-- __call with varargs
local callable = setmetatable({}, {__call = function(self, ...) return select("#", ...), ... end})
print("call varargs", callable(1, nil, 3))

-- metamethods through pcall
print("pcall callable", pcall(callable, "x"))
print("error in metamethod", pcall(function() return setmetatable({}, {__add = function() error("no add", 0) end}) + 1 end))
