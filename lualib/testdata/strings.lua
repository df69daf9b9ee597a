-- The byte-safe string functions: string.upper and string.lower change
-- ASCII letters only, every other byte (UTF-8 included) stays as it is;
-- string.pack, string.unpack and string.packsize are Lua 5.3's (§6.4.2).
-- The expected bytes were derived from the Lua 5.3 manual and checked
-- against the reference interpreter (lua5.4, whose string.pack agrees
-- with 5.3 except where a case says otherwise). The native byte order
-- ("=") is lualib/strings_test.go's: Lua cannot tell it.

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

-- upper and lower
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

-- Round trips: the values pack into exactly these bytes, and unpack back
-- into the values, followed by the position just past the data.
local round_trips = {
  -- format, the arguments, the bytes, what unpack returns
  {"<b", {-128}, "\x80", {-128}},
  {">b", {127}, "\x7f", {127}},
  {"<B", {255}, "\xff", {255}},
  {">B", {0}, "\0", {0}},
  {"<h", {-2}, "\xfe\xff", {-2}},
  {">h", {258}, "\x01\x02", {258}},
  {"<H", {65534}, "\xfe\xff", {65534}},
  {">H", {258}, "\x01\x02", {258}},
  {"<l", {-3}, "\xfd\xff\xff\xff\xff\xff\xff\xff", {-3}},
  {">l", {1}, "\0\0\0\0\0\0\0\x01", {1}},
  {"<L", {2^40}, "\0\0\0\0\0\x01\0\0", {1099511627776}},
  {">L", {258}, "\0\0\0\0\0\0\x01\x02", {258}},
  {"<j", {-1}, "\xff\xff\xff\xff\xff\xff\xff\xff", {-1}},
  {">j", {-2^63}, "\x80\0\0\0\0\0\0\0", {-2^63}},
  {"<J", {2^53}, "\0\0\0\0\0\0\x20\0", {9007199254740992}},
  {">J", {256}, "\0\0\0\0\0\0\x01\0", {256}},
  {"<T", {3}, "\x03\0\0\0\0\0\0\0", {3}},
  {">T", {3}, "\0\0\0\0\0\0\0\x03", {3}},
  {"<i", {-2}, "\xfe\xff\xff\xff", {-2}},
  {">i", {1}, "\0\0\0\x01", {1}},
  {"<i1", {-1}, "\xff", {-1}},
  {"<i3", {-2}, "\xfe\xff\xff", {-2}},
  {">i3", {66051}, "\x01\x02\x03", {66051}},
  {"<i9", {-2}, "\xfe\xff\xff\xff\xff\xff\xff\xff\xff", {-2}},
  {">i16", {-2}, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xfe", {-2}},
  {">i16", {2^60}, "\0\0\0\0\0\0\0\0\x10\0\0\0\0\0\0\0", {2^60}},
  {">I4", {1}, "\0\0\0\x01", {1}},
  {"<I2", {258}, "\x02\x01", {258}},
  {">I5", {2^32}, "\x01\0\0\0\0", {4294967296}},
  {"<I7", {2^52 - 1}, "\xff\xff\xff\xff\xff\xff\x0f", {4503599627370495}},
  -- Wider-than-8 unsigned fields hold the int64 bit pattern and are
  -- zero-filled, so -1 comes back as -1 (lua_Integer semantics).
  {"<I16", {-1}, "\xff\xff\xff\xff\xff\xff\xff\xff\0\0\0\0\0\0\0\0", {-1}},
  {"<f", {0.5}, "\0\0\0\x3f", {0.5}},
  {">f", {-0.5}, "\xbf\0\0\0", {-0.5}},
  {"<d", {0.1}, "\x9a\x99\x99\x99\x99\x99\xb9\x3f", {0.1}},
  {">d", {0.1}, "\x3f\xb9\x99\x99\x99\x99\x99\x9a", {0.1}},
  {"<n", {-1.5}, "\0\0\0\0\0\0\xf8\xbf", {-1.5}},
  {">n", {2^60}, "C\xb0\0\0\0\0\0\0", {2^60}},
  {">s4", {'hi'}, "\0\0\0\x02hi", {"hi"}},
  {"<s2", {'hi'}, "\x02\0hi", {"hi"}},
  {"<s", {'hi'}, "\x02\0\0\0\0\0\0\0hi", {"hi"}},
  {">s16", {'x'}, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01x", {"x"}},
  {"s1", {''}, "\0", {""}},
  {"<s1", {string.rep("x", 255)}, "\xff" .. string.rep("x", 255), {string.rep("x", 255)}},
  {"<s1", {'a\0\255'}, "\x03a\0\xff", {"a\0\xff"}},
  {"z", {'ab'}, "ab\0", {"ab"}},
  {"z", {''}, "\0", {""}},
  {"c5", {'ab'}, "ab\0\0\0", {"ab\0\0\0"}},
  {"c3", {'\255\0x'}, "\xff\0x", {"\xff\0x"}},
  {"c0", {''}, "", {""}},
  {" < i2 > i2 ", {1, 1}, "\x01\0\0\x01", {1, 1}},
  {"<b x b", {1, 2}, "\x01\0\x02", {1, 2}},
  {"<b xx c1", {1, 'z'}, "\x01\0\0z", {1, "z"}},
  {"<i2 z s1 c2 B", {-1, 'ab', 'cde', 'fg', 9}, "\xff\xffab\0\x03cdefg\x09", {-1, "ab", "cde", "fg", 9}},
  -- Alignment: "!" alone means the native maximum (8); without "!"
  -- the maximum is 1 and nothing is padded.
  {"<b i4", {1, 2}, "\x01\x02\0\0\0", {1, 2}},
  {"!<b i4", {1, 2}, "\x01\0\0\0\x02\0\0\0", {1, 2}},
  {"!<b i8", {1, 2}, "\x01\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0", {1, 2}},
  {"!4<b i8", {1, 2}, "\x01\0\0\0\x02\0\0\0\0\0\0\0", {1, 2}},
  {"!2<b i4", {1, 2}, "\x01\0\x02\0\0\0", {1, 2}},
  {"!<b d", {1, 0.5}, "\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\xe0\x3f", {1, 0.5}},
  {"!<b c3 i2", {1, 'abc', 2}, "\x01abc\x02\0", {1, "abc", 2}},
  {"!<z i4", {'ab', 7}, "ab\0\0\x07\0\0\0", {"ab", 7}},
  {"!<s1 i2", {'ab', 5}, "\x02ab\0\x05\0", {"ab", 5}},
  {"!<b Xi4 b", {1, 2}, "\x01\0\0\0\x02", {1, 2}},
  {"!<b Xh b", {1, 2}, "\x01\0\x02", {1, 2}},
  {"!4<b Xi8 b", {1, 2}, "\x01\0\0\0\x02", {1, 2}},
  {"!<b i4 x h Xi8 d", {1, 2, 3, 4}, "\x01\0\0\0\x02\0\0\0\0\0\x03\0\0\0\0\0\0\0\0\0\0\0\x10\x40", {1, 2, 3, 4}},
}
for i, c in ipairs(round_trips) do
  local fmt, args, bytes, values = c[1], c[2], c[3], c[4]
  local want = {bytes}
  for _, v in ipairs(values) do want[#want + 1] = v end
  want[#want + 1] = #bytes + 1
  returns(("round trip %d (%q)"):format(i, fmt), function()
    local s = string.pack(fmt, unpack(args))
    return s, string.unpack(fmt, s)
  end, unpack(want))
end

-- pack
returns("brief example I4", function() return string.pack(">I4", 1) == "\0\0\0\1" end, true)
returns("brief example i2", function() return string.pack("<i2", -2) == "\254\255" end, true)
returns("brief example s4", function() return string.pack(">s4", "hi") == "\0\0\0\2hi" end, true)
returns("method syntax", function() return ("<I2"):pack(258), ("\2\1"):upper() end, "\x02\x01", "\x02\x01")
returns("integer boundaries", function() return string.pack("<i1i1B", -128, 127, 255) end, "\x80\x7f\xff")
returns("numeric strings are numbers", function() return string.pack("<i2d", "258", "0.5") end, "\x02\x01\0\0\0\0\0\0\xe0\x3f")
returns("hex numeric string", function() return string.pack("B", " 0x10 ") end, "\x10")
returns("numbers are strings for z and s", function() return string.pack("z<s1", 12, 3) end, "12\0\x013")
returns("integral float accepted", function() return string.pack("<i2", 3.0) end, "\x03\0")
returns("extra arguments ignored", function() return string.pack("B", 1, 2, 3) end, "\x01")
returns("empty format", function() return string.pack(""), string.pack("  < > = !") end, "", "")
returns("embedded NUL ends format as in C", function() return string.pack("B\0B", 1, 2) end, "\x01")
returns("float rounding to single", function() return string.unpack("<f", string.pack("<f", 0.1)) end, 0.10000000149011612, 5)
returns("float overflow is infinity", function() return string.pack("<f", 1e39), string.pack(">f", -1e39) end, "\0\0\x80\x7f", "\xff\x80\0\0")
returns("largest float32 stays finite", function() return string.pack("<f", 2^128 - 2^104), string.pack("<f", 2^128 - 2^103 - 2^75) end, "\xff\xff\x7f\x7f", "\xff\xff\x7f\x7f")
returns("float32 rounding threshold", function() return string.pack("<f", 2^128 - 2^103) end, "\0\0\x80\x7f")
returns("infinity round trip", function() return string.unpack("<f", "\0\0\128\127"), string.unpack(">d", "\255\240\0\0\0\0\0\0") end, 1/0, -1/0, 9)
returns("NaN round trip", function() local x = string.unpack("<d", string.pack("<d", 0/0)) return x ~= x end, true)
returns("negative zero keeps its sign bit", function() return string.pack(">d", -0.0) end, "\x80\0\0\0\0\0\0\0")

-- unpack
returns("start position", function() return string.unpack("<h", "\1\2\3\4", 3) end, 1027, 5)
returns("negative position", function() return string.unpack("<h", "\1\2\3\4", -2) end, 1027, 5)
returns("negative position whole string", function() return string.unpack("<h", "\1\2\3\4", -4) end, 513, 3)
returns("nil position is 1", function() return string.unpack("B", "\7", nil) end, 7, 2)
returns("empty format", function() return string.unpack("", "abc") end, 1)
returns("position just past the end", function() return string.unpack("", "abc", 4) end, 4)
returns("negative position to the start", function() return string.unpack("c0", "abc", -3) end, "", 1)
returns("chained positions", function() local s = string.pack(">I2 s1 z", 7, "ab", "cd")
			local a, p = string.unpack(">I2", s)
			local b, p2 = string.unpack("s1", s, p)
			local c, p3 = string.unpack("z", s, p2)
			return a, p, b, p2, c, p3, #s end, 7, 3, "ab", 6, "cd", 9, 8)
returns("alignment counts from the string start", function() return string.unpack("!<i4", "\0\0\0\0\7\0\0\0", 2) end, 7, 9)
returns("padding skipped", function() return string.unpack("<bxxb", "\1\0\0\2") end, 1, 2, 5)
returns("X skipped", function() return string.unpack("!<bXi4b", "\1\0\0\0\2") end, 1, 2, 6)
returns("two z strings", function() return string.unpack("zz", "a\0b\0") end, "a", "b", 5)
returns("z at the end", function() return string.unpack("z", "ab\0") end, "ab", 4)
returns("c keeps zero bytes", function() return string.unpack("c3", "a\0b") end, "a\0b", 4)
returns("s with empty payload", function() return string.unpack(">s2", "\0\0rest") end, "", 3)
returns("unsigned 3 bytes", function() return string.unpack("<I3", "\1\2\3") end, 197121, 4)
returns("signed 3 bytes sign-extend", function() return string.unpack(">i3", "\255\255\254") end, -2, 4)
returns("B is unsigned, b is signed", function() return string.unpack("Bb", "\255\255") end, 255, -1, 3)
returns("J of all ones is -1 as in 5.3", function() return string.unpack("<J", "\255\255\255\255\255\255\255\255") end, -1, 9)
returns("9-byte signed minus one", function() return string.unpack("<i9", "\255\255\255\255\255\255\255\255\255") end, -1, 10)
-- Beyond 2^53 the result is the nearest float64 (lualib/pack.go).
returns("int64 max rounds to 2^63", function() return string.unpack("<I9", "\255\255\255\255\255\255\255\127\0") end, 2^63, 10)
returns("2^53+1 rounds to even", function() return string.unpack(">j", "\0\32\0\0\0\0\0\1") end, 9007199254740992, 9)
returns("2^53+3 rounds up", function() return string.unpack(">j", "\0\32\0\0\0\0\0\3") end, 9007199254740996, 9)
returns("numeric position string", function() return string.unpack("B", "\1\2", "2") end, 2, 3)

-- packsize
returns("empty", function() return string.packsize("") end, 0)
returns("options only", function() return string.packsize(" <>=! ") end, 0)
returns("native sizes", function() return string.packsize("b"), string.packsize("h"), string.packsize("i"),
			string.packsize("l"), string.packsize("j"), string.packsize("T"),
			string.packsize("f"), string.packsize("d"), string.packsize("n") end, 1, 2, 4, 8, 8, 8, 4, 8, 8)
returns("explicit sizes", function() return string.packsize("i1 I3 i16 c10 x") end, 31)
returns("no alignment without !", function() return string.packsize("b i4 b d") end, 14)
returns("aligned mix", function() return string.packsize("!<b i4 x h Xi8 d") end, 24)
returns("max alignment 4", function() return string.packsize("!4 b d") end, 12)
returns("max alignment 2", function() return string.packsize("!2 b i4") end, 6)
returns("X capped by max alignment", function() return string.packsize("bXh") end, 1)
returns("largest size accepted", function() return string.packsize("c2147483639") end, 2147483639)
returns("matches pack", function() return string.packsize("!<b i4 h d"), #string.pack("!<b i4 h d", 1, 2, 3, 4) end, 24, 24)

-- errors: the format language
raises("invalid option", function() string.pack("y") end, "bad argument #1 to 'pack' (invalid format option 'y')")
raises("invalid option after valid ones", function() string.pack("i4 y", 1) end, "bad argument #1 to 'pack' (invalid format option 'y')")
raises("invalid option in unpack", function() string.unpack("q", "") end, "bad argument #1 to 'unpack' (invalid format option 'q')")
raises("invalid option in packsize", function() string.packsize("i4(") end, "bad argument #1 to 'packsize' (invalid format option '(')")
raises("an invalid high byte option is shown escaped", function() string.packsize("\255") end, "bad argument #1 to 'packsize' (invalid format option '\\255')")
raises("integral size too big", function() string.pack("i17", 1) end, "bad argument #1 to 'pack' (integral size (17) out of limits [1,16])")
raises("integral size zero", function() string.pack("I0", 1) end, "bad argument #1 to 'pack' (integral size (0) out of limits [1,16])")
raises("s size zero", function() string.pack("s0", "") end, "bad argument #1 to 'pack' (integral size (0) out of limits [1,16])")
raises("! size too big", function() string.pack("!17") end, "bad argument #1 to 'pack' (integral size (17) out of limits [1,16])")
raises("c without size", function() string.pack("c", "") end, "bad argument #1 to 'pack' (missing size for format option 'c')")
raises("numeral stops near INT_MAX", function() string.packsize("c2147483647") end, "bad argument #1 to 'packsize' (invalid format option '7')")
raises("result too large", function() string.packsize("c1000000000c1000000000c1000000000") end, "bad argument #1 to 'packsize' (format result too large)")
raises("alignment not power of 2", function() string.pack("!8 i3", 1) end, "bad argument #1 to 'pack' (format asks for alignment not power of 2)")
raises("max alignment not power of 2", function() string.packsize("!3 i4") end, "bad argument #1 to 'packsize' (format asks for alignment not power of 2)")
raises("X at end", function() string.pack("X") end, "bad argument #1 to 'pack' (invalid next option for option 'X')")
raises("X before c", function() string.pack("Xc1") end, "bad argument #1 to 'pack' (invalid next option for option 'X')")
raises("X before space", function() string.pack("X i4") end, "bad argument #1 to 'pack' (invalid next option for option 'X')")
raises("X before z", function() string.unpack("Xz", "") end, "bad argument #1 to 'unpack' (invalid next option for option 'X')")
raises("variable-length s", function() string.packsize("s") end, "bad argument #1 to 'packsize' (variable-length format)")
raises("variable-length z", function() string.packsize("i4 z") end, "bad argument #1 to 'packsize' (variable-length format)")

-- errors: the values to pack
raises("signed overflow i1 high", function() string.pack("i1", 128) end, "bad argument #2 to 'pack' (integer overflow)")
raises("signed overflow i1 low", function() string.pack("i1", -129) end, "bad argument #2 to 'pack' (integer overflow)")
raises("signed overflow h", function() string.pack("<h", 32768) end, "bad argument #2 to 'pack' (integer overflow)")
raises("signed overflow i7", function() string.pack("i7", 2^55) end, "bad argument #2 to 'pack' (integer overflow)")
raises("overflow in later argument", function() string.pack("i4 i2", 1, 2^15) end, "bad argument #3 to 'pack' (integer overflow)")
raises("unsigned overflow B", function() string.pack("B", 256) end, "bad argument #2 to 'pack' (unsigned overflow)")
raises("unsigned negative", function() string.pack("B", -1) end, "bad argument #2 to 'pack' (unsigned overflow)")
raises("unsigned overflow I7", function() string.pack("I7", 2^56) end, "bad argument #2 to 'pack' (unsigned overflow)")
-- 2^56-1 is not a float64: the literal is already 2^56, which is
-- out of range (reference Lua, with true integers, accepts it).
raises("unsigned overflow I7 via rounding", function() string.pack("I7", 2^56 - 1) end, "bad argument #2 to 'pack' (unsigned overflow)")
raises("fraction", function() string.pack("i4", 1.5) end, "bad argument #2 to 'pack' (number has no integer representation)")
raises("fraction in string", function() string.pack("i4", "1.5") end, "bad argument #2 to 'pack' (number has no integer representation)")
raises("2^63 is out of int64", function() string.pack("j", 2^63) end, "bad argument #2 to 'pack' (number has no integer representation)")
raises("2^64 unsigned", function() string.pack("J", 2^64) end, "bad argument #2 to 'pack' (number has no integer representation)")
raises("NaN", function() string.pack("i8", 0/0) end, "bad argument #2 to 'pack' (number has no integer representation)")
raises("infinity", function() string.pack("i16", 1/0) end, "bad argument #2 to 'pack' (number has no integer representation)")
raises("table for integer", function() string.pack("i4", {}) end, "bad argument #2 to 'pack' (number expected, got table)")
raises("non-numeric string", function() string.pack("i4", "abc") end, "bad argument #2 to 'pack' (number expected, got string)")
raises("boolean for float", function() string.pack("d", true) end, "bad argument #2 to 'pack' (number expected, got boolean)")
-- lstrlib's nil marker makes the first missing value "nil".
raises("missing value", function() string.pack("i4") end, "bad argument #2 to 'pack' (number expected, got nil)")
raises("missing second value", function() string.pack("i4 z", 1) end, "bad argument #3 to 'pack' (string expected, got nil)")
raises("table for z", function() string.pack("z", {}) end, "bad argument #2 to 'pack' (string expected, got table)")
raises("format not a string", function() string.pack({}) end, "bad argument #1 to 'pack' (string expected, got table)")
raises("no format", function() string.pack() end, "bad argument #1 to 'pack' (string expected, got no value)")
raises("c too long", function() string.pack("c2", "abc") end, "bad argument #2 to 'pack' (string longer than given size)")
raises("s1 length 256", function() string.pack("s1", string.rep("x", 256)) end, "bad argument #2 to 'pack' (string length does not fit in given size)")
raises("s2 length 65536", function() string.pack("s2", string.rep("x", 65536)) end, "bad argument #2 to 'pack' (string length does not fit in given size)")
raises("z with zero", function() string.pack("z", "a\0b") end, "bad argument #2 to 'pack' (string contains zeros)")
raises("called through a local", function() local p = string.pack p("i4", {}) end, "bad argument #2 to 'p' (number expected, got table)")

-- errors: unpacking
raises("short data", function() string.unpack("i4", "abc") end, "bad argument #2 to 'unpack' (data string too short)")
raises("short data after position", function() string.unpack("c3", "abc", 2) end, "bad argument #2 to 'unpack' (data string too short)")
raises("short s payload", function() string.unpack("<s1", "\5abc") end, "bad argument #2 to 'unpack' (data string too short)")
raises("short s prefix", function() string.unpack("<s4", "\1\0\0") end, "bad argument #2 to 'unpack' (data string too short)")
raises("huge s length", function() string.unpack("<s8", "\255\255\255\255\255\255\255\255x") end, "bad argument #2 to 'unpack' (data string too short)")
raises("alignment makes data short", function() string.unpack("!<b i4", "\1\0\0\0\2\0\0") end, "bad argument #2 to 'unpack' (data string too short)")
raises("X padding makes data short", function() string.unpack("!8 b Xd", "\1") end, "bad argument #2 to 'unpack' (data string too short)")
raises("unfinished z", function() string.unpack("z", "abc") end, "bad argument #2 to 'unpack' (unfinished string for format 'z')")
raises("unfinished z empty", function() string.unpack("z", "") end, "bad argument #2 to 'unpack' (unfinished string for format 'z')")
raises("unfinished z after position", function() string.unpack("z", "ab\0cd", 4) end, "bad argument #2 to 'unpack' (unfinished string for format 'z')")
raises("position past end", function() string.unpack("b", "ab", 4) end, "bad argument #3 to 'unpack' (initial position out of string)")
-- Lua 5.3 rejects 0 and positions before the start (5.4 clamps to 1).
raises("position zero", function() string.unpack("b", "ab", 0) end, "bad argument #3 to 'unpack' (initial position out of string)")
raises("position before start", function() string.unpack("b", "ab", -3) end, "bad argument #3 to 'unpack' (initial position out of string)")
raises("fractional position", function() string.unpack("b", "ab", 1.5) end, "bad argument #3 to 'unpack' (number has no integer representation)")
raises("table position", function() string.unpack("b", "ab", {}) end, "bad argument #3 to 'unpack' (number expected, got table)")
raises("no data", function() string.unpack("i4") end, "bad argument #2 to 'unpack' (string expected, got no value)")
raises("unpack format not a string", function() string.unpack({}, "") end, "bad argument #1 to 'unpack' (string expected, got table)")
raises("9-byte integer too big", function() string.unpack("<i9", "\0\0\0\0\0\0\0\0\1") end, "bad argument #2 to 'unpack' (9-byte integer does not fit into Lua Integer)")
raises("9-byte negative needs 0xff fill", function() string.unpack("<i9", "\0\0\0\0\0\0\0\128\0") end, "bad argument #2 to 'unpack' (9-byte integer does not fit into Lua Integer)")
raises("16-byte unsigned too big", function() string.unpack(">I16", "\1\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0") end, "bad argument #2 to 'unpack' (16-byte integer does not fit into Lua Integer)")
raises("packsize not a string", function() string.packsize({}) end, "bad argument #1 to 'packsize' (string expected, got table)")

do -- too many results: 5.3 stops at its stack limit ("too many results"),
   -- gopher-lua's registry fills up first; either way a Lua error, and the
   -- state goes on
  assert.fails(function() return string.unpack(string.rep("b", 1e6), string.rep("\0", 1e6)) end, "registry overflow")
  returns("after the overflow", function() return string.unpack("B", string.pack("B", 7)) end, 7, 2)
end
