-- A background script whose error trace.txt looks at.
local function parse(n)
  return n + 1
end
parse(nil)
