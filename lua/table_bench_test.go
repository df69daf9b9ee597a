package lua

import "testing"

// BenchmarkTableArray: writes to a table's array part from Lua (OP_SETTABLE
// with a number key goes through LTable.RawSet), growing it by one and
// overwriting, and from Go through RawSetInt.
func BenchmarkTableArray(b *testing.B) {
	b.Run("lua", func(b *testing.B) {
		benchmarkChunk(b, nil, `
			local t = {}
			for i = 1, 1000 do t[i] = i end
			for _ = 1, 10 do
				for i = 1, 1000 do t[i] = t[i] + 1 end
			end
			return t[1000]`)
	})
	b.Run("go", func(b *testing.B) {
		for range b.N {
			tb := &LTable{}
			for i := 1; i <= 1000; i++ {
				tb.RawSetInt(i, LNumber(i))
			}
			for i := 1; i <= 1000; i++ {
				tb.RawSetInt(i, LTrue)
			}
		}
	})
}
