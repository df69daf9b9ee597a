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

// textValue is a string that must not be empty; needs says what it
// needs (a message of the catalog, marked by i18n.Key).
type textValue struct {
	p     *string
	needs string
}

func (v textValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v textValue) Set(s string) error {
	if s == "" {
		return badValue(v.needs)
	}
	*v.p = s
	return nil
}

// fileValue is a file name.
func fileValue(p *string) textValue { return textValue{p, i18n.Key("needs a file name")} }

// countValue is a whole number, 0 or more, of what (default "bytes").
type countValue struct {
	p    *int
	what string
}

func (v countValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v countValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		what := v.what
		if what == "" {
			what = "bytes"
		}
		return badValue("not a number of %s (0 or more)", what)
	}
	*v.p = n
	return nil
}

// durationValue is a duration such as 30s or 2m; "0" is allowed when
// zero means none.
type durationValue struct {
	p          *time.Duration
	zeroIsNone bool
}

func (v durationValue) String() string {
	if v.p == nil || *v.p == 0 {
		return ""
	}
	return v.p.String()
}

func (v durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if s == "0" {
		d, err = 0, nil
	}
	if err != nil || d < 0 || d == 0 && !v.zeroIsNone {
		return badValue("not a duration (e.g. 30s, 2m)")
	}
	*v.p = d
	return nil
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
type regexpValue struct{ p **regexp.Regexp }

func (v regexpValue) String() string {
	if v.p == nil || *v.p == nil {
		return ""
	}
	return (*v.p).String()
}

func (v regexpValue) Set(s string) error {
	re, err := regexp.Compile(s)
	if err != nil {
		return badValue("not a regular expression: %v", err)
	}
	*v.p = re
	return nil
}

// sizeValue is a number of bytes, with a unit or not: 65536, 64KiB,
// 512MiB, 1GiB (K, M, G and KB, MB, GB are the same powers of 1024).
type sizeValue struct{ p *int64 }

func (v sizeValue) String() string {
	if v.p == nil || *v.p == 0 {
		return ""
	}
	return strconv.FormatInt(*v.p, 10)
}

func (v sizeValue) Set(s string) error {
	num := strings.TrimRightFunc(s, unicode.IsLetter)
	unit := strings.ToUpper(strings.TrimSpace(s[len(num):]))
	n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	shift, ok := map[string]uint{"": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20, "G": 30, "GB": 30, "GIB": 30}[unit]
	if err != nil || n < 0 || !ok || n > 1<<(62-shift) {
		return badValue("not a size (e.g. 512MiB, 64KiB, 0 for none)")
	}
	*v.p = n << shift
	return nil
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
