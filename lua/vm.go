package lua

// Upstream generates this file from _vm.go with go-inline; here it is the
// source, edited by hand (lua/SOCKPLAY.md, "Updating from upstream").

import (
	"math"
	"strings"
)

// startLoop makes the frame on top of the call stack current and says
// whether it is a Lua function for the main loop to run; a Go function is
// called here.
func startLoop(L *LState) bool {
	if L.stack.IsEmpty() {
		return false
	}
	L.currentFrame = L.stack.Last()
	if L.currentFrame.Fn.IsG {
		callGFunction(L, false)
		return false
	}
	return true
}

// fetch returns the current frame's next instruction and steps past it.
// mainLoop spells it out: the inlined call leaves a marker NOP in its loop,
// measured at 1-3 % on BenchmarkHotPath.
func fetch(L *LState) uint32 {
	cf := L.currentFrame
	inst := cf.Fn.Proto.Code[cf.Pc]
	cf.Pc++
	return inst
}

func mainLoop(L *LState, baseframe *callFrame) {
	var inst uint32
	var cf *callFrame

	if !startLoop(L) {
		return
	}

	for {
		cf = L.currentFrame
		inst = cf.Fn.Proto.Code[cf.Pc]
		cf.Pc++
		if jumpTable[int(inst>>26)](L, inst, baseframe) == 1 {
			return
		}
	}
}

// mainLoopWithContext is mainLoop checking L.ctx before each instruction;
// the check stays out of mainLoop, which runs when there is no context.
func mainLoopWithContext(L *LState, baseframe *callFrame) {
	if !startLoop(L) {
		return
	}
	for {
		inst := fetch(L)
		select {
		case <-L.ctx.Done():
			L.RaiseError("%s", L.ctx.Err().Error())
			return
		default:
			if jumpTable[int(inst>>26)](L, inst, baseframe) == 1 {
				return
			}
		}
	}
}

// regv is the first target register to copy the return values to.
// It can be reg.top, indicating that the copied values are going into new registers, or it can be below reg.top
// Indicating that the values should be within the existing registers.
// b is the available number of return values + 1.
// n is the desired number of return values.
// If n more than the available return values then the extra values are set to nil.
// When this function returns the top of the registry will be set to regv+n.
func copyReturnValues(L *LState, regv, start, n, b int) {
	if b == 1 {
		L.reg.FillNil(regv, n)
	} else {
		L.reg.CopyRange(regv, start, -1, n)
		if b > 1 && n > (b-1) {
			L.reg.FillNil(regv+b-1, n-(b-1))
		}
	}
}

func switchToParentThread(L *LState, nargs int, haserror bool, kill bool) {
	parent := L.Parent
	if parent == nil {
		L.RaiseError("attempt to yield from outside a coroutine")
	}
	L.G.CurrentThread = parent
	L.Parent = nil
	if !L.wrapped {
		if haserror {
			parent.Push(LFalse)
		} else {
			parent.Push(LTrue)
		}
	}
	L.XMoveTo(parent, nargs)
	L.stack.Pop()
	offset := L.currentFrame.LocalBase - L.currentFrame.ReturnBase
	L.currentFrame = L.stack.Last()
	L.reg.SetTop(L.reg.Top() - offset) // remove 'yield' function(including tailcalled functions)
	if kill {
		L.kill()
	}
}

func callGFunction(L *LState, tailcall bool) bool {
	frame := L.currentFrame
	gfnret := frame.Fn.GFunction(L)
	if tailcall {
		L.currentFrame = L.RemoveCallerFrame()
	}

	if gfnret < 0 {
		switchToParentThread(L, L.GetTop(), false, false)
		return true
	}

	wantret := frame.NRet
	if wantret == MultRet {
		wantret = gfnret
	}

	if tailcall && L.Parent != nil && L.stack.Sp() == 1 {
		switchToParentThread(L, wantret, false, true)
		return true
	}

	L.reg.CopyRange(frame.ReturnBase, L.reg.Top()-gfnret, -1, wantret)
	L.stack.Pop()
	L.currentFrame = L.stack.Last()
	return false
}

