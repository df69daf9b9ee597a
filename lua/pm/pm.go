// Package pm matches Lua patterns.
//
// The matcher works as Lua 5.1's lstrlib.c does, so that what matches,
// what is captured and which patterns are errors are the same: a
// backtracking matcher that reads the pattern text directly. It
// recurses once per pattern item, not once per subject byte (a quantified
// single class is expanded in a loop), and it can be interrupted: a
// pattern such as ("a*"):rep(22).."b" takes exponential time in every
// backtracking matcher, Lua's included, so a caller that has a deadline
// passes a done channel.
package pm

import (
	"bytes"
	"errors"
	"fmt"
)

const (
	// EOS and _UNKNOWN are the positions of Error (kept for callers of
	// the original API; the matcher reports _UNKNOWN).
	EOS      = -1
	_UNKNOWN = -2

	// MaxCaptures is Lua's LUA_MAXCAPTURES.
	MaxCaptures = 32
	// maxDepth bounds the recursion of one match (one level per pattern
	// item on the current path); Lua 5.2 and later bound it too, to 200.
	// Deeper patterns fail with "pattern too complex".
	maxDepth = 5000
	// checkEvery is how many steps pass between looks at the done
	// channel.
	checkEvery = 1 << 12
)

// Error is a malformed pattern, or a capture the replacement asks for
// that the pattern does not have.
type Error struct {
	Pos     int
	Message string
}

func newError(message string) *Error { return &Error{_UNKNOWN, message} }

func (e *Error) Error() string {
	switch e.Pos {
	case EOS:
		return fmt.Sprintf("%s at EOS", e.Message)
	case _UNKNOWN:
		return e.Message
	default:
		return fmt.Sprintf("%s at %d", e.Message, e.Pos)
	}
}

// ErrInterrupted is returned when the done channel closed during a match.
var ErrInterrupted = errors.New("pattern matching interrupted")

// Capture lengths that are not lengths, as Lua's CAP_UNFINISHED and
// CAP_POSITION.
const (
	CapUnfinished = -1
	CapPosition   = -2
)

type capture struct {
	init, len int
}

// Matcher matches one pattern against one subject. It is not safe for
// concurrent use.
type Matcher struct {
	src     []byte
	pat     string
	level   int
	capture [MaxCaptures]capture
	depth   int
	steps   int
	done    <-chan struct{}
}

// NewMatcher returns a matcher of pattern against src. done, if not nil,
// interrupts a match when it closes.
func NewMatcher(pattern string, src []byte, done <-chan struct{}) *Matcher {
	return &Matcher{src: src, pat: pattern, done: done}
}

// Match tries the pattern from pattern index p against the subject from
// index s, with no captures yet. It returns where the match ends, or -1.
func (m *Matcher) Match(s, p int) (end int, err error) {
	defer func() {
		if v := recover(); v != nil {
			switch e := v.(type) {
			case *Error:
				end, err = -1, e
			case interruption:
				end, err = -1, ErrInterrupted
			default:
				panic(v)
			}
		}
	}()
	m.level = 0
	m.depth = 0
	return m.match(s, p), nil
}

type interruption struct{}

// Level is how many captures the last match opened.
func (m *Matcher) Level() int { return m.level }

// Capture returns where capture i (from 0) starts and its length, or
// CapUnfinished or CapPosition as its length.
func (m *Matcher) Capture(i int) (start, length int) {
	c := m.capture[i]
	return c.init, c.len
}

func (m *Matcher) step() {
	m.steps++
	if m.steps%checkEvery == 0 && m.done != nil {
		select {
		case <-m.done:
			panic(interruption{})
		default:
		}
	}
}

// classEnd returns the index just after the single-character class that
// starts at p.
func (m *Matcher) classEnd(p int) int {
	pat := m.pat
	c := pat[p]
	p++
	switch c {
	case '%':
		if p >= len(pat) {
			panic(newError("malformed pattern (ends with '%')"))
		}
		return p + 1
	case '[':
		if p < len(pat) && pat[p] == '^' {
			p++
		}
		// The first character is part of the set even if it is ']'.
		for {
			if p >= len(pat) {
				panic(newError("malformed pattern (missing ']')"))
			}
			c := pat[p]
			p++
			if c == '%' && p < len(pat) {
				p++
			}
			if p < len(pat) && pat[p] == ']' {
				return p + 1
			}
		}
	default:
		return p
	}
}

