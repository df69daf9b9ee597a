package lualib

import (
	"strconv"
	"strings"
	"time"

	lua "github.com/sockplay/sockplay/lua"
)

// gopher-lua's os.date maps only some strftime conversions, and some of
// those wrongly: "%a" gives "mon" for every day, "%x" the time instead of
// the date, "%c" not C's layout, and "%j", "%e", "%T", "%D", "%U", "%u",
// "%V", ... come out as typed. Its "*t" has yday 0. Scripts such as the
// tutorial's time server pass formats straight through, as Python's
// strftime does to C, so this is C's strftime in the C locale (with glibc's
// "-", "_" and "0" padding flags), computed from Go's time.

// OpenOSDate replaces os.date with C's strftime in the C locale.
func OpenOSDate(L *lua.LState) {
	if oslib, ok := L.GetGlobal("os").(*lua.LTable); ok {
		oslib.RawSetString("date", L.NewFunction(osDate))
	}
}

// os.date(format?, time?) -> string | table   (C's strftime, C locale; "*t": a table; a leading "!": UTC)
func osDate(L *lua.LState) int {
	format := L.OptString(1, "%c")
	t := time.Now()
	if L.Get(2) != lua.LNil {
		t = time.Unix(int64(L.CheckNumber(2)), 0)
	}
	if strings.HasPrefix(format, "!") {
		format = format[1:]
		t = t.UTC()
	} else {
		t = t.Local()
	}
	if strings.HasPrefix(format, "*t") {
		tbl := L.CreateTable(0, 9)
		for k, v := range map[string]int{"year": t.Year(), "month": int(t.Month()), "day": t.Day(),
			"hour": t.Hour(), "min": t.Minute(), "sec": t.Second(),
			"wday": int(t.Weekday()) + 1, "yday": t.YearDay()} {
			tbl.RawSetString(k, lua.LNumber(v))
		}
		tbl.RawSetString("isdst", lua.LBool(t.IsDST()))
		L.Push(tbl)
		return 1
	}
	L.Push(lua.LString(strftime(t, format)))
	return 1
}

// strftime formats t as C's strftime does in the C locale. An unknown
// conversion is copied as is, as glibc does.
func strftime(t time.Time, format string) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		start := i
		i++
		flag := byte(0)
		if strings.IndexByte("-_0", format[i]) >= 0 && i+1 < len(format) {
			flag = format[i]
			i++
		}
		if (format[i] == 'E' || format[i] == 'O') && i+1 < len(format) {
			i++ // locale modifiers: the C locale has no alternatives
		}
		if s, ok := conversion(t, format[i], flag); ok {
			b.WriteString(s)
		} else {
			b.WriteString(format[start : i+1])
		}
	}
	return b.String()
}

// Conversions that are a layout of Go's time package (a newline, a tab
// and "%" are layouts of themselves), and those that are other
// conversions put together.
var (
	strftimeLayouts = map[byte]string{
		'a': "Mon", 'A': "Monday", 'b': "Jan", 'h': "Jan", 'B': "January",
		'p': "PM", 'P': "pm", 'z': "-0700", 'Z': "MST",
		'n': "\n", 't': "\t", '%': "%",
	}
	strftimeFormats = map[byte]string{
		'c': "%a %b %e %H:%M:%S %Y", 'D': "%m/%d/%y", 'x': "%m/%d/%y", 'F': "%Y-%m-%d",
		'r': "%I:%M:%S %p", 'R': "%H:%M", 'T': "%H:%M:%S", 'X': "%H:%M:%S",
	}
)

// conversion is %c of t with its padding flag (0 for none); ok false for
// a conversion C does not know.
func conversion(t time.Time, c, flag byte) (string, bool) {
	if layout, ok := strftimeLayouts[c]; ok {
		return t.Format(layout), true
	}
	if format, ok := strftimeFormats[c]; ok {
		return strftime(t, format), true
	}
	n, width, pad, ok := numericConversion(t, c)
	if !ok {
		return "", false
	}
	switch flag {
	case '-':
		width = 0
	case '_':
		pad = ' '
	case '0':
		pad = '0'
	}
	text := strconv.Itoa(n)
	for len(text) < width {
		text = string(pad) + text
	}
	return text, true
}

// numericConversion is the number %c shows, its width and how it is
// padded by default.
func numericConversion(t time.Time, c byte) (n, width int, pad byte, ok bool) {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	yday := t.YearDay() - 1
	wday := int(t.Weekday())
	isoYear, isoWeek := t.ISOWeek()
	switch c {
	case 'C':
		return t.Year() / 100, 2, '0', true
	case 'd':
		return t.Day(), 2, '0', true
	case 'e':
		return t.Day(), 2, ' ', true
	case 'g':
		return isoYear % 100, 2, '0', true
	case 'G':
		return isoYear, 1, '0', true
	case 'H':
		return t.Hour(), 2, '0', true
	case 'I':
		return hour12, 2, '0', true
	case 'j':
		return yday + 1, 3, '0', true
	case 'k':
		return t.Hour(), 2, ' ', true
	case 'l':
		return hour12, 2, ' ', true
	case 'm':
		return int(t.Month()), 2, '0', true
	case 'M':
		return t.Minute(), 2, '0', true
	case 's':
		return int(t.Unix()), 1, '0', true
	case 'S':
		return t.Second(), 2, '0', true
	case 'u':
		return (wday+6)%7 + 1, 1, '0', true
	case 'U':
		return (yday + 7 - wday) / 7, 2, '0', true
	case 'V':
		return isoWeek, 2, '0', true
	case 'w':
		return wday, 1, '0', true
	case 'W':
		return (yday + 7 - (wday+6)%7) / 7, 2, '0', true
	case 'y':
		return t.Year() % 100, 2, '0', true
	case 'Y':
		return t.Year(), 1, '0', true
	}
	return 0, 0, 0, false
}
