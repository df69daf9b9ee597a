package parse

import (
	"fmt"
	"io"

	"github.com/sockplay/sockplay/lua/ast"
)

// The parser is recursive descent on Lua 5.1's grammar (plus gopher-lua's
// goto, labels and empty statements), following lparser.c so that a syntax
// error is found at the token and line Lua finds it, with Lua 5.4's words.
// The tree it builds is the one gopher-lua's goyacc parser built, line
// numbers included, so the compiler is unchanged (parse_test.go checks it).

// maxLevels bounds nested blocks and expressions, as LUAI_MAXCCALLS does
// in Lua: deeper input is refused, not a Go stack overflow.
const maxLevels = 200

// exprKind is what a suffixed expression ended with; Lua's expdesc kind.
type exprKind int

const (
	kindOther exprKind = iota
	kindVar            // a name or an index: assignable
	kindCall           // a call, not parenthesized: a statement
)

type funcState struct {
	parent    *funcState
	vararg    bool
	loops     int
	breakLine int // line of the first 'break' outside a loop, 0 if none
}

type parser struct {
	lx       *lexer
	t        token // the current token
	ahead    token
	hasAhead bool
	lastLine int // line where the lexer was when the previous token was taken
	stmtLine int // line where the innermost statement being read began
	levels   int
	fs       *funcState
}

// Parse reads a chunk of Lua 5.1 source. A syntax error is an *Error.
func Parse(reader io.Reader, name string) (chunk []ast.Stmt, err error) {
	src, err := io.ReadAll(reader)
	if err != nil {
		return nil, err
	}
	p := &parser{lx: newLexer(string(src), name), fs: &funcState{vararg: true}}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			e.StmtLine = p.stmtLine
			chunk, err = nil, e
		}
	}()
	p.next()
	chunk = p.block()
	if p.t.typ != tEOF {
		p.errorExpected(tEOF)
	}
	p.closeFunc()
	return chunk, nil
}

func (p *parser) next() {
	p.lastLine = p.lx.line
	if p.hasAhead {
		p.t, p.hasAhead = p.ahead, false
		return
	}
	p.t = p.lx.scan()
}

func (p *parser) lookahead() int {
	p.ahead, p.hasAhead = p.lx.scan(), true
	return p.ahead.typ
}

// errorf raises a syntax error near the current token. Its line is where
// the lexer is, as in Lua: the end of that token.
func (p *parser) errorf(format string, args ...any) {
	col := 0
	if p.t.line == p.lx.line {
		col = p.t.col
	}
	panic(newError(p.lx.source, p.lx.line, col, fmt.Sprintf(format, args...), p.lx.nearText(p.t)))
}

// quoteToken is a token type as Lua's messages name it: "'end'", "')'",
// but "<name>" and "<eof>" bare.
func quoteToken(typ int) string {
	switch typ {
	case TIdent, TString, TNumber, tEOF:
		return TokenName(typ)
	}
	return "'" + TokenName(typ) + "'"
}

func (p *parser) errorExpected(typ int) { p.errorf("%s expected", quoteToken(typ)) }

func (p *parser) testNext(typ int) bool {
	if p.t.typ == typ {
		p.next()
		return true
	}
	return false
}

func (p *parser) checkNext(typ int) {
	if !p.testNext(typ) {
		p.errorExpected(typ)
	}
}

// checkMatch takes the token closing what opened at line where: "'end'
// expected (to close 'if' at line 1)" when it is missing on a later line.
func (p *parser) checkMatch(what, who, where int) {
	if p.testNext(what) {
		return
	}
	if where == p.lx.line {
		p.errorExpected(what)
	}
	p.errorf("%s expected (to close %s at line %d)", quoteToken(what), quoteToken(who), where)
}

func (p *parser) checkName() string {
	if p.t.typ != TIdent {
		p.errorExpected(TIdent)
	}
	s := p.t.str
	p.next()
	return s
}

func (p *parser) enter() {
	p.levels++
	if p.levels > maxLevels {
		panic(newError(p.lx.source, p.lx.line, 0, "chunk has too many syntax levels", ""))
	}
}