// matchClass reports whether c belongs to the class %cl (C locale).
func matchClass(c byte, cl byte) bool {
	var res bool
	switch cl | 0x20 {
	case 'a':
		res = isAlpha(c)
	case 'c':
		res = c < 32 || c == 127
	case 'd':
		res = '0' <= c && c <= '9'
	case 'l':
		res = 'a' <= c && c <= 'z'
	case 'p':
		res = isPunct(c)
	case 's':
		res = c == ' ' || ('\t' <= c && c <= '\r')
	case 'u':
		res = 'A' <= c && c <= 'Z'
	case 'w':
		res = isAlpha(c) || ('0' <= c && c <= '9')
	case 'x':
		res = ('0' <= c && c <= '9') || ('a' <= c|0x20 && c|0x20 <= 'f')
	case 'z':
		res = c == 0
	default:
		return cl == c
	}
	if 'A' <= cl && cl <= 'Z' {
		return !res
	}
	return res
}

func isAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isPunct(c byte) bool {
	return (33 <= c && c <= 47) || (58 <= c && c <= 64) || (91 <= c && c <= 96) || (123 <= c && c <= 126)
}

// matchBracketClass reports whether c is in the set [..] from p (the
// '[') to ec (the ']').
func (m *Matcher) matchBracketClass(c byte, p, ec int) bool {
	pat := m.pat
	sig := true
	if pat[p+1] == '^' {
		sig = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			if matchClass(c, pat[p]) {
				return sig
			}
		case pat[p+1] == '-' && p+2 < ec:
			p += 2
			if pat[p-2] <= c && c <= pat[p] {
				return sig
			}
		case pat[p] == c:
			return sig
		}
	}
	return !sig
}

// singleMatch reports whether the subject byte at s matches the class
// from p to ep.
func (m *Matcher) singleMatch(s, p, ep int) bool {
	if s >= len(m.src) {
		return false
	}
	c := m.src[s]
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(c, m.pat[p+1])
	case '[':
		return m.matchBracketClass(c, p, ep-1)
	default:
		return m.pat[p] == c
	}
}

func (m *Matcher) match(s, p int) int {
	m.depth++
	if m.depth > maxDepth {
		panic(newError("pattern too complex"))
	}
	r := m.doMatch(s, p)
	m.depth--
	return r
}

func (m *Matcher) doMatch(s, p int) int {
	pat := m.pat
	for {
		m.step()
		if p == len(pat) {
			return s
		}
		switch pat[p] {
		case '(':
			if p+1 < len(pat) && pat[p+1] == ')' {
				return m.startCapture(s, p+2, CapPosition)
			}
			return m.startCapture(s, p+1, CapUnfinished)
		case ')':
			return m.endCapture(s, p+1)
		case '%':
			if p+1 < len(pat) {
				switch c := pat[p+1]; {
				case c == 'b':
					s = m.matchBalance(s, p+2)
					if s == -1 {
						return -1
					}
					p += 4
					continue
				case c == 'f':
					p += 2
					if p >= len(pat) || pat[p] != '[' {
						panic(newError("missing '[' after '%f' in pattern"))
					}
					ep := m.classEnd(p)
					var prev, cur byte
					if s > 0 {
						prev = m.src[s-1]
					}
					if s < len(m.src) {
						cur = m.src[s]
					}
					if m.matchBracketClass(prev, p, ep-1) || !m.matchBracketClass(cur, p, ep-1) {
						return -1
					}
					p = ep
					continue
				case '0' <= c && c <= '9':
					s = m.matchCapture(s, c)
					if s == -1 {
						return -1
					}
					p += 2
					continue
				}
			}
		case '$':
			if p+1 == len(pat) {
				if s == len(m.src) {
					return s
				}
				return -1
			}
		}
		// A single-character class, perhaps quantified.
		ep := m.classEnd(p)
		matched := m.singleMatch(s, p, ep)
		if ep < len(pat) {
			switch pat[ep] {
			case '?':
				if matched {
					if r := m.match(s+1, ep+1); r != -1 {
						return r
					}
				}
				p = ep + 1
				continue
			case '*':
				return m.maxExpand(s, p, ep)
			case '+':
				if !matched {
					return -1
				}
				return m.maxExpand(s+1, p, ep)
			case '-':
				return m.minExpand(s, p, ep)
			}
		}
		if !matched {
			return -1
		}
		s++
		p = ep
	}
}

