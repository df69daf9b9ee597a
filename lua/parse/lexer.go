package parse

import (
	"strconv"
	"strings"
)

// Token types: a single-byte token is its byte ('+', '(', ...).
const (
	TAnd = 57346 + iota
	TBreak
	TDo
	TElse
	TElseIf
	TEnd
	TFalse
	TFor
	TFunction
	TIf
	TIn
	TLocal
	TNil
	TNot
	TOr
	TReturn
	TRepeat
	TThen
	TTrue
	TUntil
	TWhile
	TGoto
	TEqeq
	TNeq
	TLte
	TGte
	T2Comma
	T3Comma
	T2Colon
	TIdent
	TNumber
	TString

	// Lua 5.3 operators this Lua lacks. They are read as one token so that
	// a syntax error names what was written ("unexpected symbol near '//'").
	tIDiv
	tShl
	tShr
	tEOF = -1
)

var tokenNames = map[int]string{
	TAnd: "and", TBreak: "break", TDo: "do", TElse: "else", TElseIf: "elseif",
	TEnd: "end", TFalse: "false", TFor: "for", TFunction: "function", TIf: "if",
	TIn: "in", TLocal: "local", TNil: "nil", TNot: "not", TOr: "or",
	TReturn: "return", TRepeat: "repeat", TThen: "then", TTrue: "true",
	TUntil: "until", TWhile: "while", TGoto: "goto",
	TEqeq: "==", TNeq: "~=", TLte: "<=", TGte: ">=", T2Comma: "..", T3Comma: "...",
	T2Colon: "::", tIDiv: "//", tShl: "<<", tShr: ">>",
	TIdent: "<name>", TNumber: "<number>", TString: "<string>", tEOF: nearEOF,
}

// TokenName is the text of a token type as Lua writes it in messages:
// "end", "==", "<name>", "(".
func TokenName(c int) string {
	if s, ok := tokenNames[c]; ok {
		return s
	}
	return byteName(byte(c))
}

