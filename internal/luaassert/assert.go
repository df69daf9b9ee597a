// Package luaassert is the assert module of sockplay's Lua tests: the
// teachers' *_test.lua files that package luatest runs (`sockplay test`,
// `sockplay exercise check`), and the project's own Lua tests
// (luabind/testdata/*.lua, lualib/testdata/*.lua, run by RunFiles). As
// starlark-go's starlarktest does, a failed check reports "file:line:
// message" to a Reporter, which *testing.T satisfies, and returns: the
// script goes on, as after t.Errorf. An uncaught error is the runner's to
// report. docs/EXERCISES.md documents the module for Lua.
package luaassert

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/internal/i18n"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/pm"
	"github.com/sockplay/sockplay/lualib"
)

// Reporter is what the module reports to: a failed check to Errorf,
// assert.log and assert.skip to Logf. Its methods are called from
// whatever goroutine runs the script (testing.T's are safe for that).
type Reporter interface {
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

// Loader returns the loader of the assert module for r, for
// luabind.Options.Modules or L.PreloadModule.
func Loader(r Reporter) lua.LGFunction { return LoaderIn(i18n.English, r) }

// LoaderIn is Loader whose failures are worded in l, as a student reads
// them, as are the check author's messages given in both languages (Say);
// what the checks compare is shown as it is.
func LoaderIn(l i18n.Lang, r Reporter) lua.LGFunction {
	m := &module{r: r, lang: l}
	return m.open
}

type module struct {
	r    Reporter
	lang i18n.Lang
}

// checks are the module's functions, by name.
var checks = map[string]func(*module, *lua.LState) int{
	"eq":       (*module).eq,
	"ne":       (*module).ne,
	"true_":    (*module).true_,
	"contains": (*module).contains,
	"matches":  (*module).matches,
	"near":     (*module).near,
	"raises":   (*module).raises,
	"fails":    (*module).fails,
	"fail":     (*module).fail,
	"skip":     (*module).skip,
	"log":      (*module).log,
}

func (m *module) open(L *lua.LState) int {
	mod := L.NewTable()
	for name, check := range checks {
		mod.RawSetString(name, L.NewFunction(func(L *lua.LState) int { return check(m, L) }))
	}
	// The module takes the global name of Lua's assert(v, msg); calling it
	// still does what Lua's does (raise), for code that uses it.
	lualib.SetCall(L, mod, L.GetGlobal("assert")) // assert(v, msg?) -> v, msg
	L.Push(mod)
	return 1
}

// where is the Lua position of the check, "file:line:".
func where(L *lua.LState) string {
	if w := lualib.Where(L); w != "" {
		return w
	}
	return "?:"
}

// report records a failure at the check's line; msgArg is the position
// of the check's optional message argument (0: none), which prefixes it.
func (m *module) report(L *lua.LState, msgArg int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if msgArg > 0 && L.GetTop() >= msgArg && L.Get(msgArg) != lua.LNil {
		note := Text(L, m.lang, L.Get(msgArg))
		msg = m.lang.Sprintf("%s: %s", note, msg)
	}
	m.r.Errorf("%s %s", where(L), msg)
}

// Say is a check author's message in the language l, when the author
// gave it in several, as a table {en = "...", zh = "..."}: its entry for
// l, else its English, else its Chinese. ok is false when v is no such
// table. The assert module takes such a table for a message; luatest's
// test.say picks from one.
func Say(l i18n.Lang, v lua.LValue) (s string, ok bool) {
	t, isTable := v.(*lua.LTable)
	if !isTable {
		return "", false
	}
	order := []string{"en", "zh"}
	if l == i18n.Chinese {
		order = []string{"zh", "en"}
	}
	for _, key := range order {
		if s, isStr := t.RawGetString(key).(lua.LString); isStr {
			return string(s), true
		}
	}
	return "", false
}

// Text is what a message argument says: its text in l if it is a table
// of translations (Say), else tostring of it.
func Text(L *lua.LState, l i18n.Lang, v lua.LValue) string {
	if s, ok := Say(l, v); ok {
		return s
	}
	return L.ToStringMeta(v).String()
}

// show formats a value for a failure message: strings quoted (binary data
// stays readable, long ones cut), the rest as tostring shows it.
func show(L *lua.LState, v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		if len(s) > 200 {
			return fmt.Sprintf("%q... (%d bytes)", string(s[:200]), len(s))
		}
		return fmt.Sprintf("%q", string(s))
	}
	return L.ToStringMeta(v).String()
}

// assert.eq(got, want, msg?)   (Lua ==, so addresses compare by value)
func (m *module) eq(L *lua.LState) int {
	got, want := L.Get(1), L.Get(2)
	if !L.Equal(got, want) {
		m.report(L, 3, "%s", m.lang.Sprintf("got %s, want %s", show(L, got), show(L, want)))
	}
	return 0
}

