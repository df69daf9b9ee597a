-- The string library, with edge cases.

-- Argument errors name the function differently in each implementation
-- ('?' in Lua 5.1 for a function called through pcall): only the
-- argument and the reason are compared.
local function reason(e) return (string.gsub(tostring(e), "bad argument (#%d+) to .* (%b())$", "bad argument %1 %2")) end
local function pc(...) local r = {pcall(...)} if not r[1] then r[2] = reason(r[2]) end return unpack(r, 1, table.maxn(r)) end

local function q(...) local r = {} for i = 1, select("#", ...) do r[i] = tostring((select(i, ...))) end return table.concat(r, ",") end
local function try(f, ...) local r = {pcall(f, ...)} if r[1] then table.remove(r, 1) return q(unpack(r, 1, table.maxn(r))) end return "error: " .. reason(r[2]) end

print("find", q(string.find("hello world", "o w")), q(string.find("hello", "l+")), q(string.find("hello", "xyz")))
print("find init", q(string.find("abcabc", "b", 3)), q(string.find("abc", "b", -1)), q(string.find("abc", "b", -2)), q(string.find("abc", "b", -10)), q(string.find("abc", "", 10)), q(string.find("abc", "", 4)))
print("find plain", q(string.find("a.b", ".", 1, true)), q(string.find("a+b", "+", 1, true)), q(string.find("a+b", "+")))
print("find captures", q(string.find("key=val", "(%w+)=(%w+)")), q(string.find("abc", "()b()")))
print("find anchor", q(string.find("hello", "^h")), q(string.find("hello", "^e")), q(string.find("a^b", "a^b")))
print("find end", q(string.find("hello", "o$")), q(string.find("hel$lo", "l$l")))
print("find frontier", q(string.find("THE (quick) fox", "%f[%a]%a+")), q(string.find("THE (quick) fox", "%f[%a]%a+", 5)))
print("find balanced", q(string.find("f(a(b)c) d", "%b()")), q(string.find("[[x]]", "%b[]")))
print("find sets", q(string.find("a-b", "[a%-]+")), q(string.find("]", "[]]")), q(string.find("abc", "[^%s]+")), q(string.find("x5y", "[%d]")), q(string.find("-", "[a-]")))
print("find classes", q(string.find("  x", "^%s*")), q(string.find("aXb", "%u")), q(string.find("a1_", "%W")), q(string.find("\t", "%c")), q(string.find("ab12", "%x+")), q(string.find(".,;", "%p+")))
print("find backref", q(string.find("aab", "(a)%1")), q(string.find("abab", "(ab)%1")))
print("find lazy", q(string.find("caaab", "a-b")), q(string.find("<<a>>", "<(.-)>")), q(string.find("<<a>>", "<(.*)>")))
print("find optional", q(string.find("ab", "a?b?c?")), q(string.find("color colour", "colou?r", 2)))
print("find errors", try(string.find, "abc", "[a"), try(string.find, "abc", "%"), try(string.find, "abc", "(a"), try(string.find, "abc", "%1"), try(string.find, "abc", "%b"), try(string.find, "abc", "%fa"))
print("find numbers", q(string.find(12345, 34)), q(string.find("x", 1)))

print("match", q(string.match("hello world", "%w+")), q(string.match("2024-01-02", "(%d+)-(%d+)-(%d+)")), q(string.match("abc", "((a)(b))")), q(string.match("abc", "()")), q(string.match("abc", "x")))
print("match init", q(string.match("abcabc", "a.", 2)), q(string.match("abc", ".", -1)), q(string.match("abc", "^b", 2)))
print("match trim", "[" .. string.match("   padded   ", "^%s*(.-)%s*$") .. "]")