func (m *Matcher) maxExpand(s, p, ep int) int {
	i := 0
	for m.singleMatch(s+i, p, ep) {
		i++
		m.step()
	}
	// Try the longest run first, then shorter ones.
	for ; i >= 0; i-- {
		if r := m.match(s+i, ep+1); r != -1 {
			return r
		}
	}
	return -1
}

func (m *Matcher) minExpand(s, p, ep int) int {
	for {
		if r := m.match(s, ep+1); r != -1 {
			return r
		}
		if !m.singleMatch(s, p, ep) {
			return -1
		}
		s++
	}
}

func (m *Matcher) startCapture(s, p, what int) int {
	if m.level >= MaxCaptures {
		panic(newError("too many captures"))
	}
	m.capture[m.level] = capture{s, what}
	m.level++
	r := m.match(s, p)
	if r == -1 {
		m.level--
	}
	return r
}

func (m *Matcher) endCapture(s, p int) int {
	l := m.captureToClose()
	m.capture[l].len = s - m.capture[l].init
	r := m.match(s, p)
	if r == -1 {
		m.capture[l].len = CapUnfinished
	}
	return r
}

func (m *Matcher) captureToClose() int {
	for l := m.level - 1; l >= 0; l-- {
		if m.capture[l].len == CapUnfinished {
			return l
		}
	}
	panic(newError("invalid pattern capture"))
}

func (m *Matcher) matchBalance(s, p int) int {
	if p+1 >= len(m.pat) {
		panic(newError("unbalanced pattern"))
	}
	if s >= len(m.src) || m.src[s] != m.pat[p] {
		return -1
	}
	b, e := m.pat[p], m.pat[p+1]
	depth := 1
	for s++; s < len(m.src); s++ {
		m.step()
		switch m.src[s] {
		case e:
			depth--
			if depth == 0 {
				return s + 1
			}
		case b:
			depth++
		}
	}
	return -1
}

func (m *Matcher) matchCapture(s int, c byte) int {
	l := int(c - '1')
	if l < 0 || l >= m.level || m.capture[l].len == CapUnfinished {
		panic(newError("invalid capture index"))
	}
	cp := m.capture[l]
	if cp.len < 0 || len(m.src)-s < cp.len {
		return -1
	}
	if bytes.Equal(m.src[cp.init:cp.init+cp.len], m.src[s:s+cp.len]) {
		return s + cp.len
	}
	return -1
}

/* The original gopher-lua API: a list of matches. */

// MatchData is one match: its bounds and its captures.
type MatchData struct {
	// captures holds start and end of the whole match, then of each
	// capture; a position capture holds its position (from 1) twice.
	captures []int
	pos      []bool
}

// CaptureLength is twice the number of captures, plus two.
func (st *MatchData) CaptureLength() int { return len(st.captures) }

// IsPosCapture reports whether index idx belongs to a position capture.
func (st *MatchData) IsPosCapture(idx int) bool { return st.pos[idx] }

// Capture is a bound: even indexes start, odd ones end (0 and 1: the
// whole match).
func (st *MatchData) Capture(idx int) int { return st.captures[idx] }

// Data returns the match that ends at end, which the last Match found
// starting at start, with its captures.
func (m *Matcher) Data(start, end int) (*MatchData, error) {
	md := &MatchData{captures: []int{start, end}, pos: []bool{false, false}}
	for i := 0; i < m.level; i++ {
		c := m.capture[i]
		switch c.len {
		case CapUnfinished:
			return nil, newError("unfinished capture")
		case CapPosition:
			md.captures = append(md.captures, c.init+1, c.init+1)
			md.pos = append(md.pos, true, true)
		default:
			md.captures = append(md.captures, c.init, c.init+c.len)
			md.pos = append(md.pos, false, false)
		}
	}
	return md, nil
}

// Find returns the matches of pattern p in src from offset on, at most
// limit of them (limit < 0: all), found as string.gsub finds them.
func Find(p string, src []byte, offset, limit int) (matches []*MatchData, err error) {
	m := NewMatcher(p, src, nil)
	pi := 0
	anchor := len(p) > 0 && p[0] == '^'
	if anchor {
		pi = 1
	}
	matches = []*MatchData{}
	for s := offset; s <= len(src) && (limit < 0 || len(matches) < limit); {
		e, err := m.Match(s, pi)
		if err != nil {
			return nil, err
		}
		if e != -1 {
			md, err := m.Data(s, e)
			if err != nil {
				return nil, err
			}
			matches = append(matches, md)
		}
		if e > s {
			s = e
		} else {
			s++
		}
		if anchor {
			break
		}
	}
	return matches, nil
}
