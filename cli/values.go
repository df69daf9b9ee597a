package cli

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Flag values whose errors say what a good value looks like.

// fileValue is a file name; it must not be empty.
type fileValue struct{ p *string }

func (v fileValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v fileValue) Set(s string) error {
	if s == "" {
		return errors.New("needs a file name")
	}
	*v.p = s
	return nil
}

// countValue is a whole number, 0 or more.
type countValue struct{ p *int }

func (v countValue) String() string {
	if v.p == nil {
		return ""
	}
	return strconv.Itoa(*v.p)
}

func (v countValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return errors.New("not a number of bytes (0 or more)")
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
		return errors.New("not a duration (e.g. 30s, 2m)")
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
		return errors.New("given twice: put all the code in one chunk (statements separated by ;)")
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
		return fmt.Errorf("not a regular expression: %v", err)
	}
	*v.p = re
	return nil
}
