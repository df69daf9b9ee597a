package lua

import (
	"math"
	"strings"

	"github.com/sockplay/sockplay/lua/pm"
)

const emptyLString LString = LString("")

func OpenString(L *LState) int {
	var mod *LTable
	//_, ok := L.G.builtinMts[int(LTString)]
	//if !ok {
	mod = L.RegisterModule(StringLibName, strFuncs).(*LTable)
	gmatch := L.NewFunction(strGmatch)
	mod.RawSetString("gmatch", gmatch)
	mod.RawSetString("gfind", gmatch)
	mod.RawSetString("__index", mod)
	L.G.builtinMts[int(LTString)] = mod
	//}
	L.Push(mod)
	return 1
}

var strFuncs = map[string]LGFunction{
	"byte":    strByte,
	"char":    strChar,
	"dump":    strDump,
	"find":    strFind,
	"format":  strFormat,
	"gsub":    strGsub,
	"len":     strLen,
	"lower":   strLower,
	"match":   strMatch,
	"rep":     strRep,
	"reverse": strReverse,
	"sub":     strSub,
	"upper":   strUpper,
}

// Positions and counts are read as Lua 5.1's luaL_checkinteger reads
// them (a C cast of the double): a huge or NaN argument gives a huge
// position, clamped like any other, never a Go slice panic.
func strCheckInt(L *LState, n int) int64 {
	return cInt64(float64(L.CheckNumber(n)))
}

func strOptInt(L *LState, n int, def int64) int64 {
	if L.Get(n) == LNil {
		return def
	}
	return strCheckInt(L, n)
}

// posrelat turns a negative position into one from the end (Lua 5.1):
// -1 is the last byte; before the start is 0.
func posrelat(pos int64, l int) int64 {
	if pos < 0 {
		pos += int64(l) + 1
	}
	if pos < 0 {
		return 0
	}
	return pos
}

// string.byte(s [, i [, j]]) -> ...
func strByte(L *LState) int {
	str := L.CheckString(1)
	l := len(str)
	posi := posrelat(strOptInt(L, 2, 1), l)
	pose := posrelat(strOptInt(L, 3, posi), l)
	if posi <= 0 {
		posi = 1
	}
	if pose > int64(l) {
		pose = int64(l)
	}
	if posi > pose {
		return 0
	}
	n := int(pose - posi + 1)
	if n > L.reg.free() {
		L.RaiseError("string slice too long")
	}
	for i := posi - 1; i < pose; i++ {
		L.Push(LNumber(str[i]))
	}
	return n
}

// string.char(...) -> string
func strChar(L *LState) int {
	top := L.GetTop()
	bytes := make([]byte, top)
	for i := 1; i <= top; i++ {
		c := strCheckInt(L, i)
		if c < 0 || c > 255 {
			L.ArgError(i, "invalid value")
		}
		bytes[i-1] = byte(c)
	}
	L.Push(LString(string(bytes)))
	return 1
}

func strDump(L *LState) int {
	L.RaiseError("GopherLua does not support the string.dump")
	return 0
}

// specials are the bytes that make a pattern more than plain text
// (Lua 5.1's SPECIALS).
const specials = "^$*+?.([%-"

// doneChan is what interrupts pattern matching: the state's context.
func (ls *LState) doneChan() <-chan struct{} {
	if ls.ctx == nil {
		return nil
	}
	return ls.ctx.Done()
}

// matchOrRaise runs one match and raises its error: a malformed pattern
// (naming the function), or the context's end.
func (ls *LState) matchOrRaise(m *pm.Matcher, s, p int) int {
	e, err := m.Match(s, p)
	if err != nil {
		ls.raisePatternError(err)
	}
	return e
}

func (ls *LState) raisePatternError(err error) {
	if err == pm.ErrInterrupted && ls.ctx != nil && ls.ctx.Err() != nil {
		ls.RaiseError("%s", ls.ctx.Err().Error())
	}
	ls.RaiseError("%s", err.Error())
}

