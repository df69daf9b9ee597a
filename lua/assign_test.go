package lua

import "testing"

// Every value of a multiple assignment is computed before any variable
// is assigned (Lua 5.1 manual, 2.4.3). gopher-lua computed values
// straight into the registers of the locals they were for, so "a, b = b,
// a" made both 2 (yuin/gopher-lua#440).
func TestMultipleAssignment(t *testing.T) {
	expectOutput(t, []struct{ name, src, want string }{
		{"swap", `local a, b = 1, 2 a, b = b, a print(a, b)`, "2\t1"},
		{"rotate", `local p, q, r = 1, 2, 3 p, q, r = r, p, q print(p, q, r)`, "3\t1\t2"},
		{"values read before", `local x, y = 0, 0 x, y = x + 1, x + y print(x, y)`, "1\t0"},
		{"table index read before", `local t, i = {}, 1 t[i], i = 20, 30 print(t[1], t[30], i)`, "20\tnil\t30"},
		{"index assigned first", `local t, i = {}, 3 i, t[i] = i + 1, 40 print(i, t[3], t[4])`, "4\t40\tnil"},
		{"table swap", `local t = {1, 2} t[1], t[2] = t[2], t[1] print(t[1], t[2])`, "2\t1"},
		{"table value from a local", `local t, x = {}, 1 t.v, x = x, 5 print(t.v, x)`, "1\t5"},
		{"table itself assigned", `local obj = {v = 1} local old = obj obj, obj.v = {v = 10}, 2 print(obj.v, old.v)`, "10\t2"},
		{"upvalues", `local u1, u2 = "a", "b" local function s() u1, u2 = u2, u1 end s() print(u1, u2)`, "b\ta"},
		{"globals", `g1, g2 = 1, 2 g1, g2 = g2, g1 print(g1, g2)`, "2\t1"},
		{"fewer values", `local m, n = 1, 2 m, n = n print(m, n)`, "2\tnil"},
		{"call at the end", `local function three() return 7, 8, 9 end local a, b, c = 0, 0, 0 a, b, c = c, three() print(a, b, c)`, "0\t7\t8"},
		{"and/or reading its own target", `local function f() return false end local function conv(s) s = f() and s or s return type(s) end print(conv("x"))`, "string"},
		{"and/or", `local z = 5 z = z > 3 and z * 2 or z print(z)`, "10"},
		{"keyed call in a constructor", `local function three() return 1, 2, 3 end local t = {three(), three(), x = three()} print(#t, t.x, t[3])`, "2\t1\tnil"},
	})
}
