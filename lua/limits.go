package lua

import (
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/sockplay/sockplay/lua/ast"
)

// Defaults of the limits in Options. C Lua gets its bounds from the C
// stack (LUAI_MAXCCALLS) and from malloc failing; gopher-lua had neither:
// one call could ask Go for terabytes (a fatal, unrecoverable "out of
// memory") or recurse until Go's fatal "stack overflow".
const (
	// DefaultMaxStringSize (1 GiB) is far beyond what a script means to
	// build and below what makes Go's allocator give up on a usual machine.
	DefaultMaxStringSize = 1 << 30
	// DefaultMaxSourceSize (64 MiB): parsing costs a few hundred bytes
	// of memory per byte of source at worst.
	DefaultMaxSourceSize = 64 << 20
	// DefaultMaxSyntaxDepth and DefaultMaxCoroutineDepth are C Lua's
	// LUAI_MAXCCALLS.
	DefaultMaxSyntaxDepth    = 200
	DefaultMaxCoroutineDepth = 200
)

// The limits in effect: an option's value, or its default when it is not
// positive.
func (o *Options) maxStringSize() int  { return positiveOr(o.MaxStringSize, DefaultMaxStringSize) }
func (o *Options) maxSourceSize() int  { return positiveOr(o.MaxSourceSize, DefaultMaxSourceSize) }
func (o *Options) maxSyntaxDepth() int { return positiveOr(o.MaxSyntaxDepth, DefaultMaxSyntaxDepth) }
func (o *Options) maxCoroutineDepth() int {
	return positiveOr(o.MaxCoroutineDepth, DefaultMaxCoroutineDepth)
}

func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// checkStringSize raises "resulting string too large" (Lua 5.3's words)
// when fname would build a string of size bytes, more than the limit.
// size is a float so that a product that overflows int still compares
// right.
func (ls *LState) checkStringSize(fname string, size float64) {
	if max := ls.Options.maxStringSize(); size > float64(max) || math.IsNaN(size) {
		ls.RaiseError("%s", stringTooLarge(fname, size, max))
	}
}

// CheckStringSize is checkStringSize for the host's libraries (string.pack
// is lualib's): it raises when fname would build a string of size bytes,
// more than Options.MaxStringSize.
func (ls *LState) CheckStringSize(fname string, size float64) {
	ls.checkStringSize(fname, size)
}

// cappedBuilder builds fname's result, a string of at most max bytes
// (Options.MaxStringSize): add raises "resulting string too large"
// rather than pass it.
type cappedBuilder struct {
	strings.Builder
	L     *LState
	fname string
	max   int
}

func (ls *LState) cappedBuilder(fname string) cappedBuilder {
	return cappedBuilder{L: ls, fname: fname, max: ls.Options.maxStringSize()}
}

func (b *cappedBuilder) add(s string) {
	if b.Len()+len(s) > b.max {
		b.L.RaiseError("%s", stringTooLarge(b.fname, float64(b.Len())+float64(len(s)), b.max))
	}
	b.WriteString(s)
}

func stringTooLarge(fname string, size float64, max int) string {
	return fmt.Sprintf("%s: resulting string too large (%.0f bytes, the limit is %d)", fname, size, max)
}

// syntaxDepth finds where chunk nests deeper than max "syntax levels",
// counted as C Lua's parser counts them (enterlevel): one per block and
// one per expression nested in another, except that chains which Lua's
// parser reads in a loop (the left operand of a left-associative
// operator, a.b.c, f()(), elseif) stay on one level. It returns the line
// of the first node too deep, or 0. The walk itself recurses only once
// per level, so a chain of a million terms costs no Go stack.
//
// The compiler recurses once per AST level in Go: this check keeps
// loadstring(("a.."):rep(1e6).."a") an error instead of a Go stack of
// gigabytes.
func syntaxDepth(chunk []ast.Stmt, max int) int {
	w := depthWalker{max: max}
	w.block(chunk, 1)
	return w.line
}

type depthWalker struct {
	max  int
	line int // where the limit was passed; 0 while it was not
}