// pushCapture pushes capture i of the match s..e (Lua 5.1's
// push_onecapture): without captures, capture 0 is the whole match.
func pushCapture(L *LState, m *pm.Matcher, str string, i, s, e int) {
	if i >= m.Level() {
		if i != 0 {
			L.RaiseError("invalid capture index")
		}
		L.Push(LString(str[s:e]))
		return
	}
	start, l := m.Capture(i)
	switch l {
	case pm.CapUnfinished:
		L.RaiseError("unfinished capture")
	case pm.CapPosition:
		L.Push(LNumber(start + 1))
	default:
		L.Push(LString(str[start : start+l]))
	}
}

// pushCaptures pushes every capture, or the whole match when there are
// none and wholeIfNone is set; it returns how many it pushed.
func pushCaptures(L *LState, m *pm.Matcher, str string, s, e int, wholeIfNone bool) int {
	n := m.Level()
	if n == 0 && wholeIfNone {
		n = 1
	}
	for i := 0; i < n; i++ {
		pushCapture(L, m, str, i, s, e)
	}
	return n
}

// strFindAux is string.find (find) and string.match, as Lua 5.1's
// str_find_aux.
func strFindAux(L *LState, find bool) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	init := posrelat(strOptInt(L, 3, 1), len(str)) - 1
	if init < 0 {
		init = 0
	} else if init > int64(len(str)) {
		init = int64(len(str))
	}
	if find && (LVAsBool(L.Get(4)) || !strings.ContainsAny(pat, specials)) {
		if i := strings.Index(str[init:], pat); i >= 0 {
			L.Push(LNumber(int(init) + i + 1))
			L.Push(LNumber(int(init) + i + len(pat)))
			return 2
		}
		L.Push(LNil)
		return 1
	}
	m := pm.NewMatcher(pat, unsafeFastStringToReadOnlyBytes(str), L.doneChan())
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	for s := int(init); s <= len(str); s++ {
		if e := L.matchOrRaise(m, s, p); e != -1 {
			if find {
				L.Push(LNumber(s + 1))
				L.Push(LNumber(e))
				return pushCaptures(L, m, str, s, e, false) + 2
			}
			return pushCaptures(L, m, str, s, e, true)
		}
		if anchor {
			break
		}
	}
	L.Push(LNil)
	return 1
}

// string.find(s, pattern [, init [, plain]]) -> start, end, captures... | nil
func strFind(L *LState) int { return strFindAux(L, true) }

// string.match(s, pattern [, init]) -> captures... | nil
func strMatch(L *LState) int { return strFindAux(L, false) }

// string.gsub(s, pattern, repl [, n]) -> string, count
// As Lua 5.1's str_gsub, building the result as it matches (gopher-lua
// collected every match first, then copied the whole string once per
// replacement), within the string size limit.
func strGsub(L *LState) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	repl := L.Get(3)
	switch repl.Type() {
	case LTNumber, LTString, LTTable, LTFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	maxN := strOptInt(L, 4, int64(len(str))+1)
	p := 0
	anchor := len(pat) > 0 && pat[0] == '^'
	if anchor {
		p = 1
	}
	m := pm.NewMatcher(pat, unsafeFastStringToReadOnlyBytes(str), L.doneChan())
	b := L.cappedBuilder("string.gsub")
	n := int64(0)
	s := 0
	for n < maxN {
		e := L.matchOrRaise(m, s, p)
		if e != -1 {
			n++
			b.add(gsubValue(L, m, str, repl, s, e))
		}
		if e != -1 && e > s {
			s = e
		} else if s < len(str) {
			b.add(str[s : s+1])
			s++
		} else {
			break
		}
		if anchor {
			break
		}
	}
	b.add(str[s:])
	L.Push(LString(b.String()))
	L.Push(LNumber(n))
	return 2
}