local words = {}
for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
print("gmatch", table.concat(words, "|"))
local kv = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do kv[#kv + 1] = k .. v end
print("gmatch pairs", table.concat(kv, " "))
local pos = {}
for p in string.gmatch("abc", "()") do pos[#pos + 1] = p end
print("gmatch positions", table.concat(pos, " "))
local empties = {}
for w in string.gmatch("abc d", "%w*") do empties[#empties + 1] = "[" .. w .. "]" end
print("gmatch empty", table.concat(empties))
local anch = {}
for w in string.gmatch("^a^a", "^a") do anch[#anch + 1] = w end
print("gmatch caret", #anch)

print("gsub", q(string.gsub("hello world", "o", "0")), q(string.gsub("hello", "l", "L", 1)), q(string.gsub("abc", "", "-")))
print("gsub captures", q(string.gsub("hello world", "(%w+)", "<%1>")), q(string.gsub("abc", "%w", "%0%0")), q(string.gsub("abc", "()b", "%1")), q(string.gsub("ab", "(a)(b)", "%2%1")))
print("gsub percent", q(string.gsub("50", "%d+", "%%")), q(string.gsub("x", "x", "%a")))
print("gsub table", q(string.gsub("$name is $age", "%$(%w+)", {name = "Ann", age = 30})), q(string.gsub("abc", "%w", {a = "A", b = false})))
print("gsub function", q(string.gsub("1 2 3", "%d", function(d) return d * 2 end)), q(string.gsub("abc", "%w", function(c) if c == "b" then return nil end return c:upper() end)))
print("gsub anchor", q(string.gsub("hello hello", "^hello", "bye")), q(string.gsub("aaa", "^a", "b")))
print("gsub empty", q(string.gsub("abc", "%w*", "-")), q(string.gsub("abc d", "%w*", "-")), q(string.gsub("", "", "x")))
print("gsub limits", q(string.gsub("aaaa", "a", "b", 0)), q(string.gsub("aaaa", "a", "b", 2.5)), q(string.gsub("aaaa", "a", "b", -1)))
print("gsub errors", try(string.gsub, "abc", "(b)", "%2"), try(string.gsub, "abc", ".", {a = {}}), try(string.gsub, "abc", "b", true))
print("gsub number repl", q(string.gsub("abc", "b", 5)))

print("format", string.format("%d %5d %-5d| %05d %+d", 3, 42, 42, 42, 42))
print("format floats", string.format("%5.2f|%g|%g|%g|%e|%.3f|%10.4f|%-10.1f|", 3.14159, 1e15, 2^53, 0.1, 12345.678, 2/3, math.pi, -1.25))
print("format g", string.format("%g %g %g %g %g %g %g", 100000, 1000000, 1e-4, 1e-5, 0.0001234, 123456789, 2^63))
print("format hex", string.format("%x %X %o %#x %#o %x", 255, 255, 8, 255, 8, 3.9))
print("format strings", string.format("%s|%10s|%-10s|%.2s|%5.1s|", "abc", "abc", "abc", "abc", "abc"))
print("format mixed", string.format("%s=%d (%5.1f%%)", "x", 7, 12.345))
print("format q", string.format("%q", 'a\nb"c\\d\re'), string.format("%q", 1/3))
print("format c", string.format("%c%c%c", 76, 117, 97))
print("format coercion", string.format("%d %s %s", "12", 1.5, 10))
print("format errors", try(string.format, "%d", "x"), try(string.format, "%d"), try(string.format, "%y", 1), try(string.format, "%123d", 1), try(string.format, "%------d", 1))
print("format big", string.format("%d %d", 2^31, 2^53), string.format("%.0f", 2^63))
print("format rounding", string.format("%.0f %.0f %.0f %.1f %.2f", 0.5, 1.5, 2.5, 0.05, 2.675))

print("rep", string.rep("ab", 3), "[" .. string.rep("x", 0) .. "]", "[" .. string.rep("x", -1) .. "]", #string.rep("", 1e6), string.rep("x", 2.9))
print("sub", string.sub("hello", 2), string.sub("hello", -3), string.sub("hello", 2, -2), string.sub("hello", 0), "[" .. string.sub("hello", 10) .. "]", string.sub("hello", -100, 2), "[" .. string.sub("hello", 3, 2) .. "]", string.sub("hello", 2.7, 3.2))
print("byte", q(string.byte("abc")), q(string.byte("abc", 2)), q(string.byte("abc", -1)), q(string.byte("abc", 1, -1)), q(string.byte("abc", 10)), q(string.byte("")), q(string.byte("abc", 0)), q(string.byte("abc", 2, 1)))
print("char", string.char(), string.char(104, 105), try(string.char, 256), try(string.char, -1))
print("len upper lower reverse", string.len("\0\0"), #"abc", string.reverse("abc"), string.upper("aBc1"), string.lower("AbC1"), string.reverse(""))
print("methods", ("x"):rep(3), ("%d"):format(7), ("abc"):upper(), ("a,b"):find(",", 1, true), #("abc"))
print("comparison", "a" < "b", "a" < "B", "abc" < "abd", "" < "a", "Z" < "a", "a\0b" < "a\0c")
print("concat", 1 .. 2, "a" .. 1.5, 10 .. "", -0.5 .. "")
print("coercion", "10" + 1, "3" * "4", "0x10" + 0, " 5 " * 2, "1e2" + 0, 10 == "10")
print("tostring", tostring(nil), tostring(true), tostring("s"), tostring(12))
