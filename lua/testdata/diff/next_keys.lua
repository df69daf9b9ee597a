-- next and pairs over hash keys of every kind, for tables of 1 to 20
-- keys (small tables find a key's position by a scan, larger ones by an
-- index: lua/SOCKPLAY.md, Tables): each key is visited once, also when
-- the traversal assigns to existing fields or clears them, as Lua allows.
-- Prints only order-independent facts.
local function build(n)
  local t, keys = {}, {}
  for i = 1, n do
    local k
    local kind = i % 4
    if kind == 0 then k = "k" .. i
    elseif kind == 1 then k = {}
    elseif kind == 2 then k = i + 0.5
    else k = function() return i end end
    t[k] = i
    keys[#keys + 1] = k
  end
  t[1], t[2] = "a", "b" -- an array part too
  return t, keys
end

for n = 1, 20 do
  local t, keys = build(n)
  local seen, sum, count = {}, 0, 0
  for k, v in pairs(t) do
    assert(not seen[k], "key visited twice")
    seen[k] = true
    count = count + 1
    if type(v) == "number" then sum = sum + v end
    t[k] = v -- assigning an existing field during traversal
  end
  -- clearing every field during traversal
  local cleared = 0
  local k = next(t)
  while k ~= nil do
    local nk = next(t, k)
    t[k] = nil
    cleared = cleared + 1
    k = nk
  end
  print(n, count, sum, cleared, next(t) == nil)
  -- refilled after clearing: the same keys are found again
  for i, key in ipairs(keys) do t[key] = i end
  local again = 0
  for _ in pairs(t) do again = again + 1 end
  print(n, "again", again)
end