func (w *depthWalker) over(level int, node ast.PositionHolder) bool {
	if w.line != 0 {
		return true
	}
	if level > w.max {
		w.line = node.Line()
		if w.line == 0 {
			w.line = 1
		}
		return true
	}
	return false
}

func (w *depthWalker) block(stmts []ast.Stmt, level int) {
	for _, st := range stmts {
		w.stmt(st, level)
		if w.line != 0 {
			return
		}
	}
}

func (w *depthWalker) exprs(es []ast.Expr, level int) {
	for _, e := range es {
		w.expr(e, level)
	}
}

func (w *depthWalker) stmt(st ast.Stmt, level int) {
	if w.over(level, st) {
		return
	}
	switch s := st.(type) {
	case *ast.AssignStmt:
		w.exprs(s.Lhs, level+1)
		w.exprs(s.Rhs, level+1)
	case *ast.LocalAssignStmt:
		w.exprs(s.Exprs, level+1)
	case *ast.FuncCallStmt:
		w.expr(s.Expr, level+1)
	case *ast.DoBlockStmt:
		w.block(s.Stmts, level+1)
	case *ast.WhileStmt:
		w.expr(s.Condition, level+1)
		w.block(s.Stmts, level+1)
	case *ast.RepeatStmt:
		w.block(s.Stmts, level+1)
		w.expr(s.Condition, level+1)
	case *ast.IfStmt:
		for {
			w.expr(s.Condition, level+1)
			w.block(s.Then, level+1)
			if len(s.Else) == 1 {
				if next, ok := s.Else[0].(*ast.IfStmt); ok {
					s = next // elseif
					continue
				}
			}
			w.block(s.Else, level+1)
			break
		}
	case *ast.NumberForStmt:
		w.expr(s.Init, level+1)
		w.expr(s.Limit, level+1)
		if s.Step != nil {
			w.expr(s.Step, level+1)
		}
		w.block(s.Stmts, level+1)
	case *ast.GenericForStmt:
		w.exprs(s.Exprs, level+1)
		w.block(s.Stmts, level+1)
	case *ast.FuncDefStmt:
		w.expr(s.Func, level+1)
	case *ast.ReturnStmt:
		w.exprs(s.Exprs, level+1)
	}
}

func (w *depthWalker) expr(e ast.Expr, level int) {
	for e != nil && !w.over(level, e) {
		switch x := e.(type) {
		case *ast.AttrGetExpr:
			w.expr(x.Key, level+1)
			e = x.Object
		case *ast.FuncCallExpr:
			w.exprs(x.Args, level+1)
			if x.Receiver != nil {
				e = x.Receiver
			} else {
				e = x.Func
			}
		case *ast.TableExpr:
			for _, f := range x.Fields {
				w.expr(f.Key, level+1)
				w.expr(f.Value, level+1)
			}
			return
		case *ast.FunctionExpr:
			w.block(x.Stmts, level+1)
			return
		case *ast.LogicalOpExpr:
			w.expr(x.Rhs, level+1)
			e = x.Lhs
		case *ast.RelationalOpExpr:
			w.expr(x.Rhs, level+1)
			e = x.Lhs
		case *ast.StringConcatOpExpr:
			w.expr(x.Rhs, level+1)
			e = x.Lhs
		case *ast.ArithmeticOpExpr:
			w.expr(x.Rhs, level+1)
			e = x.Lhs
		case *ast.UnaryMinusOpExpr:
			e, level = x.Expr, level+1
		case *ast.UnaryNotOpExpr:
			e, level = x.Expr, level+1
		case *ast.UnaryLenOpExpr:
			e, level = x.Expr, level+1
		default:
			return
		}
	}
}

// openFile opens a file for the libraries, through Options.OpenFile when
// the host set it.
func (ls *LState) openFile(name string, flag int, perm os.FileMode) (*os.File, error) {
	if open := ls.Options.OpenFile; open != nil {
		return open(ls, name, flag, perm)
	}
	return os.OpenFile(name, flag, perm)
}