// assert.ne(got, unwanted, msg?)
func (m *module) ne(L *lua.LState) int {
	got, bad := L.Get(1), L.Get(2)
	if L.Equal(got, bad) {
		m.report(L, 3, "%s", m.lang.Sprintf("got %s, want anything else", show(L, got)))
	}
	return 0
}

// assert.true_(v, msg?)   (v must be neither false nor nil)
func (m *module) true_(L *lua.LState) int {
	if !lua.LVAsBool(L.Get(1)) {
		got := show(L, L.Get(1))
		m.report(L, 2, "%s", m.lang.Sprintf("got %s, want a true value", got))
	}
	return 0
}

// assert.contains(s, part, msg?)   (s a string: part is a plain substring; s a table: part is one of its values)
func (m *module) contains(L *lua.LState) int {
	switch c := L.Get(1).(type) {
	case lua.LString:
		part := L.ToStringMeta(L.Get(2)).String()
		if !strings.Contains(string(c), part) {
			m.report(L, 3, "%s", m.lang.Sprintf("%s does not contain %s", show(L, c), strconv.Quote(part)))
		}
	case *lua.LTable:
		found := false
		c.ForEach(func(_, v lua.LValue) { found = found || L.Equal(v, L.Get(2)) })
		if !found {
			value := show(L, L.Get(2))
			m.report(L, 3, "%s", m.lang.Sprintf("the table has no value %s", value))
		}
	default:
		got, part := show(L, L.Get(1)), show(L, L.Get(2))
		m.report(L, 3, "%s", m.lang.Sprintf("got %s, want a string containing %s", got, part))
	}
	return 0
}

// assert.matches(s, pattern, msg?)   (a Lua pattern, as string.find: anchor it with ^ and $ to match all of s)
func (m *module) matches(L *lua.LState) int {
	pattern := L.CheckString(2)
	quoted := strconv.Quote(pattern)
	s, ok := L.Get(1).(lua.LString)
	if !ok {
		got := show(L, L.Get(1))
		m.report(L, 3, "%s", m.lang.Sprintf("got %s, want a string matching %s", got, quoted))
		return 0
	}
	found, err := pm.Find(pattern, []byte(s), 0, 1)
	if err != nil {
		why := err.Error()
		L.RaiseError("%s", m.lang.Sprintf("assert.matches: bad pattern %s: %s", quoted, why))
	}
	if len(found) == 0 {
		got := show(L, s)
		m.report(L, 3, "%s", m.lang.Sprintf("%s does not match %s", got, quoted))
	}
	return 0
}

// assert.near(got, want, tolerance?, msg?)   (numbers within tolerance, default 1e-6; a numeric string counts as its number)
func (m *module) near(L *lua.LState) int {
	want := float64(L.CheckNumber(2))
	tol := 1e-6
	if L.Get(3) != lua.LNil {
		tol = float64(L.CheckNumber(3))
	}
	// The numbers as fmt's %v writes them: x/text's printer would group
	// their digits.
	wanted := fmt.Sprint(want)
	var got float64
	switch v := L.Get(1).(type) {
	case lua.LNumber:
		got = float64(v)
	case lua.LString:
		n, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
		if err != nil {
			shown := show(L, v)
			m.report(L, 4, "%s", m.lang.Sprintf("got %s, want a number near %s", shown, wanted))
			return 0
		}
		got = n
	default:
		shown := show(L, v)
		m.report(L, 4, "%s", m.lang.Sprintf("got %s, want a number near %s", shown, wanted))
		return 0
	}
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		shown, tolerance := fmt.Sprint(got), fmt.Sprint(tol)
		m.report(L, 4, "%s", m.lang.Sprintf("got %s, want %s ± %s", shown, wanted, tolerance))
	}
	return 0
}

// raised calls fn (argument 1) with no arguments and returns what it
// raised; if it raised nothing, that is a failure, none (after the
// message argument msgArg). A Go panic inside fn is a failure of its
// own: misuse must never panic.
func (m *module) raised(L *lua.LState, msgArg int, none string) (errv lua.LValue, ok bool) {
	fn := L.CheckFunction(1)
	top := L.GetTop()
	L.Push(fn)
	err := L.PCall(0, 0, nil)
	L.SetTop(top)
	if err == nil {
		m.report(L, msgArg, "%s", none)
		return lua.LNil, false
	}
	apiErr, isAPI := err.(*lua.ApiError)
	if !isAPI {
		why := err.Error()
		m.report(L, 0, "%s", m.lang.Sprintf("error is not a Lua error: %s", why))
		return lua.LString(err.Error()), true
	}
	if apiErr.Type == lua.ApiErrorPanic {
		// A bug of sockplay's, quoted as Go words it.
		m.report(L, 0, "Go panic: %v", apiErr.Object)
	}
	return apiErr.Object, true
}

