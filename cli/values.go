package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sockplay/sockplay/internal/i18n"
)

// Flag values whose errors say what a good value looks like.

// checked is a flag value of type T: parse reads one and checks it (its
// error says what a good value looks like), show writes one ("" for
// none).
type checked[T any] struct {
	p     *T
	parse func(string) (T, error)
	show  func(T) string
}

func (v checked[T]) String() string {
	if v.p == nil {
		return ""
	}
	return v.show(*v.p)
}

func (v checked[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

// textValue is a string that must not be empty; needs says what it
// needs (a message of the catalog, marked by i18n.Key).
func textValue(p *string, needs string) checked[string] {
	return checked[string]{p, func(s string) (string, error) {
		if s == "" {
			return "", badValue(needs)
		}
		return s, nil
	}, func(s string) string { return s }}
}

// fileValue is a file name.
func fileValue(p *string) checked[string] { return textValue(p, i18n.Key("needs a file name")) }

// countValue is a whole number, 0 or more, of what.
func countValue(p *int, what string) checked[int] {
	return checked[int]{p, func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, badValue("not a number of %s (0 or more)", what)
		}
		return n, nil
	}, strconv.Itoa}
}

// durationValue is a duration such as 30s or 2m; "0" is allowed when
// zero means none.
func durationValue(p *time.Duration, zeroIsNone bool) checked[time.Duration] {
	return checked[time.Duration]{p, func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if s == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 || d == 0 && !zeroIsNone {
			return 0, badValue("not a duration (e.g. 30s, 2m)")
		}
		return d, nil
	}, func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}}
}

// onceValue is a string that may be given once (-e CODE).
type onceValue struct {
	p   *string
	set bool
}

func (v *onceValue) String() string {
	if v == nil || v.p == nil {
		return ""
	}
	return *v.p
}

func (v *onceValue) Set(s string) error {
	if v.set {
		return badValue("given twice: put all the code in one chunk (statements separated by ;)")
	}
	v.set = true
	*v.p = s
	return nil
}

// regexpValue is a regular expression.
func regexpValue(p **regexp.Regexp) checked[*regexp.Regexp] {
	return checked[*regexp.Regexp]{p, func(s string) (*regexp.Regexp, error) {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, badValue("not a regular expression: %v", err)
		}
		return re, nil
	}, func(re *regexp.Regexp) string {
		if re == nil {
			return ""
		}
		return re.String()
	}}
}

// sizeValue is a number of bytes, with a unit or not: 65536, 64KiB,
// 512MiB, 1GiB (K, M, G and KB, MB, GB are the same powers of 1024).
func sizeValue(p *int64) checked[int64] {
	return checked[int64]{p, func(s string) (int64, error) {
		num := strings.TrimRightFunc(s, unicode.IsLetter)
		unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		shift, ok := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}[unit]
		if err != nil || n < 0 || !ok || n > 1<<(62-shift) {
			return 0, badValue("not a size (e.g. 512MiB, 64KiB, 0 for none)")
		}
		return n << shift, nil
	}, func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}}
}

// listValue is a flag that may be given again and again, each time one
// more value.
type listValue struct{ p *[]string }

func (v listValue) String() string {
	if v.p == nil {
		return ""
	}
	return strings.Join(*v.p, " ")
}

func (v listValue) Set(s string) error {
	if s == "" {
		return badValue("needs a value")
	}
	*v.p = append(*v.p, s)
	return nil
}

// valueError is the error of a flag's value: an English format and its
// arguments, said in the user's language where the usage error is made
// (Command.parse).
type valueError struct {
	format string
	args   []any
}

func (e *valueError) Error() string { return fmt.Sprintf(e.format, e.args...) }

// badValue is a valueError; format is a message of the catalog.
func badValue(format string, args ...any) error {
	return &valueError{i18n.Key(format), args}
}