func (p *parser) leave() { p.levels-- }

// closeFunc ends a function: Lua 5.4 reports a stray break there.
func (p *parser) closeFunc() {
	if l := p.fs.breakLine; l != 0 {
		panic(newError(p.lx.source, p.lx.line, 0, fmt.Sprintf("break outside loop at line %d", l), ""))
	}
}

func blockFollow(typ int) bool {
	switch typ {
	case TElse, TElseIf, TEnd, TUntil, tEOF:
		return true
	}
	return false
}

// block reads statements up to a token that ends a block; return and
// break end it too, as in Lua 5.1.
func (p *parser) block() []ast.Stmt {
	p.enter()
	defer p.leave()
	stmts := []ast.Stmt{}
	for !blockFollow(p.t.typ) {
		switch p.t.typ {
		case ';':
			p.next()
		case TReturn:
			return append(stmts, p.retstat())
		case TBreak:
			stmts = append(stmts, p.breakstat())
			p.testNext(';')
			return stmts
		default:
			stmts = append(stmts, p.statement())
		}
	}
	return stmts
}

func (p *parser) retstat() ast.Stmt {
	st := &ast.ReturnStmt{}
	st.SetLine(p.t.line)
	p.next()
	if !blockFollow(p.t.typ) && p.t.typ != ';' {
		st.Exprs = p.exprlist()
	}
	p.testNext(';')
	return st
}

func (p *parser) breakstat() ast.Stmt {
	st := &ast.BreakStmt{}
	st.SetLine(p.t.line)
	if p.fs.loops == 0 && p.fs.breakLine == 0 {
		p.fs.breakLine = p.t.line
	}
	p.next()
	return st
}

// statement reads one statement, noting where it began for the error
// (Error.StmtLine): a block's statements restore their parent's line when
// they end, so an error closing the block names the block's first line.
func (p *parser) statement() ast.Stmt {
	outer := p.stmtLine
	p.stmtLine = p.t.line
	st := p.statement1(p.t.line)
	p.stmtLine = outer
	return st
}

func (p *parser) statement1(line int) ast.Stmt {
	switch p.t.typ {
	case TIf:
		return p.ifstat(line)
	case TWhile:
		p.next()
		cond := p.expr()
		p.checkNext(TDo)
		stmts := p.loopBlock()
		st := &ast.WhileStmt{Condition: cond, Stmts: stmts}
		p.end(st, TWhile, line)
		return st
	case TDo:
		p.next()
		st := &ast.DoBlockStmt{Stmts: p.block()}
		p.end(st, TDo, line)
		return st
	case TFor:
		return p.forstat(line)
	case TRepeat:
		p.next()
		stmts := p.loopBlock()
		p.checkMatch(TUntil, TRepeat, line)
		cond := p.expr()
		return spanning(&ast.RepeatStmt{Condition: cond, Stmts: stmts}, line, cond.Line())
	case TFunction:
		p.next()
		name := p.funcname()
		body := p.body(line)
		return spanning(&ast.FuncDefStmt{Name: name, Func: body}, line, body.LastLine())
	case TLocal:
		p.next()
		if p.testNext(TFunction) {
			name := p.checkName()
			body := p.body(p.lx.line)
			return spanning(&ast.LocalAssignStmt{Names: []string{name}, Exprs: []ast.Expr{body}}, line, body.LastLine())
		}
		st := &ast.LocalAssignStmt{Names: []string{p.checkName()}}
		for p.testNext(',') {
			st.Names = append(st.Names, p.checkName())
		}
		if p.testNext('=') {
			st.Exprs = p.exprlist()
		} else {
			st.Exprs = []ast.Expr{}
		}
		return at(st, line)
	case T2Colon:
		p.next()
		st := at(&ast.LabelStmt{Name: p.checkName()}, line)
		p.checkNext(T2Colon)
		return st
	case TGoto:
		p.next()
		return at(&ast.GotoStmt{Label: p.checkName()}, line)
	}
	return p.exprstat()
}

