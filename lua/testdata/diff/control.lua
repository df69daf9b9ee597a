-- Control flow without goto.

local function classify(n)
  if n < 0 then return "negative"
  elseif n == 0 then return "zero"
  elseif n < 10 then return "small"
  else return "large" end
end
print(classify(-5), classify(0), classify(3), classify(42))

local out = {}
for i = 1, 10 do
  if i % 2 == 0 then
    out[#out + 1] = i
  end
  if i >= 8 then break end
end
print("for break", table.concat(out, ","))

local n, steps = 27, 0
while n ~= 1 do
  if n % 2 == 0 then n = n / 2 else n = 3 * n + 1 end
  steps = steps + 1
end
print("collatz", steps)

local i = 0
repeat i = i + 1 until i * i > 50
print("repeat", i)

local found
for x = 1, 5 do
  for y = 1, 5 do
    if x * y == 12 then found = x .. "x" .. y break end
  end
  if found then break end
end
print("nested break", found)

print("and or", nil or "default", false or nil, 1 and 2, nil and 1, false and error("never"), 0 or 1, "" or 1)
print("not", not nil, not 0, not "", not not nil)
print("ternary", true and "yes" or "no", false and "yes" or "no", (nil == false))

local function fact(k) if k <= 1 then return 1 end return k * fact(k - 1) end
print("factorial", fact(10), fact(20))

local function tailcount(k, acc) if k == 0 then return acc end return tailcount(k - 1, acc + 1) end
print("tail calls", tailcount(100000, 0))

local t = {}
for k = 10, 1, -3 do t[#t + 1] = k end
print("step -3", table.concat(t, ","))
local loopvar = {}
for k = 1, 3 do local k2 = k * 2 loopvar[#loopvar + 1] = k2 end
print("loop locals", table.concat(loopvar, ","))

local w = 0
while true do w = w + 1 if w > 5 then break end end
print("while true", w)

do
  local scoped = "inner"
  print("do block", scoped)
end
print("after do", scoped)

local a, b, c = 1, 2
print("multiple assignment", a, b, c)
a, b = b, a
print("swap", a, b)
local x, y = (function() return 1, 2, 3 end)()
print("truncate", x, y)

local sum = 0
for _, v in ipairs({1, 2, 3, 4}) do
  if v % 2 == 1 then
    sum = sum + v
  end
end
print("ipairs sum", sum)

local s = 0
for k = 1, 3 do
  for m = k, 3 do s = s + m end
end
print("nested for", s)
