-- string.upper and string.lower on bytes: ASCII letters change, every
-- other byte (UTF-8 included) stays as it is.

-- returns(name, fn, ...): fn() returns exactly these values, in order.
local function returns(name, fn, ...)
  local want = table.pack(...)
  local got = table.pack(fn())
  assert.eq(got.n, want.n, name .. ": the number of values")
  for i = 1, math.max(got.n, want.n) do
    assert.eq(got[i], want[i], name .. ": value " .. i)
  end
end

-- raises(name, fn, want): fn() raises the message want, after the
-- position of the line that raised it ("file:line: "), and no Go panic.
local function raises(name, fn, want)
  local msg = assert.fails(fn, want)
  if msg then assert.eq(msg:match("^[^:]+:%d+: (.*)$"), want, name) end
end

returns("upper keeps non-ASCII bytes", function() return string.upper("\255\0aZ\228\189\160") end, "\xff\0AZ\xe4\xbd\xa0")
returns("lower keeps non-ASCII bytes", function() return string.lower("\255\0aZ\228\189\160") end, "\xff\0az\xe4\xbd\xa0")
returns("upper method syntax", function() return ("\255\0aZ\228\189\160"):upper() end, "\xff\0AZ\xe4\xbd\xa0")
returns("lower method syntax on variable", function() local s = "\255\0aZ\228\189\160" return s:lower() end, "\xff\0az\xe4\xbd\xa0")
returns("length preserved", function() return #string.upper("\255\254\128"), #("\255"):lower() end, 3, 1)
returns("neighbours of the letter ranges", function() return string.upper('@[`{az'), string.lower('@[`{AZ') end, "@[`{AZ", "@[`{az")
returns("numbers are converted", function() return string.upper(12), string.lower(1.5) end, "12", "1.5")
returns("empty string", function() return string.upper(""), string.lower("") end, "", "")

do -- all 256 bytes
  local t = {}
  for i = 0, 255 do t[#t + 1] = string.char(i) end
  local s = table.concat(t)
  local upper, lower = {}, {}
  for i = 0, 255 do
    upper[#upper + 1] = string.char((i >= 97 and i <= 122) and i - 32 or i)
    lower[#lower + 1] = string.char((i >= 65 and i <= 90) and i + 32 or i)
  end
  assert.eq(s:upper(), table.concat(upper))
  assert.eq(s:lower(), table.concat(lower))
end

raises("upper table", function() string.upper({}) end, "bad argument #1 to 'upper' (string expected, got table)")
raises("lower no value", function() string.lower() end, "bad argument #1 to 'lower' (string expected, got no value)")
raises("upper nil", function() string.upper(nil) end, "bad argument #1 to 'upper' (string expected, got nil)")
raises("lower boolean", function() string.lower(true) end, "bad argument #1 to 'lower' (string expected, got boolean)")
