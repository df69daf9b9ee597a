-- math.randomseed makes math.random repeat: the same seed, the same
-- numbers (which numbers differs between implementations; that they
-- repeat does not).
local function draw()
  local t = {}
  for i = 1, 20 do t[#t + 1] = math.random() end
  for i = 1, 20 do t[#t + 1] = math.random(1000) end
  for i = 1, 20 do t[#t + 1] = math.random(-5, 5) end
  return t
end
local function same(a, b)
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return #a == #b
end

math.randomseed(42)
local a = draw()
math.randomseed(42)
print("same seed, same numbers", same(a, draw()))
math.randomseed(43)
print("another seed, other numbers", not same(a, draw()))
math.randomseed(42.7)
print("the seed is truncated", same(a, draw()))

local inrange = true
for _, x in ipairs(a) do
  if x ~= x or x < -5 or x > 1000 then inrange = false end
end
for i = 1, 20 do
  if not (a[i] >= 0 and a[i] < 1) then inrange = false end
  if not (a[20 + i] >= 1 and a[20 + i] <= 1000 and a[20 + i] % 1 == 0) then inrange = false end
  if not (a[40 + i] >= -5 and a[40 + i] <= 5 and a[40 + i] % 1 == 0) then inrange = false end
end
print("in range", inrange)
print("needs a number", pcall(math.randomseed) == false, pcall(math.randomseed, "x") == false)
