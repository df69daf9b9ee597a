package lua

import (
	"math"
	"sort"
)

func OpenTable(L *LState) int {
	tabmod := L.RegisterModule(TabLibName, tableFuncs)
	L.Push(tabmod)
	return 1
}

var tableFuncs = map[string]LGFunction{
	"getn":   tableGetN,
	"concat": tableConcat,
	"insert": tableInsert,
	"maxn":   tableMaxN,
	"remove": tableRemove,
	"sort":   tableSort,
	"pack":   tablePack,
	"unpack": baseUnpack,
}

func tableSort(L *LState) int {
	tbl := L.CheckTable(1)
	sorter := lValueArraySorter{L, nil, tbl.array}
	if L.GetTop() != 1 {
		sorter.Fn = L.CheckFunction(2)
	}
	sort.Sort(sorter)
	return 0
}

func tableGetN(L *LState) int {
	L.Push(LNumber(L.CheckTable(1).Len()))
	return 1
}

func tableMaxN(L *LState) int {
	L.Push(LNumber(L.CheckTable(1).MaxN()))
	return 1
}

// table.remove(t [, pos]) -> value   (nothing when pos is outside 1..#t)
// As Lua 5.1's tremove.
func tableRemove(L *LState) int {
	tbl := L.CheckTable(1)
	e := tbl.Len()
	pos := e
	if L.Get(2) != LNil {
		pos = int(cInt64(float64(L.CheckNumber(2))))
	}
	if !(1 <= pos && pos <= e) {
		return 0
	}
	L.Push(tbl.RawGetInt(pos))
	for ; pos < e; pos++ {
		tbl.RawSetInt(pos, tbl.RawGetInt(pos+1))
	}
	tbl.RawSetInt(e, LNil)
	return 1
}

// table.concat(t [, sep [, i [, j]]]) -> string
// As Lua 5.1's tconcat: every element of i..j must be a string or a
// number. The result is built within the string size limit (gopher-lua
// pushed every element and separator on the stack first).
func tableConcat(L *LState) int {
	tbl := L.CheckTable(1)
	sep := L.OptString(2, "")
	i, last := optRange(L, tbl, 3)
	b := L.cappedBuilder("table.concat")
	for ; i <= last; i++ {
		v := tbl.RawGet(LNumber(i))
		if !LVCanConvToString(v) {
			L.RaiseError("invalid value (%s) at index %d in table for 'concat'", v.Type().String(), i)
		}
		b.add(LVAsString(v))
		if i < last {
			b.add(sep)
		}
	}
	L.Push(LString(b.String()))
	return 1
}

// table.insert(t, [pos,] value)
// As Lua 5.1's tinsert, except that a position below 1 is an error (as
// in Lua 5.2 and later): 5.1 shifts every element from #t+1 down to it,
// a loop of 2^31 steps for pos = -2^31.
func tableInsert(L *LState) int {
	tbl := L.CheckTable(1)
	e := tbl.Len() + 1
	switch L.GetTop() {
	case 2:
		tbl.RawSetInt(e, L.Get(2))
	case 3:
		pos := cInt64(float64(L.CheckNumber(2)))
		if pos < 1 || pos > math.MaxInt32 {
			L.ArgError(2, "position out of bounds")
		}
		for i := e; i > int(pos); i-- {
			tbl.RawSetInt(i, tbl.RawGetInt(i-1))
		}
		tbl.RawSetInt(int(pos), L.Get(3))
	default:
		L.RaiseError("wrong number of arguments to 'insert'")
	}
	return 0
}

// table.pack(...) -> {n = select("#", ...), ...}   (Lua 5.2)
func tablePack(L *LState) int {
	n := L.GetTop()
	t := L.CreateTable(n, 1)
	for i := 1; i <= n; i++ {
		t.RawSetInt(i, L.Get(i))
	}
	t.RawSetString("n", LNumber(n))
	L.Push(t)
	return 1
}
