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

func conversion(t time.Time, c, flag byte) (string, bool) {
	// num pads n to width with zeros (or spaces: def ' '), as flag says.
	num := func(n, width int, def byte) string {
		switch flag {
		case '-':
			return strconv.Itoa(n)
		case '_':
			def = ' '
		case '0':
			def = '0'
		}
		s := strconv.Itoa(n)
		for len(s) < width {
			s = string(def) + s
		}
		return s
	}
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	yday := t.YearDay() - 1
	wday := int(t.Weekday())
	isoYear, isoWeek := t.ISOWeek()
	switch c {
	case 'a':
		return t.Format("Mon"), true
	case 'A':
		return t.Format("Monday"), true
	case 'b', 'h':
		return t.Format("Jan"), true
	case 'B':
		return t.Format("January"), true
	case 'c':
		return strftime(t, "%a %b %e %H:%M:%S %Y"), true
	case 'C':
		return num(t.Year()/100, 2, '0'), true
	case 'd':
		return num(t.Day(), 2, '0'), true
	case 'D', 'x':
		return strftime(t, "%m/%d/%y"), true
	case 'e':
		return num(t.Day(), 2, ' '), true
	case 'F':
		return strftime(t, "%Y-%m-%d"), true
	case 'g':
		return num(isoYear%100, 2, '0'), true
	case 'G':
		return num(isoYear, 1, '0'), true
	case 'H':
		return num(t.Hour(), 2, '0'), true
	case 'I':
		return num(hour12, 2, '0'), true
	case 'j':
		return num(yday+1, 3, '0'), true
	case 'k':
		return num(t.Hour(), 2, ' '), true
	case 'l':
		return num(hour12, 2, ' '), true
	case 'm':
		return num(int(t.Month()), 2, '0'), true
	case 'M':
		return num(t.Minute(), 2, '0'), true
	case 'n':
		return "\n", true
	case 'p':
		return t.Format("PM"), true
	case 'P':
		return t.Format("pm"), true
	case 'r':
		return strftime(t, "%I:%M:%S %p"), true
	case 'R':
		return strftime(t, "%H:%M"), true
	case 's':
		return strconv.FormatInt(t.Unix(), 10), true
	case 'S':
		return num(t.Second(), 2, '0'), true
	case 't':
		return "\t", true
	case 'T', 'X':
		return strftime(t, "%H:%M:%S"), true
	case 'u':
		return strconv.Itoa((wday+6)%7 + 1), true
	case 'U':
		return num((yday+7-wday)/7, 2, '0'), true
	case 'V':
		return num(isoWeek, 2, '0'), true
	case 'w':
		return strconv.Itoa(wday), true
	case 'W':
		return num((yday+7-(wday+6)%7)/7, 2, '0'), true
	case 'y':
		return num(t.Year()%100, 2, '0'), true
	case 'Y':
		return num(t.Year(), 1, '0'), true
	case 'z':
		return t.Format("-0700"), true
	case 'Z':
		return t.Format("MST"), true
	case '%':
		return "%", true
	}
	return "", false
}
