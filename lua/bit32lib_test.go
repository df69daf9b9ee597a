package lua

import "testing"

// Expected values follow Lua 5.2's manual for bit32 (there is no Lua 5.2
// here to run): worked out from each function's definition, the last one
// by the same loop in Python and in lua5.4 with its bitwise operators.
func TestBit32(t *testing.T) {
	expectOutput(t, []struct{ name, src, want string }{
		{"band bor bxor", `print(bit32.band(0xF0F0, 0xFF00), bit32.bor(0xF0, 0x0F), bit32.bxor(0xFF, 0x0F), bit32.band(), bit32.bor(), bit32.bxor(), bit32.band(7, 6, 3))`,
			"61440\t255\t240\t4294967295\t0\t0\t2"},
		{"btest bnot", `print(bit32.btest(1, 2), bit32.btest(3, 2), bit32.btest(), bit32.bnot(0), bit32.bnot(0xFFFFFFFF), bit32.bnot(-1))`,
			"false\ttrue\ttrue\t4294967295\t0\t0"},
		{"normalised modulo 2^32", `print(bit32.band(-1), bit32.band(2^32), bit32.band(2^32 + 5), bit32.band(-2^32 - 1), bit32.bor(1.9), bit32.bor(-0.5))`,
			"4294967295\t0\t5\t4294967295\t1\t4294967295"},
		{"lshift rshift", `print(bit32.lshift(1, 31), bit32.lshift(1, 32), bit32.lshift(0xFF, 4), bit32.lshift(0xFF, -4), bit32.rshift(0x80000000, 31), bit32.rshift(0xF0, -4), bit32.rshift(1, 32), bit32.rshift(-1, 28))`,
			"2147483648\t0\t4080\t15\t1\t3840\t0\t15"},
		{"arshift", `print(bit32.arshift(0x80000000, 4), bit32.arshift(0x80000000, 31), bit32.arshift(0x80000000, 32), bit32.arshift(0x70000000, 4), bit32.arshift(-16, 2), bit32.arshift(1, -2), bit32.arshift(-1, 40))`,
			"4160749568\t4294967295\t4294967295\t117440512\t4294967292\t4\t4294967295"},
		{"rotate", `print(bit32.lrotate(0x80000001, 1), bit32.rrotate(0x80000001, 1), bit32.lrotate(0x12345678, 32), bit32.lrotate(0x12345678, 36) == bit32.lrotate(0x12345678, 4), bit32.rrotate(1, -1), bit32.lrotate(0xF, -4))`,
			"3\t3221225472\t305419896\ttrue\t2\t4026531840"},
		{"extract replace", `print(bit32.extract(0xABCD, 4, 4), bit32.extract(0xABCD, 0), bit32.extract(0x80000000, 31), bit32.extract(-1, 0, 32), bit32.replace(0xABCD, 0x5, 4, 4), bit32.replace(0, 1, 31), bit32.replace(-1, 0, 0, 32))`,
			"12\t1\t1\t4294967295\t43869\t2147483648\t0"},
		{"field errors", argReason + `for _, f in ipairs{function() return bit32.extract(1, -1) end, function() return bit32.extract(1, 0, 0) end, function() return bit32.extract(1, 30, 3) end, function() return bit32.replace(1, 1, 32) end} do print(reason((select(2, pcall(f)):gsub("^.-: ", "")))) end`,
			"bad argument #2 (field cannot be negative)\nbad argument #3 (width must be positive)\ntrying to access non-existent bits\ntrying to access non-existent bits"},
		{"a checksum", `local sum = 0 for i = 1, 10 do sum = bit32.band(bit32.bxor(bit32.lrotate(sum, 5), i * 2654435761), 0xFFFFFFFF) end print(sum)`,
			"337351431"}, // the same loop in Python and in lua5.4 with its operators
	})
}
