package lua

// What the running code is doing, for a host that explains errors: the
// frames of a thread's stack (a traceback as data), and, for an __index
// function of the globals table, the Lua code that read a global that has
// no value. Only error and warning paths call these; the VM does not.

// A StackFrame is one call on a thread's stack.
type StackFrame struct {
	Proto       *FunctionProto `json:"-"` // a Lua function's; nil for a Go function (not serialised: an error crosses processes as JSON)
	Source      string         // the chunk name of a Lua function; "" for a Go function
	Line        int            // the line it is running; 0 if unknown
	LineDefined int            // where a Lua function begins; 0 for a chunk's main function
	// Name is what the caller called it by ("handle", "sock:recv"), ""
	// when unknown (the bottom frame of a thread, an expression).
	Name string
	// TailCalls is how many calls were tail calls into this one: their
	// frames are gone.
	TailCalls int
}

// Go reports whether the frame is a Go function's.
func (f *StackFrame) Go() bool { return f.Source == "" }

// StackFrames lists the calls on the thread's stack, innermost first.
func (ls *LState) StackFrames() []StackFrame {
	var frames []StackFrame
	for cf := ls.currentFrame; cf != nil; cf = cf.Parent {
		var f StackFrame
		if !cf.Fn.IsG {
			p := cf.Fn.Proto
			f.Proto, f.Source, f.LineDefined, f.TailCalls = p, p.SourceName, p.LineDefined, cf.TailCall
			if cf.Pc > 0 && cf.Pc <= len(p.DbgSourcePositions) {
				f.Line = p.DbgSourcePositions[cf.Pc-1]
			}
		}
		if cf.Parent != nil {
			if name, _ := ls.frameFuncName(cf); name != "" && name[0] != '<' && name[0] != '(' {
				f.Name = name
			}
		}
		frames = append(frames, f)
	}
	return frames
}

// Caller is the innermost Lua function on the stack and the line it is
// running: where the running Go function was called from, skipping Go
// callers (pcall). nil if no Lua function is on the stack.
func (ls *LState) Caller() (*FunctionProto, int) {
	for cf := ls.currentFrame; cf != nil; cf = cf.Parent {
		if cf.Fn.IsG {
			continue
		}
		p := cf.Fn.Proto
		if cf.Pc > 0 && cf.Pc <= len(p.DbgSourcePositions) {
			return p, p.DbgSourcePositions[cf.Pc-1]
		}
		return p, 0
	}
	return nil, 0
}

// A GlobalRead is a read of a global that has no value, by its name, in a
// Lua function.
type GlobalRead struct {
	Proto *FunctionProto // the function reading it
	Line  int
	// Raises: what the code does next with the nil it reads raises an
	// error that names the global (it calls it, indexes it, computes
	// with it: len(x), b'hi', x.y, x + 1), so a warning would only repeat
	// that error.
	Raises bool
}

// GlobalReadSite describes the read that made the VM call the running Go
// function, an __index function of the globals table (or of a table whose
// __index chain leads there). ok is false unless its caller is a Lua
// function reading a global by its bare name: Go code (GetGlobal),
// _G.name, _G[k] and rawget are not such reads.
func (ls *LState) GlobalReadSite() (r GlobalRead, ok bool) {
	cf := ls.currentFrame
	if cf == nil || !cf.Fn.IsG || cf.Parent == nil {
		return r, false
	}
	caller := cf.Parent
	if caller.Fn.IsG || caller.Pc < 1 || caller.Pc > len(caller.Fn.Proto.Code) {
		return r, false
	}
	p, pc := caller.Fn.Proto, caller.Pc-1
	inst := p.Code[pc]
	if opGetOpCode(inst) != OP_GETGLOBAL {
		return r, false
	}
	r.Proto, r.Line = p, p.DbgSourcePositions[pc]
	r.Raises = nilUseRaises(p, pc, opGetArgA(inst))
	return r, true
}

// nilUseRaises reports whether the code after pc, run on straight,
// first uses register reg (just loaded with nil) in a way that raises an
// error naming it: as the function of a call, the table of an index, an
// operand of arithmetic, of .. or of #. Any other use (an argument, a
// test, a jump, an assignment) lets the nil flow on silently.
func nilUseRaises(p *FunctionProto, pc, reg int) bool {
	const maxScan = 64 // the operands of one call or expression
	for end := min(len(p.Code), pc+1+maxScan); pc+1 < end; {
		pc++
		inst := p.Code[pc]
		a, b, c := opGetArgA(inst), opGetArgB(inst), opGetArgC(inst)
		switch op := opGetOpCode(inst); op {
		case OP_CALL, OP_TAILCALL:
			if a == reg {
				return true
			}
			if a < reg { // an argument, or overwritten by the results
				return false
			}
		case OP_GETTABLE, OP_GETTABLEKS:
			if b == reg {
				return true
			}
			if a == reg || rkReg(c) == reg {
				return false
			}
		case OP_SELF:
			if b == reg {
				return true
			}
			if a == reg || a+1 == reg || rkReg(c) == reg {
				return false
			}
		case OP_SETTABLE, OP_SETTABLEKS:
			if a == reg {
				return true
			}
			if rkReg(b) == reg || rkReg(c) == reg {
				return false
			}
		case OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_POW:
			if rkReg(b) == reg || rkReg(c) == reg {
				return true
			}
			if a == reg {
				return false
			}
		case OP_UNM, OP_LEN:
			if b == reg {
				return true
			}
			if a == reg {
				return false
			}
		case OP_CONCAT:
			if b <= reg && reg <= c {
				return true
			}
			if a == reg {
				return false
			}
		case OP_MOVE, OP_MOVEN, OP_NOT:
			if a == reg || b == reg {
				return false
			}
		case OP_LOADK, OP_GETUPVAL, OP_GETGLOBAL, OP_NEWTABLE:
			if a == reg {
				return false
			}
		case OP_LOADNIL:
			if a <= reg && reg <= b {
				return false
			}
		case OP_LOADBOOL:
			if a == reg || c != 0 { // c: skips the next instruction
				return false
			}
		default: // jumps, tests, comparisons, returns, loops, closures, varargs
			return false
		}
	}
	return false
}
