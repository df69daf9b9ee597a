package repl

import (
	"errors"
	"fmt"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/ast"
	"github.com/sockplay/sockplay/lua/parse"
)

// syntaxError is a chunk that does not compile. incomplete: it ends in the
// middle of something (an open block, call, table or long string) that
// more lines could finish.
type syntaxError struct {
	msg        string // "stdin:1: syntax error near '='"
	line, col  int    // where, 1-based; col 0 if unknown
	incomplete bool
}

// compileTyped compiles what the user typed. It is tried as `return
// <code>` first, so an expression shows its values, then as statements;
// "=expr" means "return expr". As statements, top-level locals become
// globals (keepLocals) and a call that ends the chunk shows its values
// (showLastCall).
func compileTyped(code, name string) (*lua.FunctionProto, *syntaxError) {
	if rest, ok := strings.CutPrefix(strings.TrimLeft(code, " \t"), "="); ok {
		proto, err := compile("return "+rest, name, false)
		if err != nil && err.line == 1 && err.col > 0 {
			// Columns of the code typed, not of the code compiled.
			err.col -= len("return ") - (len(code) - len(rest))
		}
		return noTailCalls(proto), err
	}
	if proto, err := compile("return "+code, name, false); err == nil {
		return noTailCalls(proto), nil
	}
	proto, err := compile(code, name, true)
	return noTailCalls(proto), err
}

// noTailCalls turns the chunk's own tail calls (the `return f()` it was
// given) into plain calls, so that an error's traceback still shows f:
// a tail call drops the caller's frame, and the typed line's with it.
func noTailCalls(proto *lua.FunctionProto) *lua.FunctionProto {
	if proto == nil {
		return nil
	}
	const opShift, argMask = 26, 1<<26 - 1 // gopher-lua's instruction layout
	for i, inst := range proto.Code {
		if int(inst>>opShift) == lua.OP_TAILCALL {
			proto.Code[i] = inst&argMask | uint32(lua.OP_CALL)<<opShift
		}
	}
	return proto
}

// compileFile compiles a file's code as Lua does (:load).
func compileFile(code, name string) (*lua.FunctionProto, *syntaxError) {
	return compile(code, name, false)
}

func compile(code, name string, locals bool) (*lua.FunctionProto, *syntaxError) {
	chunk, err := parse.Parse(strings.NewReader(code), name)
	if err != nil {
		return nil, parseError(err, code, name)
	}
	if locals {
		keepLocals(chunk)
		showLastCall(chunk)
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, &syntaxError{msg: fmt.Sprintf("%s: %v", name, err)}
	}
	return proto, nil
}

// parseError describes a parse error as Lua does: "name:line: message
// near 'token'", with the column of the token's start.
func parseError(err error, code, name string) *syntaxError {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return &syntaxError{msg: fmt.Sprintf("%s: %v", name, err)}
	}
	lines := strings.Split(code, "\n")
	if pe.Pos.Line == parse.EOF {
		last := lines[len(lines)-1]
		// A short string cannot span lines unless the line ends with a
		// backslash: reported at once, as Lua does, not continued.
		if pe.Message == "unterminated string" && !strings.HasSuffix(last, `\`) {
			e := &syntaxError{line: len(lines)}
			quoted := pe.Token
			if i := strings.LastIndex(last, pe.Token); i > 0 {
				quoted = last[i-1:]
				e.col = len([]rune(last[:i-1])) + 1
			}
			e.msg = fmt.Sprintf("%s:%d: unfinished string near '%s'", name, e.line, quoted)
			return e
		}
		return &syntaxError{incomplete: true,
			msg: fmt.Sprintf("%s: %s at end of input", name, pe.Message)}
	}
	e := &syntaxError{line: pe.Pos.Line,
		msg: fmt.Sprintf("%s:%d: %s near '%s'", name, pe.Pos.Line, pe.Message, pe.Token)}
	// gopher-lua's column is that of the token's last character.
	if pe.Pos.Column > 0 {
		e.col = max(pe.Pos.Column-len([]rune(pe.Token))+1, 1)
	}
	return e
}

// keepLocals turns the chunk's top-level `local` statements into global
// assignments, so what a line defines survives it: at the prompt,
// `local s = socket.socket()` then `s:bind(...)` on the next line works.
// Locals inside functions and blocks stay local.
func keepLocals(chunk []ast.Stmt) {
	for i, st := range chunk {
		local, ok := st.(*ast.LocalAssignStmt)
		if !ok {
			continue
		}
		assign := &ast.AssignStmt{Rhs: local.Exprs}
		for _, n := range local.Names {
			id := &ast.IdentExpr{Value: n}
			id.SetLine(local.Line())
			id.SetLastLine(local.LastLine())
			assign.Lhs = append(assign.Lhs, id)
		}
		assign.SetLine(local.Line())
		assign.SetLastLine(local.LastLine())
		chunk[i] = assign
	}
}

// showLastCall makes a call that ends the chunk return its values, so
// they are shown as an expression's are: after
// `c = socket.create_connection(addr); c:sendall("hi"); c:recv(10)` the
// reply shows, as Python shows it. A call that returns nothing (print)
// shows nothing.
func showLastCall(chunk []ast.Stmt) {
	if len(chunk) == 0 {
		return
	}
	call, ok := chunk[len(chunk)-1].(*ast.FuncCallStmt)
	if !ok {
		return
	}
	ret := &ast.ReturnStmt{Exprs: []ast.Expr{call.Expr}}
	ret.SetLine(call.Line())
	ret.SetLastLine(call.LastLine())
	chunk[len(chunk)-1] = ret
}
