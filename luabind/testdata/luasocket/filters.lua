-- What ltn12, mime and socket.url make of the inputs LuaSocket's own
-- tests use (test/mimetest.lua, ltn12test.lua, urltest.lua), printed so
-- that two implementations can be compared byte for byte: the Go test
-- runs it on sockplay and on Lua 5.4 + LuaSocket and wants the same
-- output. Runs on both.

local ltn12 = require("ltn12")
local mime = require("mime")
local url = require("socket.url")

-- show writes a result readably: printable ASCII as is, other bytes as
-- \xHH, nil as "nil".
local function show(label, v)
  local text
  if v == nil then
    text = "nil"
  elseif type(v) == "number" and v == math.floor(v) then
    text = ("%d"):format(v) -- 13, not Lua 5.4's 13.0
  else
    text = tostring(v):gsub("[^\32-\126]", function(c) return ("\\x%02X"):format(c:byte()) end)
  end
  io.write(label, ": ", text, "\n")
end

-- A reproducible chunking, the same in every Lua (Park-Miller).
local seed = 42
local function random(n)
  seed = (seed * 16807) % 2147483647
  return seed % (n + 1)
end

-- chunked(s) is a source of s in chunks of random sizes (some empty).
local function chunked(s)
  local pos = 1
  return function()
    if pos > #s then return nil end
    local n = random(300)
    local chunk = s:sub(pos, pos + n - 1)
    pos = pos + n
    return chunk
  end
end

-- through runs s through filter, fed in random chunks, once as a source
-- chain and once as a sink chain; both must agree.
local function through(s, make)
  local t1 = {}
  assert(ltn12.pump.all(ltn12.source.chain(chunked(s), make()), (ltn12.sink.table(t1))))
  local t2 = {}
  assert(ltn12.pump.all(chunked(s), ltn12.sink.chain(make(), (ltn12.sink.table(t2)))))
  local a, b = table.concat(t1), table.concat(t2)
  assert(a == b, "source and sink chains differ")
  return a
end

-- The text mimetest.lua encodes: every byte, lines of every length,
-- Portuguese text, spaces and tabs at line ends, every end-of-line
-- convention, long runs of blanks.
local mao = [[
    Cursavam estes dois mo\231os a academia de S. Paulo, estando
    Lu\237s Alves no quarto ano e Est\234v\227o no terceiro.
    Conheceram-se na academia, e ficaram amigos \237ntimos, tanto
    quanto podiam s\234-lo dois esp\237ritos diferentes, ou talvez por
    isso mesmo que o eram.
]]
mao = mao:gsub("\\(%d%d%d)", function(d) return string.char(tonumber(d)) end)