// gsubValue is what replaces the match s..e (Lua 5.1's add_value and
// add_s).
func gsubValue(L *LState, m *pm.Matcher, str string, repl LValue, s, e int) string {
	switch r := repl.(type) {
	case LString, LNumber:
		news := LVAsString(r)
		if strings.IndexByte(news, '%') < 0 {
			return news
		}
		var b strings.Builder
		for i := 0; i < len(news); i++ {
			c := news[i]
			if c != '%' {
				b.WriteByte(c)
				continue
			}
			i++
			if i == len(news) {
				// Lua 5.1 reads the string's terminating zero.
				b.WriteByte(0)
				break
			}
			if d := news[i]; '0' <= d && d <= '9' {
				if d == '0' {
					b.WriteString(str[s:e])
				} else {
					pushCapture(L, m, str, int(d-'1'), s, e)
					b.WriteString(LVAsString(L.Get(-1)))
					L.Pop(1)
				}
			} else {
				b.WriteByte(d)
			}
		}
		return b.String()
	case *LTable:
		pushCapture(L, m, str, 0, s, e)
		v := L.GetTable(r, L.Get(-1))
		L.Pop(1)
		return gsubResult(L, v, str[s:e])
	case *LFunction:
		L.Push(r)
		n := pushCaptures(L, m, str, s, e, true)
		L.Call(n, 1)
		v := L.Get(-1)
		L.Pop(1)
		return gsubResult(L, v, str[s:e])
	}
	return str[s:e]
}

func gsubResult(L *LState, v LValue, whole string) string {
	switch v.(type) {
	case LString, LNumber:
		return LVAsString(v)
	}
	if !LVAsBool(v) {
		return whole
	}
	L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	return ""
}

// string.gmatch(s, pattern) -> iterator
// The iterator matches as it is called, as Lua 5.1's gmatch_aux (a '^'
// is an ordinary character here).
func strGmatch(L *LState) int {
	str := L.CheckString(1)
	pat := L.CheckString(2)
	pos := 0
	L.Push(L.NewFunction(func(L *LState) int {
		m := pm.NewMatcher(pat, unsafeFastStringToReadOnlyBytes(str), L.doneChan())
		for s := pos; s <= len(str); s++ {
			if e := L.matchOrRaise(m, s, 0); e != -1 {
				pos = e
				if e == s {
					pos++ // an empty match: go on from the next byte
				}
				return pushCaptures(L, m, str, s, e, true)
			}
		}
		pos = len(str) + 1
		return 0
	}))
	return 1
}

func strLen(L *LState) int {
	str := L.CheckString(1)
	L.Push(LNumber(len(str)))
	return 1
}

func strLower(L *LState) int {
	str := L.CheckString(1)
	L.Push(LString(strings.ToLower(str)))
	return 1
}

// string.rep(s, n) -> string
func strRep(L *LState) int {
	str := L.CheckString(1)
	n := math.Trunc(float64(L.CheckNumber(2)))
	if !(n > 0) || len(str) == 0 {
		L.Push(emptyLString)
		return 1
	}
	L.checkStringSize("string.rep", float64(len(str))*n)
	L.Push(LString(strings.Repeat(str, int(n))))
	return 1
}

func strReverse(L *LState) int {
	str := L.CheckString(1)
	bts := []byte(str)
	out := make([]byte, len(bts))
	for i, j := 0, len(bts)-1; j >= 0; i, j = i+1, j-1 {
		out[i] = bts[j]
	}
	L.Push(LString(string(out)))
	return 1
}

// string.sub(s, i [, j]) -> string
func strSub(L *LState) int {
	str := L.CheckString(1)
	l := len(str)
	start := posrelat(strCheckInt(L, 2), l)
	end := posrelat(strOptInt(L, 3, -1), l)
	if start < 1 {
		start = 1
	}
	if end > int64(l) {
		end = int64(l)
	}
	if start <= end {
		L.Push(LString(str[start-1 : end]))
	} else {
		L.Push(emptyLString)
	}
	return 1
}

func strUpper(L *LState) int {
	str := L.CheckString(1)
	L.Push(LString(strings.ToUpper(str)))
	return 1
}