// end takes the 'end' of a statement opened by who at line.
func (p *parser) end(st ast.Stmt, who, line int) {
	end := p.t.line
	p.checkMatch(TEnd, who, line)
	spanning(st, line, end)
}

// spanning sets the lines node starts and ends on, and returns it.
func spanning[N ast.PositionHolder](node N, line, last int) N {
	node.SetLastLine(last)
	return at(node, line)
}

// at sets the line node starts on, and returns it.
func at[N ast.PositionHolder](node N, line int) N {
	node.SetLine(line)
	return node
}

func (p *parser) loopBlock() []ast.Stmt {
	p.fs.loops++
	stmts := p.block()
	p.fs.loops--
	return stmts
}

func (p *parser) ifstat(line int) ast.Stmt {
	p.next()
	top := &ast.IfStmt{Condition: p.expr()}
	p.checkNext(TThen)
	top.Then = p.block()
	cur := top
	for p.t.typ == TElseIf {
		elseif := &ast.IfStmt{}
		elseif.SetLine(p.t.line)
		p.next()
		elseif.Condition = p.expr()
		p.checkNext(TThen)
		elseif.Then = p.block()
		cur.Else = []ast.Stmt{elseif}
		cur = elseif
	}
	if p.testNext(TElse) {
		cur.Else = p.block()
	}
	p.end(top, TIf, line)
	return top
}

func (p *parser) forstat(line int) ast.Stmt {
	p.next()
	name := p.checkName()
	var st ast.Stmt
	switch p.t.typ {
	case '=':
		p.next()
		num := &ast.NumberForStmt{Name: name, Init: p.expr()}
		p.checkNext(',')
		num.Limit = p.expr()
		if p.testNext(',') {
			num.Step = p.expr()
		}
		p.checkNext(TDo)
		num.Stmts = p.loopBlock()
		st = num
	case ',', TIn:
		gen := &ast.GenericForStmt{Names: []string{name}}
		for p.testNext(',') {
			gen.Names = append(gen.Names, p.checkName())
		}
		p.checkNext(TIn)
		gen.Exprs = p.exprlist()
		p.checkNext(TDo)
		gen.Stmts = p.loopBlock()
		st = gen
	default:
		p.errorf("'=' or 'in' expected")
	}
	p.end(st, TFor, line)
	return st
}

func (p *parser) funcname() *ast.FuncName {
	id := &ast.IdentExpr{}
	id.SetLine(p.t.line)
	id.Value = p.checkName()
	name := &ast.FuncName{Func: id}
	for p.testNext('.') {
		key := &ast.StringExpr{}
		key.SetLine(p.t.line)
		key.Value = p.checkName()
		get := &ast.AttrGetExpr{Object: name.Func, Key: key}
		get.SetLine(key.Line())
		name = &ast.FuncName{Func: get}
	}
	if p.testNext(':') {
		name = &ast.FuncName{Receiver: name.Func, Method: p.checkName()}
	}
	return name
}

// body reads a function's parameters and block; line is where Lua says it
// opened, for "(to close 'function' at line N)".
func (p *parser) body(line int) *ast.FunctionExpr {
	f := &ast.FunctionExpr{ParList: &ast.ParList{Names: []string{}}}
	f.SetLine(p.t.line)
	p.checkNext('(')
	if p.t.typ != ')' {
		for {
			switch p.t.typ {
			case TIdent:
				f.ParList.Names = append(f.ParList.Names, p.t.str)
				p.next()
			case T3Comma:
				f.ParList.HasVargs = true
				p.next()
			default:
				p.errorf("<name> or '...' expected")
			}
			if f.ParList.HasVargs || !p.testNext(',') {
				break
			}
		}
	}
	p.fs = &funcState{parent: p.fs, vararg: f.ParList.HasVargs}
	p.checkNext(')')
	f.Stmts = p.block()
	f.SetLastLine(p.t.line)
	p.checkMatch(TEnd, TFunction, line)
	p.closeFunc()
	p.fs = p.fs.parent
	return f
}