local parts = {}
for i = 0, 255 do parts[#parts + 1] = string.char(i) end
for i = 0, 255 do parts[#parts + 1] = string.rep(string.char(i), i + 1) .. "\r\n" end
parts[#parts + 1] = mao
local tab = false
parts[#parts + 1] = mao:gsub("%s", function()
  tab = not tab
  return tab and "\t" or " "
end)
local eols = {"\r\n", "\r", "\n", "\n\r"}
local which = 0
parts[#parts + 1] = mao:gsub("\n", function()
  which = which % 4 + 1
  return eols[which]
end)
for i = 1, 4 do
  for j = 1, 4 do parts[#parts + 1] = eols[i] .. eols[j] end
end
parts[#parts + 1] = "\r\n" .. string.rep("\t", 256) .. "\r\n" .. string.rep(" ", 256) .. "\r\n"
parts[#parts + 1] = string.rep("\t ", 256) .. "\r\n" .. string.rep("  ", 256) .. "\r\n"
local text = table.concat(parts)

-- Base64
local b64 = through(text, function()
  return ltn12.filter.chain(mime.encode("base64"), mime.wrap("base64"))
end)
show("b64 wrapped", b64)
show("b64 round trip", through(b64, function() return mime.decode("base64") end) == text)
for _, s in ipairs({"", "a", "ab", "abc", "abcd", "\0\255\128", "Hello, World!"}) do
  show("b64 " .. s:len(), (mime.b64(s)))
  show("unb64 " .. s:len(), (mime.unb64((mime.b64(s) or "") .. "\n==junk")))
end
show("b64 carry", select(2, mime.b64("abcde", "fg")))
show("unb64 carry", select(2, mime.unb64("YWJj", "ZG")))

-- Quoted-printable, text and binary modes, wrapped
for _, mode in ipairs({"text", "binary"}) do
  local qp = through(text, function()
    return ltn12.filter.chain(mime.encode("quoted-printable", mode), mime.wrap("quoted-printable"))
  end)
  show("qp " .. mode, qp)
  show("qp " .. mode .. " round trip", through(qp, function() return mime.decode("quoted-printable") end) == text)
end
for _, s in ipairs({"a=b", "trail \r\n", "tab\t\r\n", "end ", "=4", "=ZZ", "\r", "x\ry"}) do
  show("qp " .. s, (mime.qp(s)))
  show("unqp " .. s, (mime.unqp(s)))
end
show("qp carry", select(2, mime.qp("ab \r", "c")))

-- Line wrapping, end-of-line normalization, dot stuffing
show("wrap 10", through(string.rep("0123456789", 7) .. "\nshort\n" .. string.rep("x", 25),
  function() return mime.wrap("text", 10) end))
for _, marker in ipairs({"\r\n", "\n", "<EOL>"}) do
  show("normalize " .. marker, through(text, function() return mime.normalize(marker) end))
end
show("normalize default", through("a\rb\nc\r\nd\n\re\n\nf\r\rg", function() return mime.normalize() end))
show("stuff", through(".start\r\n.\r\nmid.dle\r\n..two\n.lf\r\n", function() return mime.stuff() end))
for _, s in ipairs({"abc", "", "\r\n", "\r\n.", ".\r\n.", "abcd.\r\n."}) do
  show("dot " .. s, (mime.dot(2, s)))
end
show("eol state", select(2, mime.eol(0, "a\r")))
show("wrp end", (mime.wrp(10, nil, 76)))

-- ltn12 plumbing
do
  local t = {}
  local src = ltn12.source.cat(ltn12.source.string("ab"), ltn12.source.empty(), ltn12.source.string("cd"))
  assert(ltn12.pump.all(src, (ltn12.sink.table(t))))
  show("cat", table.concat(t))
  local rewound = ltn12.source.rewind(ltn12.source.string("xyz"))
  rewound("pre")
  show("rewind", rewound() .. rewound())
  show("error source", select(2, ltn12.source.error("broken")()))
  show("pump error", select(2, ltn12.pump.all(ltn12.source.error("src"), ltn12.sink.null())))
  show("sink error", select(2, ltn12.pump.all(ltn12.source.string("x"), ltn12.sink.error("snk"))))
  show("BLOCKSIZE", ltn12.BLOCKSIZE)
  show("simplify", (ltn12.source.simplify(ltn12.source.string("simple")))())
end

-- URLs (RFC 2396's examples and LuaSocket's urltest.lua ground)
local base = "http://a/b/c/d;p?q"
for _, rel in ipairs({"g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s", "g?y#s",
    ";x", "g;x", "g;x?y#s", "", ".", "./", "..", "../", "../g", "../..", "../../",
    "../../g", "../../../g", "../../../../g", "/./g", "/../g", "g.", ".g", "g..", "..g",
    "./../g", "./g/.", "g/./h", "g/../h", "g;x=1/./y", "g;x=1/../y", "g?y/./x",
    "g?y/../x", "g#s/./x", "g#s/../x", "http:g", "//x//y/../z"}) do
  show("absolute " .. rel, url.absolute(base, rel))
end
for _, u in ipairs({"scheme://user:pass$%?#wd@host:port/path;params?query#fragment",
    "http://[::1]:8080/x", "http://[fe80::1]/", "/rel/path", "host:80", "//auth/only",
    "ftp://user@host/a%20b;type=i", "?q=1#f", "mailto:x@y.z"}) do
  local p = url.parse(u)
  local keys = {}
  for k in pairs(p) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do show("parse " .. u .. " " .. k, p[k]) end
  show("build " .. u, url.build(p))
end
show("escape", url.escape("a b/c?d=e&f\0\255"))
show("unescape", url.unescape("a%20b%2fc%zz%4"))
local segs = url.parse_path("/a%20b/c%2Fd/e/")
show("parse_path", #segs .. " " .. segs[1] .. "|" .. segs[2] .. "|" .. segs[3] .. " " ..
  tostring(segs.is_absolute) .. tostring(segs.is_directory))
show("build_path", url.build_path(segs))
show("build_path unsafe", url.build_path(segs, true))
show("parse empty", select(2, url.parse("")))
