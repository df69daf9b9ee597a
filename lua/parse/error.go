package parse

import (
	"fmt"

	"github.com/sockplay/sockplay/lua/ast"
)

// EOF is the line of Pos in an Error found at the end of the input.
const EOF = -1

// An Error is a syntax error. Its text is Lua 5.4's:
//
//	f.lua:3: 'end' expected (to close 'if' at line 1) near <eof>
//
// Source, Line and Message make the "f.lua:3: ..." part; Near is the token
// the error was found at, as Lua names it after "near": the token's text
// ("=", "socket", `"abc` for an unfinished string, "<\228>" for a byte that
// is not printable ASCII), "<eof>" at the end of the input, or "" when the
// message names no token ("chunk has too many syntax levels").
type Error struct {
	Source  string
	Line    int    // the line Lua reports: where the lexer was (the end of the Near token)
	Column  int    // 1-based byte offset in Line where Near starts; 0 when Near starts on an earlier line or is ""
	Message string // without position and near part: "'=' expected"
	Near    string
	// StmtLine is the line where the innermost statement being read
	// began (0: none had begun): the line of `while True:` when the
	// error is found at the end of the input. A block's first line once
	// its inner statements are read, so "'end' expected" names the
	// block's line.
	StmtLine int

	// Pos and Token are gopher-lua's fields, kept as they were for its
	// callers: Pos.Line is EOF when Near is "<eof>" (an input more lines
	// could complete), else Line; Pos.Column is the column of the last byte
	// of Near; Token is Near.
	Pos   ast.Position
	Token string
}

func (e *Error) Error() string {
	switch e.Near {
	case "":
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Message)
	case nearEOF:
		return fmt.Sprintf("%s:%d: %s near %s", e.Source, e.Line, e.Message, nearEOF)
	}
	return fmt.Sprintf("%s:%d: %s near '%s'", e.Source, e.Line, e.Message, e.Near)
}

const nearEOF = "<eof>"

func newError(source string, line, col int, msg, near string) *Error {
	e := &Error{Source: source, Line: line, Column: col, Message: msg, Near: near, Token: near}
	e.Pos = ast.Position{Source: source, Line: line}
	if col > 0 {
		e.Pos.Column = col + len(near) - 1
	}
	if near == nearEOF {
		e.Pos = ast.Position{Source: source, Line: EOF}
	}
	return e
}
