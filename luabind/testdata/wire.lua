-- hexdump, repr and socket.trace: the helpers for looking at the wire.

-- hexdump: as hexdump -C
assert.eq(hexdump(""), "")
assert.eq(hexdump("hello\n"),
  "00000000  68 65 6c 6c 6f 0a                                 |hello.|\n00000006\n")
assert.eq(hexdump("0123456789abcdef\0\255"),
  "00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n" ..
  "00000010  00 ff                                             |..|\n" ..
  "00000012\n")
assert.fails(function() hexdump(nil) end, "bad argument #1 to 'hexdump'")

-- repr: a string literal that loads back to the same bytes
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
all = table.concat(all)
local gbk = encoding.encode("你好没有", "gbk") -- its "\xc3\xbb" looks like UTF-8 (»)
for _, s in ipairs({"", "hello", "a\"b\\c", "\r\n\t\0", all, "你好", "\0001", "]]", "\255\254", gbk, "\226\128\139"}) do
  local r = repr(s)
  assert.eq(r:sub(1, 1), '"')
  assert.true_(not r:find("\\%d"), "\\xHH escapes, not decimal: " .. r)
  local back = loadstring("return " .. r)()
  assert.eq(back, s, "repr loads back: " .. r)
end
assert.eq(repr("\0001"), [["\x001"]], "two hex digits, so a digit after the escape stays a digit")
assert.eq(repr("你好"), [["你好"]], "UTF-8 text as it is")
assert.eq(repr(gbk), [["\xc4\xe3\xba\xc3\xc3\xbb\xd3\xd0"]], "bytes that are not UTF-8: each byte, no stray character")
assert.eq(repr("é\255"), [["\xc3\xa9\xff"]], "not UTF-8 as a whole: bytes")
assert.eq(repr("\226\128\139!"), [["\xe2\x80\x8b!"]], "an unprintable character: its bytes")
assert.eq(repr(42), "42")
assert.eq(repr(nil), "nil")
assert.eq(repr(true), "true")
assert.eq(repr({1, "two", x = 3}), '{1, "two", x = 3}')
local s = socket.socket()
assert.contains(repr(s), "<socket fd=")
s:close()
assert.fails(function() repr() end, "bad argument #1 to 'repr'")

-- socket.trace: on, off, and what it was
assert.eq(socket.trace(), false, "off unless asked")
assert.eq(socket.trace(true), false)
assert.eq(socket.trace(), true)
assert.eq(socket.trace(false), true)
assert.eq(socket.trace(), false)
assert.fails(function() socket.trace("yes") end, "true or false expected")
