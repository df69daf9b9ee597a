package lua

import "testing"

// Next visits hash keys in the order they were first set, whether the
// table finds a key's position by a scan (up to smallKeys keys) or by its
// index (k2i, built when the table grows past them).
func TestNextKeepsInsertionOrderAcrossSmallKeys(t *testing.T) {
	for _, n := range []int{1, smallKeys - 1, smallKeys, smallKeys + 1, 3 * smallKeys} {
		tb := newLTable(0, 0)
		var want []LValue
		for i := 0; i < n; i++ {
			var k LValue
			if i%2 == 0 {
				k = LString("k" + LNumber(i).String())
			} else {
				k = LNumber(float64(i) + 0.5)
			}
			tb.RawSetH(k, LNumber(i))
			want = append(want, k)
		}
		tb.RawSetH(want[0], LNumber(-1)) // setting again keeps the position
		var got []LValue
		for k, _ := tb.Next(LNil); k != LNil; k, _ = tb.Next(k) {
			got = append(got, k)
		}
		if len(got) != n {
			t.Fatalf("%d keys: Next visited %d: %v", n, len(got), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%d keys: visit %d is %v, want %v (all: %v)", n, i, got[i], want[i], got)
			}
		}
		if (tb.k2i != nil) != (n > smallKeys) {
			t.Errorf("%d keys: index built = %v", n, tb.k2i != nil)
		}
	}
}