// exprstat is a call or an assignment, told apart as Lua 5.1 does: what
// is not a call must be a variable followed by ',' or '=' ("'=' expected
// near 'socket'" for `import socket`).
func (p *parser) exprstat() ast.Stmt {
	e, kind := p.suffixedexp()
	if kind == kindCall {
		st := &ast.FuncCallStmt{Expr: e}
		st.SetLine(e.Line())
		return st
	}
	lhs := []ast.Expr{e}
	for {
		if kind != kindVar {
			p.errorf("syntax error")
		}
		if !p.testNext(',') {
			break
		}
		e, kind = p.suffixedexp()
		lhs = append(lhs, e)
	}
	p.checkNext('=')
	st := &ast.AssignStmt{Lhs: lhs, Rhs: p.exprlist()}
	st.SetLine(lhs[0].Line())
	return st
}

func (p *parser) exprlist() []ast.Expr {
	list := []ast.Expr{p.expr()}
	for p.testNext(',') {
		list = append(list, p.expr())
	}
	return list
}

func (p *parser) expr() ast.Expr {
	e, _ := p.subexpr(0)
	return e
}

const unaryPriority = 8

// binaryPriority is Lua's: left and right binding of each operator; a
// higher right than left makes it right associative ('^', '..').
func binaryPriority(op int) (left, right int) {
	switch op {
	case TOr:
		return 1, 1
	case TAnd:
		return 2, 2
	case '<', '>', TLte, TGte, TNeq, TEqeq:
		return 3, 3
	case T2Comma:
		return 5, 4
	case '+', '-':
		return 6, 6
	case '*', '/', '%':
		return 7, 7
	case '^':
		return 10, 9
	}
	return 0, 0
}

// subexpr reads an expression whose operators bind tighter than limit.
// kind is kindCall only for an expression that is just a call.
func (p *parser) subexpr(limit int) (ast.Expr, exprKind) {
	p.enter()
	defer p.leave()
	var e ast.Expr
	kind := kindOther
	switch op := p.t.typ; op {
	case TNot, '-', '#':
		p.next()
		x, _ := p.subexpr(unaryPriority)
		switch op {
		case TNot:
			e = &ast.UnaryNotOpExpr{Expr: x}
		case '-':
			e = &ast.UnaryMinusOpExpr{Expr: x}
		default:
			e = &ast.UnaryLenOpExpr{Expr: x}
		}
		e.SetLine(x.Line())
	default:
		e, kind = p.simpleexp()
	}
	for {
		op := p.t.typ
		left, right := binaryPriority(op)
		if left <= limit {
			return e, kind
		}
		p.next()
		rhs, _ := p.subexpr(right)
		e = binaryExpr(op, e, rhs)
		kind = kindOther
	}
}

func binaryExpr(op int, lhs, rhs ast.Expr) ast.Expr {
	var e ast.Expr
	switch op {
	case TOr:
		e = &ast.LogicalOpExpr{Operator: "or", Lhs: lhs, Rhs: rhs}
	case TAnd:
		e = &ast.LogicalOpExpr{Operator: "and", Lhs: lhs, Rhs: rhs}
	case T2Comma:
		e = &ast.StringConcatOpExpr{Lhs: lhs, Rhs: rhs}
	case '<', '>', TLte, TGte, TNeq, TEqeq:
		e = &ast.RelationalOpExpr{Operator: TokenName(op), Lhs: lhs, Rhs: rhs}
	default:
		e = &ast.ArithmeticOpExpr{Operator: TokenName(op), Lhs: lhs, Rhs: rhs}
	}
	e.SetLine(lhs.Line())
	return e
}

func (p *parser) simpleexp() (ast.Expr, exprKind) {
	var e ast.Expr
	switch p.t.typ {
	case TNumber:
		e = &ast.NumberExpr{Value: p.t.str}
	case TString:
		e = &ast.StringExpr{Value: p.t.str}
	case TNil:
		e = &ast.NilExpr{}
	case TTrue:
		e = &ast.TrueExpr{}
	case TFalse:
		e = &ast.FalseExpr{}
	case T3Comma:
		if !p.fs.vararg {
			p.errorf("cannot use '...' outside a vararg function")
		}
		e = &ast.Comma3Expr{}
	case '{':
		return p.constructor(), kindOther
	case TFunction:
		line := p.t.line
		p.next()
		body := p.body(p.lx.line)
		return spanning(&ast.FunctionExpr{ParList: body.ParList, Stmts: body.Stmts}, line, body.LastLine()), kindOther
	default:
		return p.suffixedexp()
	}
	e.SetLine(p.t.line)
	p.next()
	return e, kindOther
}

