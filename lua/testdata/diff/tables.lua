-- The table library and table behaviour. Orders that Lua leaves open
-- (pairs, sort of equal elements, # of a table with holes) are not
-- printed.

-- Argument errors name the function differently in each implementation
-- ('?' in Lua 5.1 for a function called through pcall): only the
-- argument and the reason are compared.
local function reason(e) return (string.gsub(tostring(e), "bad argument (#%d+) to .* (%b())$", "bad argument %1 %2")) end
local function pc(...) local r = {pcall(...)} if not r[1] then r[2] = reason(r[2]) end return unpack(r, 1, table.maxn(r)) end

local function show(t, n) local r = {} for i = 1, (n or #t) do r[#r + 1] = tostring(t[i]) end return table.concat(r, ",") end
local function keys(t) local r = {} for k in pairs(t) do r[#r + 1] = tostring(k) end table.sort(r) return table.concat(r, ",") end

local t = {1, 2, 3}
table.insert(t, 4) table.insert(t, 1, 0) print("insert", show(t))
table.insert(t, 3, "x") print("insert middle", show(t))
table.insert(t, #t + 1, "end") print("insert end", show(t))
print("insert errors", pcall(table.insert, t), pcall(table.insert, t, 1, 2, 3))
print("remove", table.remove(t), show(t))
print("remove first", table.remove(t, 1), show(t))
print("remove middle", table.remove(t, 2), show(t))
print("remove empty", table.remove({}), #{})
print("remove out of range", select("#", table.remove({1, 2, 3}, 7)), select("#", table.remove({1, 2, 3}, 0)))

print("concat", table.concat({1, 2, "x", 3.5}, "-"), "[" .. table.concat({}, "x") .. "]", table.concat({1, 2, 3}, ", ", 2), table.concat({1, 2, 3}, ", ", 2, 3), "[" .. table.concat({1, 2, 3}, ",", 3, 2) .. "]", table.concat({"a", "b"}))
print("concat errors", pcall(table.concat, {1, {}, 3}), pcall(table.concat, {1, 2}, ",", 1, 5))
print("maxn getn", table.maxn({1, 2, nil, 4}), table.maxn({}), table.maxn({[1.5] = 1, [10] = 2}), table.getn({1, 2, 3}))

local s = {5, 2, 8, 1, 9, 3} table.sort(s) print("sort", show(s))
table.sort(s, function(a, b) return a > b end) print("sort desc", show(s))
local w = {"banana", "Apple", "cherry", "apple"} table.sort(w) print("sort strings", show(w))
local recs = {{n = "b", a = 3}, {n = "a", a = 1}, {n = "c", a = 2}}
table.sort(recs, function(x, y) return x.a < y.a end)
print("sort records", recs[1].n, recs[2].n, recs[3].n)
print("sort errors", pc(table.sort, {1, "x", 2})) print(pc(table.sort, {3, 1, 2}, 5))
local big = {} for i = 1, 1000 do big[i] = (i * 7919) % 1009 end table.sort(big)
local sorted = true for i = 2, #big do if big[i - 1] > big[i] then sorted = false end end
print("sort big", sorted, big[1], big[1000])

print("length", #{1, 2, 3}, #{}, #{n = 1}, #"abc")
print("constructor", show({1, 2, 3, [5] = 5}, 5), keys({a = 1, [1] = "x", [2.5] = true}))
local nested = {a = {b = {c = "deep"}}}
print("nested", nested.a.b.c, nested["a"]["b"]["c"])
local u = {}
u[1.0] = "one" u[2] = "two"
print("float keys", u[1], #u, u[2.0])
print("next", next({}), next({10}))
local ip = {}
for i, v in ipairs({"a", "b", nil, "d"}) do ip[#ip + 1] = i .. v end
print("ipairs stops at nil", table.concat(ip, " "))
local cnt = 0
for k, v in pairs({a = 1, b = 2, c = 3, 10, 20}) do cnt = cnt + 1 end
print("pairs count", cnt)
local rm = {a = 1, b = 2, c = 3}
for k in pairs(rm) do rm[k] = nil end
print("clear while iterating", next(rm))
print("rawequal rawget rawset", rawequal(t, t), rawequal({}, {}), rawget({5}, 1), rawset({}, "k", "v").k)
print("table keys", pcall(function() local x = {} x[nil] = 1 end))
local nan = 0/0
print("nan key", pcall(function() local x = {} x[nan] = 1 end))
print("unpack", unpack({1, 2, 3}))
print("table.pack", table.pack and "yes" or "no")
