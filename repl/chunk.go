package repl

import (
	"strings"

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
func compileTyped(code, name string) (*lua.FunctionProto, *luabind.Error) {
	if rest, ok := strings.CutPrefix(strings.TrimLeft(code, " \t"), "="); ok {
		proto, err := compile("return "+rest, name, false)
		if err != nil && err.Line == 1 {
			// The line and columns of the code typed, not of the code compiled.
			typed, _, _ := strings.Cut(code, "\n")
			shift := len([]rune("return ")) - len([]rune(code[:len(code)-len(rest)]))
			err.SourceLine = typed
			if err.Column > 0 {
				err.Column -= shift
			}
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

// compileFile compiles a file's code as Lua does (:load, -i FILE): as
// it is, so a syntax error has the line lua gives it.
func compileFile(code, name string) (*lua.FunctionProto, *luabind.Error) {
	return parseAndCompile(code, code, name, false)
}

// compile compiles typed code. A typed line ends with a newline: an
// unfinished short string is then reported near its text, at once, and
// not taken for input that more lines could complete (unless the line
// ends with a backslash).
func compile(code, name string, locals bool) (*lua.FunctionProto, *luabind.Error) {
	return parseAndCompile(code+"\n", code, name, locals)
}

func parseAndCompile(src, code, name string, locals bool) (*lua.FunctionProto, *luabind.Error) {
	chunk, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		return nil, luabind.NewSyntaxError(name, code, err)
	}
	if locals {
		keepLocals(chunk)
		showLastCall(chunk)
	}
	proto, err := lua.Compile(chunk, name)
	if err != nil {
		return nil, luabind.NewSyntaxError(name, code, err)
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
