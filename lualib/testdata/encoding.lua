-- The encoding module: bytes in other encodings to UTF-8 and back.

-- known byte sequences
local cases = {
  {"gbk", "你好", "\196\227\186\195"},
  {"GBK", "中文", "\214\208\206\196"},
  {"gb18030", "你好€", "\196\227\186\195\162\227"},
  {"big5", "你好", "\167\65\166\110"},
  {"shift_jis", "こんにちは", "\130\177\130\241\130\201\130\191\130\205"},
  {"euc-kr", "안녕", "\190\200\179\231"},
  {"utf-16le", "hi€", "h\0i\0\172\32"},
  {"utf-16be", "hi€", "\0h\0i\32\172"},
  {"latin-1", "café", "caf\233"},
  {"utf-8", "ok✓", "ok\226\156\147"},
}
for _, c in ipairs(cases) do
  local name, text, bytes = c[1], c[2], c[3]
  assert.eq(encoding.encode(text, name), bytes, "encode " .. name)
  assert.eq(encoding.decode(bytes, name), text, "decode " .. name)
end

-- round trips of every encoding, with ASCII and the empty string
for _, name in ipairs(encoding.names()) do
  assert.eq(encoding.decode(encoding.encode("", name), name), "", name)
  local ascii = "GET / HTTP/1.0\r\n"
  assert.eq(encoding.decode(encoding.encode(ascii, name), name), ascii, name)
end
-- every byte round-trips through latin-1
local all = {}
for i = 0, 255 do all[#all + 1] = string.char(i) end
all = table.concat(all)
assert.eq(encoding.encode(encoding.decode(all, "latin-1"), "latin-1"), all)
-- utf-16 with a byte order mark, as Python's "utf-16"
assert.eq(encoding.encode("A", "utf-16"), "\255\254A\0")
assert.eq(encoding.decode("\254\255\0A", "utf-16"), "A", "a big-endian mark is honoured")

-- names: any case, with or without - and _; aliases
assert.eq(encoding.decode("\196\227", "CP936"), "你")
assert.eq(encoding.decode("\130\177", "SJIS"), "こ")
assert.eq(encoding.decode("\233", "ISO-8859-1"), "é")
assert.fails(function() encoding.decode("x", "klingon") end,
  "bad argument #2 to 'encoding.decode'", 'unknown encoding "klingon"', "known: big5")
assert.fails(function() encoding.encode("x", "utf-7") end, 'unknown encoding "utf-7"')

-- invalid bytes: strict (the default) raises, replace puts U+FFFD
do
  local err = assert.raises(function() encoding.decode("ab\255cd", "gbk") end, "UnicodeDecodeError")
  assert.true_(err:is("ValueError"), "UnicodeDecodeError is a ValueError, as in Python")
  assert.eq(err.position, 3)
  assert.eq(err.encoding, "gbk")
  assert.contains(tostring(err), "'gbk' codec can't decode byte 0xff at position 3")
  assert.eq(encoding.decode("ab\255cd", "gbk", "replace"), "ab\239\191\189cd")
  assert.raises(function() encoding.decode("\196", "gbk") end, "UnicodeDecodeError") -- cut short
  assert.raises(function() encoding.decode("a\0b", "utf-16le") end, "UnicodeDecodeError") -- odd length
  assert.raises(function() encoding.decode("\255", "utf-8", "strict") end, "UnicodeDecodeError")
  -- an encoded U+FFFD is a character, not an error
  assert.eq(encoding.decode("\239\191\189", "utf-8"), "\239\191\189")
  assert.eq(encoding.decode("\253\255", "utf-16le"), "\239\191\189")
end
do
  local err = assert.raises(function() encoding.encode("a€b", "latin-1") end, "UnicodeEncodeError")
  assert.eq(err.position, 2)
  assert.contains(tostring(err), "can't encode character '€' (U+20AC) at position 2")
  assert.eq(encoding.encode("a€b", "latin-1", "replace"), "a?b")
  assert.eq(encoding.encode("你好😀", "gbk", "replace"), "\196\227\186\195?")
  local bad = assert.raises(function() encoding.encode("x\255", "gbk") end, "UnicodeEncodeError")
  assert.contains(tostring(bad), "byte 0xff at position 2: the text is not valid UTF-8")
  assert.eq(encoding.encode("x\255", "utf-16le", "replace"), "x\0?\0")
  assert.fails(function() encoding.encode("x", "gbk", "ignore") end, 'errors must be "strict" or "replace"')
end

-- require gives the same module
assert.eq(require("encoding"), encoding)
