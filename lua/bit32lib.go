package lua

import "math"

// The bit32 library of Lua 5.2, on 32-bit unsigned integers. Each
// argument is reduced modulo 2^32 after dropping its fraction (the
// manual leaves the rounding of a fraction unspecified), so -1 is
// 0xFFFFFFFF; results are numbers from 0 to 2^32-1.

func OpenBit32(L *LState) int {
	mod := L.RegisterModule(Bit32LibName, bit32Funcs)
	L.Push(mod)
	return 1
}

var bit32Funcs = map[string]LGFunction{
	"arshift": bit32Arshift,
	"band":    bit32Band,
	"bnot":    bit32Bnot,
	"bor":     bit32Bor,
	"btest":   bit32Btest,
	"bxor":    bit32Bxor,
	"extract": bit32Extract,
	"lrotate": bit32Lrotate,
	"lshift":  bit32Lshift,
	"replace": bit32Replace,
	"rrotate": bit32Rrotate,
	"rshift":  bit32Rshift,
}

func bit32Check(L *LState, n int) uint32 {
	f := math.Floor(float64(L.CheckNumber(n)))
	f = math.Mod(f, 1<<32)
	if f < 0 {
		f += 1 << 32
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return uint32(f)
}

// bit32Int reads a shift, a field or a width: an integer (truncated).
func bit32Int(L *LState, n int) int64 {
	return cInt64(math.Trunc(float64(L.CheckNumber(n))))
}

func bit32Push(L *LState, v uint32) int {
	L.Push(LNumber(v))
	return 1
}

func bit32Fold(L *LState, v uint32, op func(a, b uint32) uint32) uint32 {
	for i := 1; i <= L.GetTop(); i++ {
		v = op(v, bit32Check(L, i))
	}
	return v
}

// bit32.band(...) -> all arguments ANDed (0xFFFFFFFF without any)
func bit32Band(L *LState) int {
	return bit32Push(L, bit32Fold(L, ^uint32(0), func(a, b uint32) uint32 { return a & b }))
}

// bit32.bor(...) -> all arguments ORed
func bit32Bor(L *LState) int {
	return bit32Push(L, bit32Fold(L, 0, func(a, b uint32) uint32 { return a | b }))
}

// bit32.bxor(...) -> all arguments XORed
func bit32Bxor(L *LState) int {
	return bit32Push(L, bit32Fold(L, 0, func(a, b uint32) uint32 { return a ^ b }))
}

// bit32.btest(...) -> band(...) ~= 0
func bit32Btest(L *LState) int {
	L.Push(LBool(bit32Fold(L, ^uint32(0), func(a, b uint32) uint32 { return a & b }) != 0))
	return 1
}

// bit32.bnot(x) -> ~x
func bit32Bnot(L *LState) int { return bit32Push(L, ^bit32Check(L, 1)) }

// shift moves x left by disp bits (right when disp is negative); 32 or
// more bits either way leave 0.
func bit32Shift(x uint32, disp int64) uint32 {
	switch {
	case disp <= -32 || disp >= 32:
		return 0
	case disp < 0:
		return x >> uint(-disp)
	default:
		return x << uint(disp)
	}
}

// bit32.lshift(x, disp) -> x shifted left (right if disp < 0)
func bit32Lshift(L *LState) int {
	return bit32Push(L, bit32Shift(bit32Check(L, 1), bit32Int(L, 2)))
}

// bit32.rshift(x, disp) -> x shifted right, logically
func bit32Rshift(L *LState) int {
	disp := bit32Int(L, 2)
	if disp == math.MinInt64 {
		disp++
	}
	return bit32Push(L, bit32Shift(bit32Check(L, 1), -disp))
}

// bit32.arshift(x, disp) -> x shifted right, copying the sign bit
func bit32Arshift(L *LState) int {
	x := bit32Check(L, 1)
	disp := bit32Int(L, 2)
	if disp < 0 || x&0x80000000 == 0 {
		if disp == math.MinInt64 {
			disp++
		}
		return bit32Push(L, bit32Shift(x, -disp))
	}
	if disp >= 32 {
		return bit32Push(L, ^uint32(0))
	}
	return bit32Push(L, uint32(int32(x)>>uint(disp)))
}

func bit32Rotate(x uint32, disp int64) uint32 {
	d := uint(disp & 31)
	return x<<d | x>>((32-d)&31)
}

// bit32.lrotate(x, disp) -> x rotated left
func bit32Lrotate(L *LState) int {
	return bit32Push(L, bit32Rotate(bit32Check(L, 1), bit32Int(L, 2)))
}

// bit32.rrotate(x, disp) -> x rotated right
func bit32Rrotate(L *LState) int {
	return bit32Push(L, bit32Rotate(bit32Check(L, 1), -bit32Int(L, 2)))
}

// fieldArgs reads field and width (arguments fi and fi+1) as Lua 5.2's
// fieldargs checks them.
func bit32FieldArgs(L *LState, fi int) (uint, uint32) {
	f := bit32Int(L, fi)
	w := int64(1)
	if L.Get(fi+1) != LNil {
		w = bit32Int(L, fi+1)
	}
	if f < 0 {
		L.ArgError(fi, "field cannot be negative")
	}
	if w <= 0 {
		L.ArgError(fi+1, "width must be positive")
	}
	if f+w > 32 {
		L.RaiseError("trying to access non-existent bits")
	}
	return uint(f), uint32((uint64(1) << uint(w)) - 1)
}

// bit32.extract(n, field [, width]) -> bits field..field+width-1 of n
func bit32Extract(L *LState) int {
	n := bit32Check(L, 1)
	f, mask := bit32FieldArgs(L, 2)
	return bit32Push(L, (n>>f)&mask)
}

// bit32.replace(n, v, field [, width]) -> n with those bits set to v
func bit32Replace(L *LState) int {
	n := bit32Check(L, 1)
	v := bit32Check(L, 2)
	f, mask := bit32FieldArgs(L, 3)
	v &= mask
	return bit32Push(L, (n & ^(mask<<f))|(v<<f))
}