// assert.raises(fn, what, msg?) -> err
// fn() must raise. If what is an error class — its name, as
// "ConnectionError", or the class, as socket.ConnectionError — the error
// must be an error value whose own err:is(what) is true (the class or a
// subclass); otherwise tostring(err) must contain what. Returns the error
// (nil if none was raised).
func (m *module) raises(L *lua.LState) int {
	what := L.Get(2)
	var want string
	switch w := what.(type) {
	case lua.LString:
		want = string(w)
	case *lua.LTable:
		want = lua.LVAsString(w.RawGetString("name"))
	}
	class := lualib.IsErrorClass(want)
	if want == "" || (!class && what.Type() != lua.LTString) {
		got := show(L, what)
		L.ArgError(2, m.lang.Sprintf("an error class, its name or a part of the message expected, got %s", got))
	}
	errv, ok := m.raised(L, 3, m.lang.Sprintf("no error raised, want %s", want))
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	text := L.ToStringMeta(errv).String()
	switch {
	case !class:
		if !strings.Contains(text, want) {
			m.report(L, 3, "%s", m.raisedOther(text, want))
		}
	case !isA(L, errv, what):
		if _, isValue := errv.(*lua.LTable); isValue {
			m.report(L, 3, "%s", m.lang.Sprintf("raised %s, want %s", text, want))
		} else if quoted := strconv.Quote(text); article(want) == "an" {
			m.report(L, 3, "%s", m.lang.Sprintf("raised %s, want an %s", quoted, want))
		} else {
			m.report(L, 3, "%s", m.lang.Sprintf("raised %s, want a %s", quoted, want))
		}
	}
	L.Push(errv)
	return 1
}

// raisedOther is the failure of an error message without the part want.
func (m *module) raisedOther(text, want string) string {
	raised, part := strconv.Quote(text), strconv.Quote(want)
	return m.lang.Sprintf("raised %s, want an error containing %s", raised, part)
}

// article is the indefinite article of word: "a TimeoutError", "an OSError".
func article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// isA reports whether errv is a table with an is method (an error value)
// and errv:is(class) returns true.
func isA(L *lua.LState, errv, class lua.LValue) bool {
	t, ok := errv.(*lua.LTable)
	if !ok {
		return false
	}
	is, ok := L.GetField(t, "is").(*lua.LFunction)
	if !ok {
		return false
	}
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(is)
	L.Push(t)
	L.Push(class)
	if L.PCall(2, 1, nil) != nil {
		return false
	}
	return lua.LVAsBool(L.Get(-1))
}

// assert.fails(fn, part, ...) -> message
// fn() must raise an error message — a string, as argument errors are,
// not an error value — that contains every part. Meant for misuse.
// Returns the message.
func (m *module) fails(L *lua.LState) int {
	var wants []string
	for i := 2; i <= L.GetTop(); i++ {
		wants = append(wants, L.CheckString(i))
	}
	if len(wants) == 0 {
		L.ArgError(2, m.lang.Sprintf("a part of the message expected"))
	}
	parts := fmt.Sprintf("%q", wants)
	errv, ok := m.raised(L, 0, m.lang.Sprintf("no error raised, want one containing %s", parts))
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	msg := L.ToStringMeta(errv).String()
	if _, isStr := errv.(lua.LString); !isStr {
		kind := errv.Type().String()
		m.report(L, 0, "%s", m.lang.Sprintf("raised a %s (%s), want an error message containing %s", kind, msg, parts))
	} else {
		for _, want := range wants {
			if !strings.Contains(msg, want) {
				m.report(L, 0, "%s", m.raisedOther(msg, want))
			}
		}
	}
	L.Push(lua.LString(msg))
	return 1
}

// assert.fail(msg)   (records a failure)
func (m *module) fail(L *lua.LState) int {
	m.r.Errorf("%s %s", where(L), Text(L, m.lang, L.Get(1)))
	return 0
}

// assert.skip(reason)   (logs that the rest of a part is skipped; the caller returns)
func (m *module) skip(L *lua.LState) int {
	reason := Text(L, m.lang, L.Get(1))
	m.r.Logf("%s %s", where(L), m.lang.Sprintf("skipped: %s", reason))
	return 0
}

// assert.log(...)   (a line in the test's log)
func (m *module) log(L *lua.LState) int {
	parts := make([]string, 0, L.GetTop())
	for i := 1; i <= L.GetTop(); i++ {
		parts = append(parts, Text(L, m.lang, L.Get(i)))
	}
	m.r.Logf("%s %s", where(L), strings.Join(parts, "\t"))
	return 0
}
