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
		// Every value is found, under RawGet, RawGetH and ForEach, and a
		// key set to nil is gone from all three and from Next.
		for i, k := range want {
			wantV := LValue(LNumber(i))
			if i == 0 {
				wantV = LNumber(-1)
			}
			if v := tb.RawGet(k); v != wantV {
				t.Fatalf("%d keys: RawGet(%v) = %v, want %v", n, k, v, wantV)
			}
			if v := tb.RawGetH(k); v != wantV {
				t.Fatalf("%d keys: RawGetH(%v) = %v, want %v", n, k, v, wantV)
			}
		}
		if v := tb.RawGet(LNumber(-7.5)); v != LNil {
			t.Fatalf("%d keys: an absent key has %v", n, v)
		}
		gone := want[len(want)-1]
		tb.RawSetH(gone, LNil)
		if v := tb.RawGetH(gone); v != LNil {
			t.Fatalf("%d keys: a key set to nil still has %v", n, v)
		}
		seen := 0
		tb.ForEach(func(k, v LValue) {
			seen++
			if k == gone {
				t.Errorf("%d keys: ForEach visits a key set to nil", n)
			}
		})
		visited := 0
		for k, _ := tb.Next(LNil); k != LNil; k, _ = tb.Next(k) {
			visited++
		}
		if seen != n-1 || visited != n-1 {
			t.Fatalf("%d keys, one removed: ForEach saw %d, Next %d", n, seen, visited)
		}
	}
}

// A table whose only hash key was removed is empty to Next.
func TestNextOnEmptiedSmallTable(t *testing.T) {
	tb := newLTable(0, 0)
	tb.RawSetH(LTrue, LNumber(1))
	tb.RawSetH(LTrue, LNil)
	if k, v := tb.Next(LNil); k != LNil || v != LNil {
		t.Fatalf("Next of an emptied table = %v, %v", k, v)
	}
}
