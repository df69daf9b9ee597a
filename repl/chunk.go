package repl

import (
	"strings"
	"unicode/utf8"

	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/ast"
	"github.com/sockplay/sockplay/lua/parse"
	"github.com/sockplay/sockplay/luabind"
)

// compileTyped compiles what the user typed. It is tried as `return
// <code>` first, so an expression shows its values, then as statements;
// "=expr" means "return expr". As statements, top-level locals become
// globals (keepLocals) and a call that ends the chunk shows its values
// (showLastCall). A chunk that does not compile gives luabind's syntax
// error (Incomplete: more lines could finish it).
//
// When neither compiles and the statement's error is at the very first
// token, nothing there can start a statement (1 != 2): it was meant as an
// expression, and the expression's error says what is wrong with it.
func compileTyped(rt *luabind.Runtime, code, name string) (*lua.FunctionProto, *luabind.Error) {
	if rest, ok := strings.CutPrefix(strings.TrimLeft(code, " \t"), "="); ok {
		proto, err := compileReturn(rt, rest, code, name)
		return noTailCalls(proto), err
	}
	proto, exprErr := compileReturn(rt, code, code, name)
	if exprErr == nil {
		return noTailCalls(proto), nil
	}
	proto, err := compile(rt, code, name, true)
	if err != nil && !err.Incomplete && !exprErr.Incomplete && err.Line == 1 {
		first := utf8.RuneCountInString(code[:len(code)-len(strings.TrimLeft(code, " \t"))]) + 1
		if err.Column == first && (exprErr.Line > 1 || exprErr.Column > first) {
			err = exprErr
		}
	}
	return noTailCalls(proto), err
}

// compileReturn compiles "return " + expr, where expr ends typed (the
// code as typed, maybe with a leading "="); an error on its first line
// shows that line as typed, its column counted there.
func compileReturn(rt *luabind.Runtime, expr, typed, name string) (*lua.FunctionProto, *luabind.Error) {
	proto, err := compile(rt, "return "+expr, name, false)
	if err != nil && err.Line == 1 {
		first, _, _ := strings.Cut(typed, "\n")
		shift := utf8.RuneCountInString("return ") - utf8.RuneCountInString(typed[:len(typed)-len(expr)])
		err.SourceLine = first
		if err.Column > 0 {
			err.Column -= shift
		}
	}
	return proto, err
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

// compileFile compiles a file's code as Lua does (:load, -i FILE): as
// it is, so a syntax error has the line lua gives it.
func compileFile(rt *luabind.Runtime, code, name string) (*lua.FunctionProto, *luabind.Error) {
	return parseAndCompile(rt, code, code, name, false)
}

// compile compiles typed code. A typed line ends with a newline: an
// unfinished short string is then reported near its text, at once, and
// not taken for input that more lines could complete (unless the line
// ends with a backslash).
func compile(rt *luabind.Runtime, code, name string, locals bool) (*lua.FunctionProto, *luabind.Error) {
	return parseAndCompile(rt, code+"\n", code, name, locals)
}

// unfinishedError is why code, an unfinished chunk given up on, does
// not compile, at the line where it stops: compile's newline would put
// the end of input on a line nobody typed. why is compile's error.
func unfinishedError(rt *luabind.Runtime, code string, why *luabind.Error) *luabind.Error {
	code = strings.TrimRight(code, " \t\n")
	if _, err := parseAndCompile(rt, code, code, chunkName, false); err != nil {
		return err
	}
	return why
}

func parseAndCompile(rt *luabind.Runtime, src, code, name string, locals bool) (*lua.FunctionProto, *luabind.Error) {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, rt.NewSyntaxError(name, code, err)
	}
	if locals {
		keepLocals(chunk)
		showLastCall(chunk)
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, rt.NewSyntaxError(name, code, err)
	}
	return proto, nil
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
