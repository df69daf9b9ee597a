-- ltn12, mime and socket.url: known answers (LuaSocket 3.1.0's outputs
-- for the same inputs; testdata/luasocket/filters.lua compares whole
-- transcripts when LuaSocket is installed).

local ltn12 = require("ltn12")
local mime = require("mime")
local url = require("socket.url")

-- mime's core, one step at a time
assert.eq((mime.b64("Hello, World!")), "SGVsbG8sIFdvcmxkIQ==")
assert.eq((mime.b64("a")), "YQ==")
assert.eq((mime.b64("")), nil, "nothing to encode is nil")
assert.eq(select(2, mime.b64("abcde", "fg")), "g", "what waits for the next call")
assert.eq((mime.unb64("SGVs\r\nbG8=")), "Hello", "line breaks are skipped")
assert.eq(select(2, mime.unb64("YWJj", "ZG")), "ZG")
assert.eq((mime.qp("a=b")), "a=3Db")
assert.eq((mime.qp("end ")), "end=20=\r\n", "a space at the end is quoted, then a soft break")
assert.eq((mime.qp("trail \r\n")), "trail=20\r\n")
assert.eq((mime.qp("x\ry")), "x=0Dy")
assert.eq((mime.unqp("a=3Db=\r\nc")), "a=bc")
assert.eq((mime.unqp("=ZZ")), "=ZZ", "an invalid escape stays")
assert.eq((mime.dot(2, ".\r\n.")), "..\r\n..")
assert.eq(select(2, mime.dot(2, "abc\r")), 1)
assert.eq((mime.eol(0, "a\rb\nc\r\nd\n\re\n\nf")), "a\r\nb\r\nc\r\nd\r\ne\r\n\r\nf")
assert.eq((mime.wrp(3, "abcdef", 3)), "abc\r\ndef")
assert.eq((mime.qpwrp(5, "abc=41def", 5)), "abc=\r\n=41d=\r\nef")

-- Filters, through LTN12 plumbing
local function run(src, ...)
  local t = {}
  assert(ltn12.pump.all(ltn12.source.chain(src, ...), (ltn12.sink.table(t))))
  return table.concat(t)
end
local text = string.rep("0123456789", 10)
local b64 = run(ltn12.source.string(text), mime.encode("base64"), mime.wrap("base64"))
assert.eq(#b64, 140, "76 columns and a CRLF, the rest and a CRLF")
assert.eq(b64:sub(77, 78), "\r\n")
assert.eq(run(ltn12.source.string(b64), mime.decode("base64")), text)
assert.eq(run(ltn12.source.string("caf\233 \r\nx"), mime.encode("quoted-printable")), "caf=E9=20\r\nx")
assert.eq(run(ltn12.source.string("a\r\nb"), mime.encode("quoted-printable", "binary")), "a=0D=0Ab")
assert.eq(run(ltn12.source.string("a\nb\rc"), mime.normalize("|")), "a|b|c")
assert.eq(run(ltn12.source.string(".a\r\n.b"), mime.stuff()), "..a\r\n..b")
assert.fails(function() mime.encode("rot13") end, "unknown key (rot13)")

do -- sinks and pumps
  local t = {}
  local sink = ltn12.sink.chain(mime.encode("base64"), (ltn12.sink.table(t)))
  assert(ltn12.pump.all(ltn12.source.table({"ab", "c", "", "de"}), sink))
  assert.eq(table.concat(t), "YWJjZGU=")
  local ok, err = ltn12.pump.all(ltn12.source.error("broken"), ltn12.sink.null())
  assert.eq(ok, nil)
  assert.eq(err, "broken")
  local src = ltn12.source.cat(ltn12.source.string("ab"), ltn12.source.empty(), ltn12.source.string("cd"))
  assert.eq(run(src, function(x) return x end), "abcd")
end

-- URLs: RFC 2396's examples against http://a/b/c/d;p?q
local base = "http://a/b/c/d;p?q"
for rel, want in pairs({
  ["g:h"] = "g:h", ["g"] = "http://a/b/c/g", ["./g"] = "http://a/b/c/g",
  ["/g"] = "http://a/g", ["//g"] = "http://g", ["?y"] = "http://a/b/c/d;p?y",
  ["#s"] = "http://a/b/c/d;p?q#s", [";x"] = "http://a/b/c/d;x", [""] = base,
  [".."] = "http://a/b/", ["../g"] = "http://a/b/g", ["../../../g"] = "http://a/g",
  ["g/../h"] = "http://a/b/c/h", ["g;x=1/../y"] = "http://a/b/c/y",
}) do
  assert.eq(url.absolute(base, rel), want, "absolute " .. rel)
end
local p = url.parse("http://user:pw@[::1]:8080/a%20b;t?q=1#f")
assert.eq(p.scheme, "http")
assert.eq(p.user, "user")
assert.eq(p.password, "pw")
assert.eq(p.host, "::1")
assert.eq(p.port, "8080")
assert.eq(p.path, "/a%20b")
assert.eq(p.params, "t")
assert.eq(p.query, "q=1")
assert.eq(p.fragment, "f")
assert.eq(url.build(p), "http://user:pw@[::1]:8080/a%20b;t?q=1#f")
local none, err = url.parse("")
assert.eq(none, nil)
assert.eq(err, "invalid url")
assert.eq(url.escape("a b/c"), "a%20b%2fc")
assert.eq(url.unescape("a%20b%2Fc"), "a b/c")
local segs = url.parse_path("/a%20b/c/")
assert.eq(segs[1], "a b")
assert.eq(segs.is_absolute, 1)
assert.eq(segs.is_directory, 1)
assert.eq(url.build_path(segs), "/a%20b/c/")
assert.eq(url.build_path(segs, true), "/a b/c/")