func (p *parser) primaryexp() (ast.Expr, exprKind) {
	switch p.t.typ {
	case TIdent:
		e := &ast.IdentExpr{Value: p.t.str}
		e.SetLine(p.t.line)
		p.next()
		return e, kindVar
	case '(':
		line := p.t.line
		p.next()
		e, kind := p.subexpr(0)
		p.checkMatch(')', '(', line)
		// As gopher-lua's grammar: "(f())" keeps one value of the call
		// and its line; any other parenthesized expression takes the line
		// of '(' and "(...)" keeps one value.
		if kind == kindCall {
			e.(*ast.FuncCallExpr).AdjustRet = true
		} else {
			if dots, ok := e.(*ast.Comma3Expr); ok {
				dots.AdjustRet = true
			}
			e.SetLine(line)
		}
		return e, kindOther
	}
	p.errorf("unexpected symbol")
	return nil, kindOther
}

func (p *parser) suffixedexp() (ast.Expr, exprKind) {
	e, kind := p.primaryexp()
	line := e.Line()
	for {
		switch p.t.typ {
		case '.':
			p.next()
			key := &ast.StringExpr{}
			key.SetLine(p.t.line)
			key.Value = p.checkName()
			e, kind = &ast.AttrGetExpr{Object: e, Key: key}, kindVar
		case '[':
			p.next()
			key := p.expr()
			p.checkNext(']')
			e, kind = &ast.AttrGetExpr{Object: e, Key: key}, kindVar
		case ':':
			p.next()
			method := p.checkName()
			e, kind = &ast.FuncCallExpr{Receiver: e, Method: method, Args: p.funcargs()}, kindCall
		case '(', TString, '{':
			e, kind = &ast.FuncCallExpr{Func: e, Args: p.funcargs()}, kindCall
		default:
			return e, kind
		}
		e.SetLine(line)
	}
}

func (p *parser) funcargs() []ast.Expr {
	line := p.lx.line
	switch p.t.typ {
	case '(':
		// Lua 5.1's rule: "f\n(g)()" is one call in Lua 5.4, two
		// statements to the eye; refused rather than guessed.
		if line != p.lastLine {
			p.errorf("ambiguous syntax (function call x new statement)")
		}
		p.next()
		args := []ast.Expr{}
		if p.t.typ != ')' {
			args = p.exprlist()
		}
		p.checkMatch(')', '(', line)
		return args
	case '{':
		return []ast.Expr{p.constructor()}
	case TString:
		s := &ast.StringExpr{Value: p.t.str}
		s.SetLine(p.t.line)
		p.next()
		return []ast.Expr{s}
	}
	p.errorf("function arguments expected")
	return nil
}

func (p *parser) constructor() ast.Expr {
	line := p.t.line
	p.checkNext('{')
	fields := []*ast.Field{}
	for p.t.typ != '}' {
		switch {
		case p.t.typ == TIdent && p.lookahead() == '=':
			key := &ast.StringExpr{Value: p.t.str}
			key.SetLine(p.t.line)
			p.next()
			p.next()
			fields = append(fields, &ast.Field{Key: key, Value: p.expr()})
		case p.t.typ == '[':
			p.next()
			key := p.expr()
			p.checkNext(']')
			p.checkNext('=')
			fields = append(fields, &ast.Field{Key: key, Value: p.expr()})
		default:
			fields = append(fields, &ast.Field{Value: p.expr()})
		}
		if !p.testNext(',') && !p.testNext(';') {
			break
		}
	}
	p.checkMatch('}', '{', line)
	t := &ast.TableExpr{Fields: fields}
	t.SetLine(line)
	return t
}
