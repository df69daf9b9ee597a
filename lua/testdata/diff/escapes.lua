-- String escapes. Lua 5.1 and sockplay read these the same way; the
-- escapes of Lua 5.2 and later (\x, \u{}, \z) are at the end.

local function show(s) return (string.gsub(s, "[^%w%p ]", function(c) return "<" .. c:byte() .. ">" end)) end
print(show("tab\tnewline\nreturn\rbell\abs\bff\fvt\v"))
print(show("quote\" apostrophe' backslash\\"))
print(show('single "double" \'single\''))
print(show("\65\066\0673"), #"\0", #"a\0b", show("a\0b"))
print(show("\255\128\1\01\001"))
print(show("line1\
line2"))
print(show([[long
string with \n no escapes]]))
print(show([==[with ]] inside]==]))
print(#[[
first newline skipped]])
print("\"" .. '\'' .. "\\")
print(show("\9\10\13"))
print(#"\1234", show("\1234"))

-- Lua 5.2 and later: hex escapes, Unicode escapes, \z
print(show("\x41\x42"))
print(show("\u{48}\u{4f60}"))
-- (\z inside a file would end Lua 5.1's string at the line break)
local z = loadstring('return "a\\z\n           b"')
print(z and show(z()) or "no \\z")
