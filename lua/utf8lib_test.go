package lua

import (
	"testing"

	"github.com/sockplay/sockplay/lua/parse"
)

// Expected values are what lua5.4 (5.4.4) prints for the same code; the
// argument errors are checked only for their reason (the name of the
// function in them is the business of the VM's messages).
func TestUtf8(t *testing.T) {
	const pre = `local function p(...) local r = table.pack(pcall(...)) for i = 1, r.n do r[i] = tostring(r[i]) end print(table.concat(r, " ", 1, r.n)) end
local s = "h\228\189\160\229\165\189\195\169!" -- h你好é!
`
	expectOutput(t, []struct{ name, src, want string }{
		{"len", pre + `p(utf8.len, s) p(utf8.len, s, 3) p(utf8.len, s, 2, 4) p(utf8.len, s, -1) p(utf8.len, "") p(utf8.len, "abc", 4) p(utf8.len, "abc", 1, -5)`,
			"true 5\ntrue nil 3\ntrue 1\ntrue 1\ntrue 0\ntrue 0\ntrue 0"},
		{"len invalid", pre + `p(utf8.len, "\255") p(utf8.len, "ab\128cd") p(utf8.len, "\237\160\128") p(utf8.len, "\237\160\128", 1, -1, true) p(utf8.len, "\192\128") p(utf8.len, "\244\144\128\128") p(utf8.len, "\244\144\128\128", 1, -1, true)`,
			"true nil 1\ntrue nil 3\ntrue nil 1\ntrue 1\ntrue nil 1\ntrue nil 1\ntrue 1"},
		{"len bounds", pre + `local function why(...) return (select(2, pcall(...)):match("%(([^()]*)%)$")) end
print(why(utf8.len, s, 0), why(utf8.len, s, 20), why(utf8.len, s, 1, 20))`,
			"initial position out of bounds\tinitial position out of bounds\tfinal position out of bounds"},
		{"char", pre + `p(utf8.char, 72, 0x4f60, 0x597d, 233) p(utf8.char) print(#utf8.char(0x10FFFF), #utf8.char(0x110000), #utf8.char(0x7FFFFFFF), utf8.char("66"), utf8.char(0x7FFFFFFF):byte(1, -1))`,
			"true H\xe4\xbd\xa0\xe5\xa5\xbd\xc3\xa9\ntrue \n4\t4\t6\tB\t253\t191\t191\t191\t191\t191"},
		{"char errors", pre + `for _, v in ipairs{0x80000000, -1, 65.5} do print((select(2, pcall(utf8.char, v)):match("%(([^()]*)%)$"))) end`,
			"value out of range\nvalue out of range\nnumber has no integer representation"},
		{"codepoint", pre + `p(utf8.codepoint, s) p(utf8.codepoint, s, 2) p(utf8.codepoint, s, 1, -1) p(utf8.codepoint, s, 3) p(utf8.codepoint, s, 5, 4) p(utf8.codepoint, "\255") print((select(2, pcall(utf8.codepoint, "")):match("#3 .*%(([^()]*)%)$")))`,
			"true 104\ntrue 20320\ntrue 104 20320 22909 233 33\nfalse invalid UTF-8 code\ntrue\nfalse invalid UTF-8 code\nout of bounds"},
		{"offset", pre + `for _, a in ipairs{{1}, {2}, {3}, {5}, {6}, {7}, {-1}, {-2}, {0, 3}, {0, 4}, {0}, {-6}, {-7}, {2, -1}} do io.write(tostring(utf8.offset(s, a[1], a[2])), " ") end print()
p(utf8.offset, s, 1, 3) p(utf8.offset, "", 1) p(utf8.offset, "", 0) p(utf8.offset, "abc", 4) p(utf8.offset, "abc", 5)`,
			"1 2 5 10 11 nil 10 8 2 2 1 nil nil 11 \nfalse initial position is a continuation byte\ntrue 1\ntrue 1\ntrue 4\ntrue nil"},
		{"codes", pre + `for pos, c in utf8.codes(s) do io.write(pos, ":", c, " ") end print()
p(function() for pos, c in utf8.codes("ab\255c") do io.write(pos, ":", c, " ") end end)
p(function() for pos, c in utf8.codes("\128ab") do io.write(pos, ":", c, " ") end end)
p(function() for pos, c in utf8.codes("a\228\189") do io.write(pos, ":", c, " ") end end)`,
			"1:104 2:20320 5:22909 8:233 10:33 \n1:97 2:98 false <string>:4: invalid UTF-8 code\n2:97 3:98 true\n1:97 false <string>:6: invalid UTF-8 code"},
		{"charpattern", pre + `print(utf8.charpattern == "[\0-\127\194-\253][\128-\191]*") for c in s:gmatch(utf8.charpattern) do io.write("[", c, "]") end print()`,
			"true\n[h][\xe4\xbd\xa0][\xe5\xa5\xbd][\xc3\xa9][!]"},
		{"count the characters of 你好", `print(#"\228\189\160\229\165\189", utf8.len("\228\189\160\229\165\189"))`, "6\t2"},
	})
}

func TestUtf8EncodeDecodeRoundTrip(t *testing.T) {
	for _, code := range []uint32{0, 0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF, 0x110000, 0x1FFFFF, 0x200000, 0x3FFFFFF, 0x4000000, 0x7FFFFFFF} {
		s := string(parse.AppendUTF8(nil, code))
		got, next := utf8Decode(s, 0, false)
		if next != int64(len(s)) || got != code {
			t.Errorf("U+%X: encoded % x, decoded U+%X ending at %d", code, s, got, next)
		}
	}
}
