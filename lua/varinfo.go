package lua

import (
	"strconv"
	"strings"
)

// Runtime errors name the value they are about, as Lua 5.4 does:
//
//	attempt to call a nil value (global 'b')
//	attempt to index a nil value (local 'x')
//	attempt to perform arithmetic on a nil value (field 'n')
//
// The name is found as Lua's ldebug.c getobjname finds it: the register
// holding the value is a named local at the current instruction, or the
// bytecode before that instruction last loaded the register from a global,
// a table field with a constant key, an upvalue or a constant. Only the
// paths that raise the error run this; the instructions do not change.

// A TypeError is a runtime message of that form, taken apart
// (ParseTypeError), for a caller that explains errors.
type TypeError struct {
	Source string // "f.lua" in "f.lua:3: attempt to ..."; "" without position
	Line   int
	Op     string // "call", "index", "perform arithmetic on", "concatenate", "get length of"
	Type   string // the type of the value: "nil", "string", ...
	Kind   string // "global", "local", "field", "method", "upvalue", "constant", "for iterator"; "" when unnamed
	Name   string // the variable, field or method name; "?" for a field with a key that is not a constant string
}

func (e *TypeError) message() string {
	msg := "attempt to " + e.Op + " a " + e.Type + " value"
	if e.Kind != "" {
		msg += " (" + e.Kind + " '" + e.Name + "')"
	}
	return msg
}

// ParseTypeError reads a message raised for a value of the wrong type,
// with or without its "source:line: " prefix.
func ParseTypeError(msg string) (*TypeError, bool) {
	e := &TypeError{}
	i := strings.Index(msg, "attempt to ")
	if i < 0 {
		return nil, false
	}
	if prefix := msg[:i]; prefix != "" {
		pos, ok := strings.CutSuffix(prefix, ": ")
		j := strings.LastIndexByte(pos, ':')
		if !ok || j < 0 {
			return nil, false
		}
		line, err := strconv.Atoi(pos[j+1:])
		if err != nil {
			return nil, false
		}
		e.Source, e.Line = pos[:j], line
	}
	rest := msg[i+len("attempt to "):]
	for _, op := range []string{"call", "index", "perform arithmetic on", "concatenate", "get length of"} {
		if r, ok := strings.CutPrefix(rest, op+" a "); ok {
			e.Op, rest = op, r
			break
		}
	}
	typ, rest, ok := strings.Cut(rest, " value")
	if e.Op == "" || !ok || strings.Contains(typ, " ") {
		return nil, false
	}
	e.Type = typ
	if rest == "" {
		return e, true
	}
	named, ok := strings.CutPrefix(rest, " (")
	named, ok2 := strings.CutSuffix(named, "')")
	kind, name, ok3 := strings.Cut(named, " '")
	if !ok || !ok2 || !ok3 {
		return nil, false
	}
	e.Kind, e.Name = kind, name
	return e, true
}

// raiseTypeError raises "attempt to <op> a <type> value", naming v when it
// is in register reg of the running Lua function (reg < 0: it is not).
func (ls *LState) raiseTypeError(op string, v LValue, reg int) {
	e := &TypeError{Op: op, Type: v.Type().String()}
	if cf := ls.currentFrame; reg >= 0 && cf != nil && cf.Fn != nil && !cf.Fn.IsG && cf.Pc > 0 &&
		ls.reg.Get(cf.LocalBase+reg) == v {
		e.Kind, e.Name = objName(cf.Fn.Proto, cf.Pc-1, reg)
	}
	ls.RaiseError("%s", e.message())
}

// rkReg is the register an RK operand reads, or -1 for a constant.
func rkReg(rk int) int {
	if opIsK(rk) {
		return -1
	}
	return rk
}

// currentInst is the instruction the running Lua function is executing.
func (ls *LState) currentInst() (uint32, bool) {
	cf := ls.currentFrame
	if cf == nil || cf.Fn == nil || cf.Fn.IsG || cf.Pc < 1 || cf.Pc > len(cf.Fn.Proto.Code) {
		return 0, false
	}
	return cf.Fn.Proto.Code[cf.Pc-1], true
}

// raiseIndexError raises the error of indexing obj, which is not a table
// and has no __index (or __newindex). direct is false when obj was reached
// through a chain of __index tables: then it has no name.
func (ls *LState) raiseIndexError(obj LValue, direct bool) {
	reg := -1
	if inst, ok := ls.currentInst(); ok && direct {
		switch opGetOpCode(inst) {
		case OP_GETTABLE, OP_GETTABLEKS, OP_SELF:
			reg = opGetArgB(inst)
		case OP_SETTABLE, OP_SETTABLEKS:
			reg = opGetArgA(inst)
		}
	}
	ls.raiseTypeError("index", obj, reg)
}

// raiseArithError raises the error of arithmetic on lhs and rhs. The
// value blamed is lhs unless it is a number, as in Lua.
func (ls *LState) raiseArithError(lhs, rhs LValue) {
	v, operand := lhs, 0
	if _, isNum := lhs.(LNumber); isNum {
		v, operand = rhs, 1
	}
	reg := -1
	if inst, ok := ls.currentInst(); ok {
		switch op := opGetOpCode(inst); {
		case op >= OP_ADD && op <= OP_POW && operand == 0:
			reg = rkReg(opGetArgB(inst))
		case op >= OP_ADD && op <= OP_POW:
			reg = rkReg(opGetArgC(inst))
		case op == OP_UNM:
			reg = rkReg(opGetArgB(inst))
		}
	}
	ls.raiseTypeError("perform arithmetic on", v, reg)
}