func threadRun(L *LState) {
	if L.stack.IsEmpty() {
		return
	}

	defer func() {
		if rcv := recover(); rcv != nil {
			var lv LValue
			if v, ok := rcv.(*ApiError); ok {
				lv = v.Object
			} else {
				lv = L.goPanicError(rcv).Object
			}
			if parent := L.Parent; parent != nil {
				// The coroutine is dead: its variables move into the
				// closures that captured them.
				L.closeUpvalues(0)
				if L.wrapped {
					// The error leaves the coroutine for the caller of
					// the wrap function (Lua 5.1's auxwrap): the parent
					// runs again and the coroutine is dead, so resuming it
					// says so instead of "running".
					L.G.CurrentThread = parent
					L.Parent = nil
					L.kill()
					parent.Error(lv, 1)
				} else {
					L.SetTop(0)
					L.Push(lv)
					switchToParentThread(L, 1, true, true)
				}
			} else {
				panic(rcv)
			}
		}
	}()
	L.mainLoop(L, nil)
}

// operands decodes an ABC instruction in the current frame: the frame, A as
// its register (RA) and the fields B and C. Go inlines it, and drops what a
// handler leaves unused, so each handler compiles as with the fields decoded
// in place. The fields are spelled out, not opGetArgA etc.: each call
// inlined inside leaves its marker NOP in every handler.
func operands(L *LState, inst uint32) (cf *callFrame, RA, B, C int) {
	cf = L.currentFrame
	return cf, cf.LocalBase + int(inst>>18)&0xff, int(inst & 0x1ff), int(inst>>9) & 0x1ff
}

// callee is what OP_CALL and OP_TAILCALL call: lv, the value in register
// RA, if a function, else its __call metamethod. Go inlines it; calleeMeta
// is the rare case.
func callee(L *LState, lv LValue, RA int) *LFunction {
	if fn, ok := lv.(*LFunction); ok {
		return fn
	}
	return calleeMeta(L, lv, RA)
}

// calleeMeta is callee for a value that is not a function: its __call
// metamethod, or an error naming the register.
func calleeMeta(L *LState, lv LValue, RA int) *LFunction {
	fn, _ := L.metaCall(lv)
	if fn == nil {
		L.raiseTypeError("call", lv, RA-L.currentFrame.LocalBase)
	}
	return fn
}

type instFunc func(*LState, uint32, *callFrame) int

var jumpTable [opCodeMax + 1]instFunc

