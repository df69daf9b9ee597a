-- string.format("%q", s) writes a literal that loads back to the same
-- bytes (gopher-lua's own %q writes "\x00" escapes, which Lua 5.1 reads
-- back as the three characters "x00").

local function roundtrip(s, what)
  local lit = string.format("%q", s)
  local fn, err = loadstring("return " .. lit)
  if not fn then
    assert.true_(false, (what or lit) .. ": does not load: " .. tostring(err))
    return
  end
  assert.eq(fn(), s, what or lit)
end

do -- every byte value, alone, followed by a digit (a \ddd escape must not swallow it), and all in one string
  local all = {}
  for b = 0, 255 do
    local c = string.char(b)
    roundtrip(c, "byte " .. b)
    roundtrip(c .. "7", "byte " .. b .. " then a digit")
    roundtrip("x" .. c .. c .. "x", "byte " .. b .. " twice")
    all[#all + 1] = c
  end
  roundtrip(table.concat(all), "bytes 0-255")
  roundtrip(table.concat(all):reverse(), "bytes 255-0")
end

do -- the cases beginners meet
  for _, s in ipairs({"", "\r\n", "\0", "a\0b", "\0\0\0", '"', "'", "\\", '\\"', "\\n", "\\\\\\",
                      "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "tab\tbell\a\b\f\v", "héllo ✓",
                      "\226\130", "\255\254", "%q %s %%", "]]", "[[x]]", "line1\nline2\n"}) do
    roundtrip(s)
  end
  math.randomseed(42)
  for _ = 1, 300 do
    local t = {}
    for i = 1, math.random(0, 24) do t[i] = string.char(math.random(0, 255)) end
    roundtrip(table.concat(t))
  end
end

do -- the exact text: Quote's escapes, decimal and three digits wide
  assert.eq(string.format("%q", "a\0b"), '"a\\000b"')
  assert.eq(string.format("%q", "\r\n"), '"\\r\\n"')
  assert.eq(string.format("%q", 'say "hi"\\'), '"say \\"hi\\"\\\\"')
  assert.eq(string.format("%q", "\1\255"), '"\\001\\255"')
  assert.eq(("%q"):format("\0"), '"\\000"', "method syntax")
  assert.eq(string.format("%-8q|", "a"), '"a"|', "flags and width are ignored, as in Lua 5.1")
end

do -- numbers are quoted as Lua 5.1 prints them (%.14g)
  assert.eq(string.format("%q", 10), '"10"')
  assert.eq(string.format("%q", -2.5), '"-2.5"')
  assert.eq(string.format("%q", 1 / 3), '"0.33333333333333"')
  assert.eq(string.format("%q", 1e15), '"1e+15"')
  assert.eq(string.format("%q", 1 / 0), '"inf"') -- (gopher-lua's math.huge is the largest finite number)
  assert.eq(string.format("%q", -1 / 0), '"-inf"')
  assert.eq(loadstring("return " .. string.format("%q", 42))(), "42")
end

do -- other directives and %% go to the original format unchanged
  assert.eq(string.format("%5.2f %q %%q %d%%", 1.5, "x\0", 7), ' 1.50 "x\\000" %q 7%')
  assert.eq(string.format("%s=%q;", "k", "v\n"), 'k="v\\n";')
  assert.eq(string.format("%q%q", "a", "b"), '"a""b"')
  assert.eq(string.format("quit %d %s", 3, "q"), "quit 3 q", "a q that is not a directive")
  assert.eq(string.format("%%q"), "%q")
  assert.eq(string.format("%x %q", 255, "\255"), 'ff "\\255"')
end

do -- %q needs a string or a number, as in Lua 5.1
  assert.fails(function() string.format("%q") end, "bad argument #2 to 'format' (string expected, got no value)")
  assert.fails(function() string.format("%d %q", 1, {}) end, "bad argument #3 to 'format' (string expected, got table)")
  assert.fails(function() string.format("%q", nil) end, "string expected, got nil")
end