// byteName is how Lua shows a byte token: itself if printable ASCII, else
// its decimal code ("<\228>" for the first byte of a Chinese character).
func byteName(c byte) string {
	if c >= ' ' && c < 0x7f {
		return string(rune(c))
	}
	return `<\` + strconv.Itoa(int(c)) + ">"
}

func keyword(s string) int {
	switch s {
	case "and":
		return TAnd
	case "break":
		return TBreak
	case "do":
		return TDo
	case "else":
		return TElse
	case "elseif":
		return TElseIf
	case "end":
		return TEnd
	case "false":
		return TFalse
	case "for":
		return TFor
	case "function":
		return TFunction
	case "goto":
		return TGoto
	case "if":
		return TIf
	case "in":
		return TIn
	case "local":
		return TLocal
	case "nil":
		return TNil
	case "not":
		return TNot
	case "or":
		return TOr
	case "repeat":
		return TRepeat
	case "return":
		return TReturn
	case "then":
		return TThen
	case "true":
		return TTrue
	case "until":
		return TUntil
	case "while":
		return TWhile
	}
	return TIdent
}

type token struct {
	typ   int
	str   string // a name, a string's value, a number's text for the compiler
	start int    // offset of the first byte in the source
	end   int    // offset after the last byte
	line  int    // line of the first byte
	col   int    // 1-based byte column of the first byte
	quote byte   // a short string's delimiter; 0 for a long string
	level int    // a long string's number of '='
}

// lexer reads tokens as Lua 5.4's llex.c does, so that errors say what it
// says and at the same line; the escapes it reads are Lua 5.4's.
type lexer struct {
	src       string
	source    string // chunk name, for messages
	pos       int    // next byte to read
	line      int    // line of src[pos]
	lineStart int    // offset of the first byte of line
	tok       token  // the token being read, for lexical errors
	buf       []byte
}

func newLexer(src, source string) *lexer {
	lx := &lexer{src: src, source: source, line: 1}
	// Like lua(1) loading a file: a UTF-8 byte-order mark, then a first
	// line starting with '#' (#!/usr/bin/env lua), are skipped; the line
	// break stays, so line numbers stay right.
	if strings.HasPrefix(src, "\xEF\xBB\xBF") {
		lx.pos = 3
		lx.lineStart = 3
	}
	if lx.pos < len(src) && src[lx.pos] == '#' {
		for lx.pos < len(src) && src[lx.pos] != '\n' {
			lx.pos++
		}
	}
	return lx
}

func (lx *lexer) cur() int {
	if lx.pos < len(lx.src) {
		return int(lx.src[lx.pos])
	}
	return tEOF
}

func isNewline(c int) bool { return c == '\n' || c == '\r' }

// newline steps over "\n", "\r", "\r\n" or "\n\r": one line break each.
func (lx *lexer) newline() {
	old := lx.src[lx.pos]
	lx.pos++
	if c := lx.cur(); isNewline(c) && c != int(old) {
		lx.pos++
	}
	lx.line++
	lx.lineStart = lx.pos
}

func (lx *lexer) col(offset int) int { return offset - lx.lineStart + 1 }

// errorNear raises a lexical error near the token being read, whose text
// so far (as Lua shows it) is near, or at the end of the input.
func (lx *lexer) errorNear(msg, near string) {
	col := 0
	if lx.tok.line == lx.line {
		col = lx.tok.col
	}
	if near == nearEOF {
		col = lx.col(lx.pos)
	}
	panic(newError(lx.source, lx.line, col, msg, near))
}

func isAlpha(c int) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isDigit(c int) bool { return '0' <= c && c <= '9' }

func isAlnum(c int) bool { return isAlpha(c) || isDigit(c) }

func hexValue(c int) (int, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isSpace(c int) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// scan reads the next token.
func (lx *lexer) scan() token {
	for {
		c := lx.cur()
		switch c {
		case '\n', '\r':
			lx.newline()
			continue
		case ' ', '\t', '\f', '\v':
			lx.pos++
			continue
		}
		lx.tok = token{typ: c, start: lx.pos, line: lx.line, col: lx.col(lx.pos)}
		if c == '-' && strings.HasPrefix(lx.src[lx.pos:], "--") {
			lx.skipComment()
			continue
		}
		lx.scanToken(c)
		lx.tok.end = lx.pos
		return lx.tok
	}
}

func (lx *lexer) skipComment() {
	lx.pos += 2
	if lx.cur() == '[' {
		start := lx.pos
		if level, ok := lx.longBracket(); ok {
			lx.readLong(level, false)
			return
		}
		lx.pos = start
	}
	for c := lx.cur(); !isNewline(c) && c != tEOF; c = lx.cur() {
		lx.pos++
	}
}

// longBracket reads "[" and the '='s after it. ok is true before the second
// '[' of a long bracket, which it does not read.
func (lx *lexer) longBracket() (level int, ok bool) {
	lx.pos++
	for lx.cur() == '=' {
		lx.pos++
		level++
	}
	return level, lx.cur() == '['
}

func (lx *lexer) scanToken(c int) {
	t := &lx.tok
	// two reads c and, when the next byte is nexts[i], that byte too: a
	// two-byte token of type typs[i] (c alone keeps the type set above).
	two := func(nexts string, typs ...int) {
		lx.pos++
		if n := lx.cur(); n != tEOF {
			if i := strings.IndexByte(nexts, byte(n)); i >= 0 {
				lx.pos++
				t.typ = typs[i]
			}
		}
	}
	switch c {
	case tEOF:
		return
	case '[':
		level, ok := lx.longBracket()
		switch {
		case ok:
			t.typ, t.level = TString, level
			t.str = lx.readLong(level, true)
		case level > 0:
			lx.errorNear("invalid long string delimiter", lx.src[t.start:lx.pos])
		}
	case '=':
		two("=", TEqeq)
	case '<':
		two("=<", TLte, tShl)
	case '>':
		two("=>", TGte, tShr)
	case '/':
		two("/", tIDiv)
	case '~':
		two("=", TNeq)
	case ':':
		two(":", T2Colon)
	case '"', '\'':
		lx.readString()
	case '.':
		lx.pos++
		switch {
		case lx.cur() == '.':
			lx.pos++
			t.typ = T2Comma
			if lx.cur() == '.' {
				lx.pos++
				t.typ = T3Comma
			}
		case isDigit(lx.cur()):
			lx.readNumber()
		}
	default:
		switch {
		case isDigit(c):
			lx.readNumber()
		case isAlpha(c):
			for isAlnum(lx.cur()) {
				lx.pos++
			}
			t.str = lx.src[t.start:lx.pos]
			t.typ = keyword(t.str)
		default:
			lx.pos++
		}
	}
}

// readNumber reads a numeral as Lua 5.4 does (decimal or hexadecimal,
// with an exponent, and a letter touching it is part of it), and gives it
// the value Lua 5.1 does: every number is a float64.
func (lx *lexer) readNumber() {
	t := &lx.tok
	expo := "Ee"
	if lx.cur() == '0' && lx.pos+1 < len(lx.src) && (lx.src[lx.pos+1] == 'x' || lx.src[lx.pos+1] == 'X') {
		lx.pos += 2
		expo = "Pp"
	}
	for {
		c := lx.cur()
		if c != tEOF && strings.IndexByte(expo, byte(c)) >= 0 {
			lx.pos++
			if c := lx.cur(); c == '+' || c == '-' {
				lx.pos++
			}
		} else if _, hex := hexValue(c); hex || c == '.' {
			lx.pos++
		} else {
			break
		}
	}
	if isAlpha(lx.cur()) {
		lx.pos++
	}
	text := lx.src[t.start:lx.pos]
	v, ok := numberValue(text)
	if !ok {
		lx.errorNear("malformed number", text)
	}
	t.typ = TNumber
	t.str = numberText(text, v)
}

// numberValue is the value of a Lua numeral, or false if text is not one.
func numberValue(text string) (float64, bool) {
	if len(text) > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') {
		mant, exp, hasExp := text[2:], "0", false
		if i := strings.IndexAny(mant, "pP"); i >= 0 {
			mant, exp, hasExp = mant[:i], mant[i+1:], true
		}
		digits := 0
		for i, c := range []byte(mant) {
			if _, ok := hexValue(int(c)); ok {
				digits++
			} else if c != '.' || strings.IndexByte(mant[i+1:], '.') >= 0 {
				return 0, false
			}
		}
		if digits == 0 || hasExp && !isExponent(exp) {
			return 0, false
		}
		return parseFloat("0x" + mant + "p" + exp)
	}
	mant, exp := text, ""
	if i := strings.IndexAny(text, "eE"); i >= 0 {
		mant, exp = text[:i], text[i+1:]
		if !isExponent(exp) {
			return 0, false
		}
	}
	digits := 0
	for i, c := range []byte(mant) {
		if isDigit(int(c)) {
			digits++
		} else if c != '.' || strings.IndexByte(mant[i+1:], '.') >= 0 {
			return 0, false
		}
	}
	if digits == 0 {
		return 0, false
	}
	return parseFloat(text)
}

func isExponent(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !isDigit(int(c)) {
			return false
		}
	}
	return true
}

// parseFloat rounds as C's strtod does; out of range is ±Inf or 0, as in Lua.
func parseFloat(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && err.(*strconv.NumError).Err != strconv.ErrRange {
		return 0, false
	}
	return v, true
}

// numberText is the text of a NumberExpr for a numeral of value v. The
// compiler reads it with lua.parseNumber (strconv.ParseInt base 0, then
// ParseFloat), which takes "010" for octal and rejects hexadecimal
// fractions and huge hexadecimal integers; those get v's own text.
func numberText(text string, v float64) string {
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		if float64(n) == v {
			return text
		}
	} else if f, err := strconv.ParseFloat(text, 64); err == nil && f == v {
		return text
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// readString reads a short string; escapes are Lua 5.4's.
func (lx *lexer) readString() {
	t := &lx.tok
	quote := lx.src[lx.pos]
	t.quote = quote
	lx.pos++
	buf := lx.buf[:0]
	// escError reports a bad escape near the string read so far and the
	// escape's text up to the byte that is wrong, as Lua does.
	escError := func(escStart int, msg string) {
		end := min(lx.pos+1, len(lx.src))
		lx.errorNear(msg, string(quote)+string(buf)+lx.src[escStart:end])
	}
	for {
		c := lx.cur()
		switch c {
		case int(quote):
			lx.pos++
			t.typ = TString
			t.str = string(buf)
			lx.buf = buf
			return
		case tEOF:
			lx.errorNear("unfinished string", nearEOF)
		case '\n', '\r':
			lx.errorNear("unfinished string", string(quote)+string(buf))
		case '\\':
			escStart := lx.pos
			lx.pos++
			e := lx.cur()
			switch e {
			case tEOF:
				continue // unfinished string
			case 'a', 'b', 'f', 'n', 'r', 't', 'v':
				buf = append(buf, "\a\b\f\n\r\t\v"[strings.IndexByte("abfnrtv", byte(e))])
			case '\\', '"', '\'':
				buf = append(buf, byte(e))
			case '\n', '\r':
				lx.newline()
				buf = append(buf, '\n')
				continue
			case 'x':
				v := 0
				for range 2 {
					lx.pos++
					h, ok := hexValue(lx.cur())
					if !ok {
						escError(escStart, "hexadecimal digit expected")
					}
					v = v<<4 + h
				}
				buf = append(buf, byte(v))
			case 'u':
				lx.pos++
				if lx.cur() != '{' {
					escError(escStart, "missing '{'")
				}
				lx.pos++
				r, ok := hexValue(lx.cur())
				if !ok {
					escError(escStart, "hexadecimal digit expected")
				}
				for {
					lx.pos++
					h, ok := hexValue(lx.cur())
					if !ok {
						break
					}
					if r > 0x7FFFFFFF>>4 {
						escError(escStart, "UTF-8 value too large")
					}
					r = r<<4 + h
				}
				if lx.cur() != '}' {
					escError(escStart, "missing '}'")
				}
				buf = AppendUTF8(buf, uint32(r))
			case 'z':
				lx.pos++
				for isSpace(lx.cur()) {
					if isNewline(lx.cur()) {
						lx.newline()
					} else {
						lx.pos++
					}
				}
				continue
			default:
				if !isDigit(e) {
					escError(escStart, "invalid escape sequence")
				}
				v := 0
				for i := 0; i < 3 && isDigit(lx.cur()); i++ {
					v = v*10 + lx.cur() - '0'
					lx.pos++
				}
				if v > 0xFF {
					escError(escStart, "decimal escape too large")
				}
				buf = append(buf, byte(v))
				continue
			}
			lx.pos++
		default:
			buf = append(buf, byte(c))
			lx.pos++
		}
	}
}

// AppendUTF8 appends x in UTF-8 as Lua 5.4 writes it, for a \u{XXX}
// escape and utf8.char alike: values up to 2^31 in the original UTF-8 of
// up to six bytes, surrogates included, so the bytes are those of lua5.4.
func AppendUTF8(buf []byte, x uint32) []byte {
	if x < 0x80 {
		return append(buf, byte(x))
	}
	var tmp [6]byte
	n := 0
	mfb := uint32(0x3f) // the largest value that fits in the first byte
	for {
		tmp[5-n] = byte(0x80 | x&0x3f)
		n++
		x >>= 6
		mfb >>= 1
		if x <= mfb {
			break
		}
	}
	tmp[5-n] = byte(^mfb<<1 | x)
	return append(buf, tmp[5-n:]...)
}

// readLong reads a long string or comment after its opening "[==", at the
// second '['. A first line break is not part of the string; every line
// break in it is "\n".
func (lx *lexer) readLong(level int, keep bool) string {
	startLine := lx.line
	lx.pos++
	if isNewline(lx.cur()) {
		lx.newline()
	}
	buf := lx.buf[:0]
	for {
		c := lx.cur()
		switch c {
		case tEOF:
			what := "comment"
			if keep {
				what = "string"
			}
			lx.errorNear("unfinished long "+what+" (starting at line "+strconv.Itoa(startLine)+")", nearEOF)
		case ']':
			start := lx.pos
			lx.pos++
			n := 0
			for lx.cur() == '=' {
				lx.pos++
				n++
			}
			if n == level && lx.cur() == ']' {
				lx.pos++
				lx.buf = buf
				if !keep {
					return ""
				}
				return string(buf)
			}
			if keep {
				buf = append(buf, lx.src[start:lx.pos]...)
			}
		case '\n', '\r':
			lx.newline()
			if keep {
				buf = append(buf, '\n')
			}
		default:
			if keep {
				buf = append(buf, byte(c))
			}
			lx.pos++
		}
	}
}

// nearText is the text Lua shows for token t after "near": a name or
// numeral as written, a string with its delimiters, else TokenName.
func (lx *lexer) nearText(t token) string {
	switch t.typ {
	case TIdent, TNumber:
		return lx.src[t.start:t.end]
	case TString:
		if t.quote != 0 {
			return string(t.quote) + t.str + string(t.quote)
		}
		eq := strings.Repeat("=", t.level)
		return "[" + eq + "[" + t.str + "]" + eq + "]"
	}
	return TokenName(t.typ)
}