func init() {
	jumpTable = [opCodeMax + 1]instFunc{
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_MOVE
			cf, RA, B, _ := operands(L, inst)
			L.reg.Set(RA, L.reg.Get(cf.LocalBase+B))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_MOVEN
			reg := L.reg
			cf, RA, B, C := operands(L, inst)
			lbase := cf.LocalBase
			reg.Set(RA, reg.Get(lbase+B))
			code := cf.Fn.Proto.Code
			pc := cf.Pc
			for i := 0; i < C; i++ {
				inst = code[pc]
				pc++
				A, B := int(inst>>18)&0xff, int(inst&0x1ff)
				v := reg.Get(lbase + B)
				reg.Set(lbase+A, v)
			}
			cf.Pc = pc
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_LOADK
			cf, RA, _, _ := operands(L, inst)
			L.reg.Set(RA, cf.Fn.Proto.Constants[int(inst&0x3ffff)])
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_LOADBOOL
			cf, RA, B, C := operands(L, inst)
			L.reg.Set(RA, LBool(B != 0))
			if C != 0 {
				cf.Pc++
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_LOADNIL
			reg := L.reg
			cf, RA, B, _ := operands(L, inst)
			for i := RA; i <= cf.LocalBase+B; i++ {
				reg.Set(i, LNil)
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_GETUPVAL
			cf, RA, B, _ := operands(L, inst)
			L.reg.Set(RA, cf.Fn.Upvalues[B].Value())
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_GETGLOBAL
			cf, RA, _, _ := operands(L, inst)
			L.reg.Set(RA, L.getFieldString(cf.Fn.Env, cf.Fn.Proto.stringConstants[int(inst&0x3ffff)]))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_GETTABLE
			cf, RA, B, C := operands(L, inst)
			L.reg.Set(RA, L.getField(L.reg.Get(cf.LocalBase+B), L.rkValue(C)))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_GETTABLEKS
			cf, RA, B, C := operands(L, inst)
			L.reg.Set(RA, L.getFieldString(L.reg.Get(cf.LocalBase+B), L.rkString(C)))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_SETGLOBAL
			cf, RA, _, _ := operands(L, inst)
			L.setFieldString(cf.Fn.Env, cf.Fn.Proto.stringConstants[int(inst&0x3ffff)], L.reg.Get(RA))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_SETUPVAL
			cf, RA, B, _ := operands(L, inst)
			cf.Fn.Upvalues[B].SetValue(L.reg.Get(RA))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_SETTABLE
			_, RA, B, C := operands(L, inst)
			L.setField(L.reg.Get(RA), L.rkValue(B), L.rkValue(C))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_SETTABLEKS
			_, RA, B, C := operands(L, inst)
			L.setFieldString(L.reg.Get(RA), L.rkString(B), L.rkValue(C))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_NEWTABLE
			_, RA, B, C := operands(L, inst)
			L.reg.Set(RA, newLTable(B, C))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_SELF
			reg := L.reg
			cf, RA, B, C := operands(L, inst)
			selfobj := reg.Get(cf.LocalBase + B)
			reg.Set(RA, L.getFieldString(selfobj, L.rkString(C)))
			reg.Set(RA+1, selfobj)
			return 0
		},
		opArith, // OP_ADD
		opArith, // OP_SUB
		opArith, // OP_MUL
		opArith, // OP_DIV
		opArith, // OP_MOD
		opArith, // OP_POW
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_UNM
			reg := L.reg
			_, RA, B, _ := operands(L, inst)
			unaryv := L.rkValue(B)
			if nm, ok := unaryv.(LNumber); ok {
				reg.Set(RA, -nm)
			} else {
				op := L.metaOp1(unaryv, "__unm")
				if op.Type() == LTFunction {
					reg.Push(op)
					reg.Push(unaryv)
					L.Call(1, 1)
					reg.Set(RA, reg.Pop())
				} else if str, ok1 := unaryv.(LString); ok1 {
					if num, err := parseNumber(string(str)); err == nil {
						reg.Set(RA, -num)
					} else {
						L.raiseArithError(unaryv, unaryv)
					}
				} else {
					L.raiseArithError(unaryv, unaryv)
				}
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_NOT
			cf, RA, B, _ := operands(L, inst)
			L.reg.Set(RA, LBool(LVIsFalse(L.reg.Get(cf.LocalBase+B))))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_LEN
			reg := L.reg
			_, RA, B, _ := operands(L, inst)
			switch lv := L.rkValue(B).(type) {
			case LString:
				reg.SetNumber(RA, LNumber(len(lv)))
			default:
				op := L.metaOp1(lv, "__len")
				if op.Type() == LTFunction {
					reg.Push(op)
					reg.Push(lv)
					L.Call(1, 1)
					ret := reg.Pop()
					if ret.Type() == LTNumber {
						v, _ := ret.(LNumber)
						reg.SetNumber(RA, v)
					} else {
						reg.Set(RA, ret)
					}
				} else if lv.Type() == LTTable {
					reg.SetNumber(RA, LNumber(lv.(*LTable).Len()))
				} else {
					L.raiseTypeError("get length of", lv, rkReg(B))
				}
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_CONCAT
			cf, RA, B, C := operands(L, inst)
			L.reg.Set(RA, stringConcat(L, C-B+1, cf.LocalBase+C))
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_JMP
			cf := L.currentFrame
			Sbx := int(inst&0x3ffff) - opMaxArgSbx //GETSBX
			// A loop goes round: serve a host's checkpoint (checkpoint.go).
			if Sbx < 0 && L.G.checkpoint.requested.Load() {
				L.runCheckpoint(cf.Pc + Sbx) // the loop begins where it jumps to
			}
			cf.Pc += Sbx
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_EQ
			cf := L.currentFrame
			A, B, C := int(inst>>18)&0xff, int(inst&0x1ff), int(inst>>9)&0x1ff
			ret := equals(L, L.rkValue(B), L.rkValue(C), false)
			skipUnless(cf, ret, A)
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_LT
			cf := L.currentFrame
			A, B, C := int(inst>>18)&0xff, int(inst&0x1ff), int(inst>>9)&0x1ff
			ret := lessThan(L, L.rkValue(B), L.rkValue(C))
			skipUnless(cf, ret, A)
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_LE
			cf := L.currentFrame
			A, B, C := int(inst>>18)&0xff, int(inst&0x1ff), int(inst>>9)&0x1ff
			lhs := L.rkValue(B)
			rhs := L.rkValue(C)
			ret := false

			if v1, ok1 := lhs.(LNumber); ok1 {
				if v2, ok2 := rhs.(LNumber); ok2 {
					ret = v1 <= v2
				} else {
					L.raiseCompareError(lhs, rhs)
				}
			} else {
				if lhs.Type() != rhs.Type() {
					L.raiseCompareError(lhs, rhs)
				}
				switch lhs.Type() {
				case LTString:
					ret = strCmp(string(lhs.(LString)), string(rhs.(LString))) <= 0
				default:
					switch objectRational(L, lhs, rhs, "__le") {
					case 1:
						ret = true
					case 0:
						ret = false
					default:
						ret = !objectRationalWithError(L, rhs, lhs, "__lt")
					}
				}
			}

			skipUnless(cf, ret, A)
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_TEST
			cf, RA, _, C := operands(L, inst)
			if LVAsBool(L.reg.Get(RA)) == (C == 0) {
				cf.Pc++
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_TESTSET
			reg := L.reg
			cf, RA, B, C := operands(L, inst)
			if value := reg.Get(cf.LocalBase + B); LVAsBool(value) != (C == 0) {
				reg.Set(RA, value)
			} else {
				cf.Pc++
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_CALL
			_, RA, B, C := operands(L, inst)
			lv := L.reg.Get(RA)
			callable := callee(L, lv, RA)
			nargs := L.reg.count(B, RA+1)
			L.pushCallFrame(callable, lv, RA, nargs, RA, C-1)
			if callable.IsG && callGFunction(L, false) {
				return 1
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_TAILCALL
			reg := L.reg
			cf, RA, B, _ := operands(L, inst)
			lv := L.reg.Get(RA)
			callable := callee(L, lv, RA)
			nargs := L.reg.count(B, RA+1)
			L.closeUpvalues(cf.LocalBase)
			if callable.IsG {
				luaframe := cf
				L.pushCallFrame(callable, lv, RA, nargs, cf.ReturnBase, cf.NRet)
				if callGFunction(L, true) {
					return 1
				}
				if L.currentFrame == nil || L.currentFrame.Fn.IsG || luaframe == baseframe {
					return 1
				}
			} else {
				base := cf.Base
				cf.Fn = callable
				cf.Pc = 0
				cf.Base = RA
				cf.LocalBase = RA + 1
				cf.NArgs = nargs
				cf.TailCall++
				lbase := cf.LocalBase
				if lv != LValue(callable) { // __call: lv is the first argument
					cf.NArgs++
					L.reg.Insert(lv, cf.LocalBase)
				}
				L.initCallFrame(cf)
				L.reg.CopyRange(base, RA, -1, reg.Top()-RA-1)
				cf.Base = base
				cf.LocalBase = base + (cf.LocalBase - lbase + 1)
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_RETURN
			reg := L.reg
			cf, RA, B, _ := operands(L, inst)
			lbase := cf.LocalBase
			L.closeUpvalues(lbase)
			nret := reg.count(B, RA)
			n := cf.NRet
			if cf.NRet == MultRet {
				n = nret
			}

			if L.Parent != nil && L.stack.Sp() == 1 {
				copyReturnValues(L, reg.Top(), RA, n, B)
				switchToParentThread(L, n, false, true)
				return 1
			}
			islast := baseframe == L.stack.Pop() || L.stack.IsEmpty()
			copyReturnValues(L, cf.ReturnBase, RA, n, B)
			L.currentFrame = L.stack.Last()
			if islast || L.currentFrame == nil || L.currentFrame.Fn.IsG {
				return 1
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_FORLOOP
			reg := L.reg
			cf, RA, _, _ := operands(L, inst)
			if init, ok1 := reg.Get(RA).(LNumber); ok1 {
				if limit, ok2 := reg.Get(RA + 1).(LNumber); ok2 {
					if step, ok3 := reg.Get(RA + 2).(LNumber); ok3 {
						init += step
						// Set(LNumber2I), not SetNumber: see opArith.
						v := reg.alloc.LNumber2I(init)
						reg.Set(RA, v)
						if (step > 0 && init <= limit) || (step <= 0 && init >= limit) {
							Sbx := int(inst&0x3ffff) - opMaxArgSbx //GETSBX
							// A loop goes round: serve a host's checkpoint (checkpoint.go).
							if L.G.checkpoint.requested.Load() {
								L.runCheckpoint(cf.Pc - 1) // the for's own line
							}
							cf.Pc += Sbx
							reg.Set(RA+3, v)
						} else {
							reg.SetTop(RA + 1)
						}
					} else {
						L.RaiseError("for statement step must be a number")
					}
				} else {
					L.RaiseError("for statement limit must be a number")
				}
			} else {
				L.RaiseError("for statement init must be a number")
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_FORPREP
			reg := L.reg
			cf, RA, _, _ := operands(L, inst)
			Sbx := int(inst&0x3ffff) - opMaxArgSbx //GETSBX
			// A numeric string is a number here too, as in Lua 5.1's
			// forprep: for i = "1", "3" counts 1, 2, 3.
			for r := RA; r <= RA+2; r++ {
				if s, ok := reg.Get(r).(LString); ok {
					if n, err := parseNumber(string(s)); err == nil {
						reg.Set(r, n)
					}
				}
			}
			if init, ok1 := reg.Get(RA).(LNumber); ok1 {
				if step, ok2 := reg.Get(RA + 2).(LNumber); ok2 {
					reg.SetNumber(RA, LNumber(init-step))
				} else {
					L.RaiseError("for statement step must be a number")
				}
			} else {
				L.RaiseError("for statement init must be a number")
			}
			cf.Pc += Sbx
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_TFORLOOP
			reg := L.reg
			cf, RA, _, C := operands(L, inst)
			nret := C
			reg.SetTop(RA + 3 + 2)
			reg.Set(RA+3+2, reg.Get(RA+2))
			reg.Set(RA+3+1, reg.Get(RA+1))
			reg.Set(RA+3, reg.Get(RA))
			L.callR(2, nret, RA+3)
			if value := reg.Get(RA + 3); value != LNil {
				reg.Set(RA+2, value)
				pc := cf.Fn.Proto.Code[cf.Pc]
				// The loop's jump back, made here: serve a host's checkpoint
				// (checkpoint.go).
				if L.G.checkpoint.requested.Load() {
					L.runCheckpoint(cf.Pc - 1) // the for's own line
				}
				cf.Pc += int(pc&0x3ffff) - opMaxArgSbx
			}
			cf.Pc++
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_SETLIST
			reg := L.reg
			cf, RA, B, C := operands(L, inst)
			if C == 0 {
				C = int(cf.Fn.Proto.Code[cf.Pc])
				cf.Pc++
			}
			offset := (C - 1) * FieldsPerFlush
			table := reg.Get(RA).(*LTable)
			nelem := B
			if B == 0 {
				nelem = reg.Top() - RA - 1
			}
			for i := 1; i <= nelem; i++ {
				table.RawSetInt(offset+i, reg.Get(RA+i))
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_CLOSE
			_, RA, _, _ := operands(L, inst)
			L.closeUpvalues(RA)
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_CLOSURE
			reg := L.reg
			cf, RA, _, _ := operands(L, inst)
			lbase := cf.LocalBase
			Bx := int(inst & 0x3ffff)
			proto := cf.Fn.Proto.FunctionPrototypes[Bx]
			closure := newLFunctionL(proto, cf.Fn.Env, int(proto.NumUpvalues))
			reg.Set(RA, closure)
			for i := 0; i < int(proto.NumUpvalues); i++ {
				inst = cf.Fn.Proto.Code[cf.Pc]
				cf.Pc++
				B := opGetArgB(inst)
				switch opGetOpCode(inst) {
				case OP_MOVE:
					closure.Upvalues[i] = L.findUpvalue(lbase + B)
				case OP_GETUPVAL:
					closure.Upvalues[i] = cf.Fn.Upvalues[B]
				}
			}
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_VARARG
			reg := L.reg
			cf, RA, B, _ := operands(L, inst)
			nparams := int(cf.Fn.Proto.NumParameters)
			nvarargs := cf.NArgs - nparams
			if nvarargs < 0 {
				nvarargs = 0
			}
			nwant := B - 1
			if B == 0 {
				nwant = nvarargs
			}
			reg.CopyRange(RA, cf.Base+nparams+1, cf.LocalBase, nwant)
			return 0
		},
		func(L *LState, inst uint32, baseframe *callFrame) int { //OP_NOP
			return 0
		},
	}
}

func opArith(L *LState, inst uint32, baseframe *callFrame) int { //OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW
	reg := L.reg
	_, RA, B, C := operands(L, inst)
	opcode := int(inst >> 26) //GETOPCODE
	lhs := L.rkValue(B)
	rhs := L.rkValue(C)
	v1, ok1 := lhs.(LNumber)
	v2, ok2 := rhs.(LNumber)
	if ok1 && ok2 {
		// Set and LNumber2I are each inlined here; SetNumber, the two
		// together, is too large for Go to inline and costs a call.
		reg.Set(RA, reg.alloc.LNumber2I(numberArith(L, opcode, LNumber(v1), LNumber(v2))))
	} else {
		v := objectArith(L, opcode, lhs, rhs)
		reg.Set(RA, v)
	}
	return 0
}

// luaModulo is Lua 5.1's luai_nummod, a - floor(a/b)*b: its rounding,
// and its NaN for a % 0 and a % inf, are what Lua 5.1 scripts get.
// skipUnless is the end of OP_EQ, OP_LT and OP_LE: the next instruction
// (the jump) is skipped unless the comparison's result is what A asks for.
func skipUnless(cf *callFrame, ret bool, A int) {
	v := 1
	if ret {
		v = 0
	}
	if v == A {
		cf.Pc++
	}
}

func luaModulo(lhs, rhs LNumber) LNumber {
	flhs := float64(lhs)
	frhs := float64(rhs)
	return LNumber(flhs - math.Floor(flhs/frhs)*frhs)
}

func numberArith(L *LState, opcode int, lhs, rhs LNumber) LNumber {
	switch opcode {
	case OP_ADD:
		return lhs + rhs
	case OP_SUB:
		return lhs - rhs
	case OP_MUL:
		return lhs * rhs
	case OP_DIV:
		return lhs / rhs
	case OP_MOD:
		return luaModulo(lhs, rhs)
	case OP_POW:
		flhs := float64(lhs)
		frhs := float64(rhs)
		return LNumber(math.Pow(flhs, frhs))
	}
	panic("should not reach here")
}

func objectArith(L *LState, opcode int, lhs, rhs LValue) LValue {
	event := ""
	switch opcode {
	case OP_ADD:
		event = "__add"
	case OP_SUB:
		event = "__sub"
	case OP_MUL:
		event = "__mul"
	case OP_DIV:
		event = "__div"
	case OP_MOD:
		event = "__mod"
	case OP_POW:
		event = "__pow"
	}
	op := L.metaOp2(lhs, rhs, event)
	if _, ok := op.(*LFunction); ok {
		L.reg.Push(op)
		L.reg.Push(lhs)
		L.reg.Push(rhs)
		L.Call(2, 1)
		return L.reg.Pop()
	}
	if str, ok := lhs.(LString); ok {
		if lnum, err := parseNumber(string(str)); err == nil {
			lhs = lnum
		}
	}
	if str, ok := rhs.(LString); ok {
		if rnum, err := parseNumber(string(str)); err == nil {
			rhs = rnum
		}
	}
	if v1, ok1 := lhs.(LNumber); ok1 {
		if v2, ok2 := rhs.(LNumber); ok2 {
			return numberArith(L, opcode, LNumber(v1), LNumber(v2))
		}
	}
	L.raiseArithError(lhs, rhs)

	return LNil
}

func stringConcat(L *LState, total, last int) LValue {
	rhs := L.reg.Get(last)
	rhsReg := last // -1 once rhs is a result
	total--
	for i := last - 1; total > 0; {
		lhs := L.reg.Get(i)
		if !(LVCanConvToString(lhs) && LVCanConvToString(rhs)) {
			op := L.metaOp2(lhs, rhs, "__concat")
			if op.Type() == LTFunction {
				L.reg.Push(op)
				L.reg.Push(lhs)
				L.reg.Push(rhs)
				L.Call(2, 1)
				rhs, rhsReg = L.reg.Pop(), -1
				total--
				i--
			} else {
				// As Lua, blame the left operand unless it is a string or number.
				v, at := lhs, i
				if LVCanConvToString(lhs) {
					v, at = rhs, rhsReg
				}
				if cf := L.currentFrame; at >= 0 && cf != nil {
					at -= cf.LocalBase
				} else {
					at = -1
				}
				L.raiseTypeError("concatenate", v, at)
				return LNil
			}
		} else {
			buf := make([]string, total+1)
			buf[total] = LVAsString(rhs)
			for total > 0 {
				lhs = L.reg.Get(i)
				if !LVCanConvToString(lhs) {
					break
				}
				buf[total-1] = LVAsString(lhs)
				i--
				total--
			}
			size := 0
			for _, s := range buf {
				size += len(s)
			}
			L.checkStringSize("concatenation (..)", float64(size))
			rhs, rhsReg = LString(strings.Join(buf, "")), -1
		}
	}
	return rhs
}

func lessThan(L *LState, lhs, rhs LValue) bool {
	// optimization for numbers
	if v1, ok1 := lhs.(LNumber); ok1 {
		if v2, ok2 := rhs.(LNumber); ok2 {
			return v1 < v2
		}
		L.raiseCompareError(lhs, rhs)
	}
	if lhs.Type() != rhs.Type() {
		L.raiseCompareError(lhs, rhs)
		return false
	}
	ret := false
	switch lhs.Type() {
	case LTString:
		ret = strCmp(string(lhs.(LString)), string(rhs.(LString))) < 0
	default:
		ret = objectRationalWithError(L, lhs, rhs, "__lt")
	}
	return ret
}

func equals(L *LState, lhs, rhs LValue, raw bool) bool {
	lt := lhs.Type()
	if lt != rhs.Type() {
		return false
	}

	ret := false
	switch lt {
	case LTNil:
		ret = true
	case LTNumber:
		v1, _ := lhs.(LNumber)
		v2, _ := rhs.(LNumber)
		ret = v1 == v2
	case LTBool:
		ret = bool(lhs.(LBool)) == bool(rhs.(LBool))
	case LTString:
		ret = string(lhs.(LString)) == string(rhs.(LString))
	case LTUserData, LTTable:
		if lhs == rhs {
			ret = true
		} else if !raw {
			switch objectRational(L, lhs, rhs, "__eq") {
			case 1:
				ret = true
			default:
				ret = false
			}
		}
	default:
		ret = lhs == rhs
	}
	return ret
}

func objectRationalWithError(L *LState, lhs, rhs LValue, event string) bool {
	switch objectRational(L, lhs, rhs, event) {
	case 1:
		return true
	case 0:
		return false
	}
	L.raiseCompareError(lhs, rhs)
	return false
}

func objectRational(L *LState, lhs, rhs LValue, event string) int {
	m1 := L.metaOp1(lhs, event)
	m2 := L.metaOp1(rhs, event)
	if m1.Type() == LTFunction && m1 == m2 {
		L.reg.Push(m1)
		L.reg.Push(lhs)
		L.reg.Push(rhs)
		L.Call(2, 1)
		if LVAsBool(L.reg.Pop()) {
			return 1
		}
		return 0
	}
	return -1
}
