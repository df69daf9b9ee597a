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
	// A typed line ends with a newline: an unfinished short string is then
	// reported near its text, at once, and not taken for input that more
	// lines could complete (unless the line ends with a backslash).
	chunk, err := parse.Parse(strings.NewReader(code+"\n"), name)
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

// parseError describes a parse error as Lua does ("name:line: message
// near 'token'", parse.Error's own text), with the column where the token
// starts for the caret. An error at the end of the input means more lines
// could complete the chunk.
func parseError(err error, code, name string) *syntaxError {
	var pe *parse.Error
	if !errors.As(err, &pe) {
		return &syntaxError{msg: fmt.Sprintf("%s: %v", name, err)}
	}
	lines := strings.Split(code, "\n")
	if pe.Near == "<eof>" {
		return &syntaxError{incomplete: true, msg: pe.Error()}
	}
	e := &syntaxError{line: pe.Line, msg: pe.Error()}
	if pe.Column > 0 && pe.Line >= 1 && pe.Line <= len(lines) {
		line := lines[pe.Line-1]
		col := min(pe.Column-1, len(line))
		e.col = len([]rune(line[:col])) + 1
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