// raiseCallError raises the error of calling fn from the Go side of the VM
// (a generic for's iterator, or L.Call): no register holds fn, but Lua 5.4
// names a for iterator.
func (ls *LState) raiseCallError(fn LValue) {
	if inst, ok := ls.currentInst(); ok && opGetOpCode(inst) == OP_TFORLOOP {
		e := &TypeError{Op: "call", Type: fn.Type().String(), Kind: "for iterator", Name: "for iterator"}
		ls.RaiseError("%s", e.message())
	}
	ls.raiseTypeError("call", fn, -1)
}

// raiseCompareError raises the error of ordering lhs and rhs.
func (ls *LState) raiseCompareError(lhs, rhs LValue) {
	t1, t2 := lhs.Type().String(), rhs.Type().String()
	if t1 == t2 {
		ls.RaiseError("attempt to compare two %s values", t1)
	}
	ls.RaiseError("attempt to compare %s with %s", t1, t2)
}

// objName names register reg of p at instruction lastpc: Lua's getobjname.
func objName(p *FunctionProto, lastpc, reg int) (kind, name string) {
	// Names starting with '(' are the compiler's: "(for index)" is live
	// while the loop's start value is computed in its register.
	if name := localName(p, reg, lastpc); name != "" && name[0] != '(' {
		return "local", name
	}
	pc := findSetReg(p, lastpc, reg)
	if pc < 0 {
		return "", ""
	}
	inst := p.Code[pc]
	switch opGetOpCode(inst) {
	case OP_MOVE, OP_MOVEN:
		if b := opGetArgB(inst); b < opGetArgA(inst) {
			return objName(p, pc, b)
		}
	case OP_GETGLOBAL:
		if s, ok := p.Constants[opGetArgBx(inst)].(LString); ok {
			return "global", string(s)
		}
	case OP_GETTABLE, OP_GETTABLEKS:
		return "field", keyName(p, pc, opGetArgC(inst))
	case OP_SELF:
		if reg == opGetArgA(inst) {
			return "method", keyName(p, pc, opGetArgC(inst))
		}
		return objName(p, pc, opGetArgB(inst))
	case OP_GETUPVAL:
		if b := opGetArgB(inst); b < len(p.DbgUpvalues) {
			return "upvalue", p.DbgUpvalues[b]
		}
	case OP_LOADK:
		if s, ok := p.Constants[opGetArgBx(inst)].(LString); ok {
			return "constant", string(s)
		}
	}
	return "", ""
}

// keyName is the key an RK operand gives at pc, if a constant string.
func keyName(p *FunctionProto, pc, rk int) string {
	if opIsK(rk) {
		if s, ok := p.Constants[opIndexK(rk)].(LString); ok {
			return string(s)
		}
	} else if kind, name := objName(p, pc, rk); kind == "constant" {
		return name
	}
	return "?"
}

// localName is the local variable in register reg at pc: the reg-th of
// those alive there, counted in order of declaration, as Lua allocates
// them. A variable's StartPc is its first instruction and EndPc the last
// instruction of its scope.
func localName(p *FunctionProto, reg, pc int) string {
	for _, l := range p.DbgLocals {
		if l.StartPc > pc {
			break
		}
		if pc <= l.EndPc {
			if reg == 0 {
				return l.Name
			}
			reg--
		}
	}
	return ""
}

// findSetReg is the instruction before lastpc that last set reg, or -1 if
// none or if it depends on a jump: Lua 5.4's findsetreg.
func findSetReg(p *FunctionProto, lastpc, reg int) int {
	setreg := -1
	jmptarget := 0 // code before it may have been jumped over
	for pc := 0; pc < lastpc; pc++ {
		inst := p.Code[pc]
		a := opGetArgA(inst)
		change, skip := false, 0
		switch op := opGetOpCode(inst); op {
		case OP_LOADNIL:
			change = a <= reg && reg <= opGetArgB(inst)
		case OP_TFORLOOP:
			change = reg >= a+2
		case OP_CALL, OP_TAILCALL, OP_VARARG:
			change = reg >= a
		case OP_SELF:
			change = reg == a || reg == a+1
		case OP_FORLOOP:
			change = reg == a || reg == a+3
		case OP_JMP:
			if dest := pc + 1 + opGetArgSbx(inst); dest <= lastpc && dest > jmptarget {
				jmptarget = dest
			}
		case OP_TEST, OP_NOP:
		case OP_CLOSURE:
			change = reg == a
			// The upvalues' MOVE and GETUPVAL after it are not executed.
			skip = int(p.FunctionPrototypes[opGetArgBx(inst)].NumUpvalues)
		case OP_SETLIST:
			if opGetArgC(inst) == 0 {
				skip = 1 // the next word is the block number
			}
		default:
			change = opProps[op].SetRegA && reg == a
		}
		if change {
			setreg = pc
			if pc < jmptarget {
				setreg = -1
			}
		}
		pc += skip
	}
	return setreg
}
