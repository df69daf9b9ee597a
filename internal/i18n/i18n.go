// Package i18n is the language sockplay speaks to its user: English, or
// Simplified Chinese when the locale asks for it. Every message a learner
// reads (hints, help, usage errors, the REPL's) goes through a Lang's
// Sprintf, whose format is the English text and the key of its
// translation in the catalog (catalog.go, built from
// locales/zh/messages.gotext.json, gotext's format, which `go generate`
// keeps current with the code: gen.go).
//
// Error class names (ConnectionRefusedError) and errno texts are Python's
// and stay as Python prints them: they are never messages here.
package i18n

//go:generate go run gen.go

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Lang is a language sockplay speaks. The zero value is English.
type Lang int

const (
	English Lang = iota
	Chinese
)

// chinese prints with the catalog, built at first use.
var chinese = sync.OnceValue(func() *message.Printer {
	cat, err := newCatalog()
	if err != nil {
		panic("i18n: the embedded catalog: " + err.Error()) // a test reads it
	}
	return message.NewPrinter(language.SimplifiedChinese, message.Catalog(cat))
})

// Sprintf formats the translation of format (an English fmt format, the
// message's key in the catalog).
func (l Lang) Sprintf(format string, args ...any) string { return l.format(format, args) }

// Text is the translation of a message without arguments whose key is
// not a constant here, as a value of a table of hints is (Key marks it).
func (l Lang) Text(key string) string { return l.format(key, nil) }

func (l Lang) format(format string, args []any) string {
	if l == Chinese {
		return chinese().Sprintf(format, args...)
	}
	// The source text itself, formatted as fmt does (x/text's printer
	// would group the digits of a port number).
	return fmt.Sprintf(format, args...)
}

// Key marks format as a message of the catalog where it is not given to
// Sprintf at once, as a value of a table of hints is, and returns it
// unchanged: gotext extracts the constant a call of Key is given, since
// Key passes it on to a Printer (never at run time).
func Key(format string) string {
	if extractOnly {
		message.NewPrinter(language.English).Sprintf(format)
	}
	return format
}

// extractOnly is never set: what it guards is there for gotext's call graph.
var extractOnly = false

// Fprintf writes the translation of format to w.
func (l Lang) Fprintf(w io.Writer, format string, args ...any) (int, error) {
	return io.WriteString(w, l.Sprintf(format, args...))
}

// FromEnv is the language the environment asks for: SOCKPLAY_LANG (zh or
// en) wins; else the first of LC_ALL, LC_MESSAGES and LANG that is set,
// as POSIX orders them, says Chinese when its language is zh (zh_CN.UTF-8,
// zh_TW too: tagLang); else, with none of them set, the system's
// preferred languages do on Windows and macOS (systemLanguages), where
// terminals may export no locale. LANGUAGE, gettext's list, is not read:
// sessions that set it set LANG to agree, and one LANG is simpler to
// reason about (SOCKPLAY_LANG is there for the rest).
func FromEnv() Lang { return fromEnv(os.LookupEnv, systemLang) }

// systemLang is asked once a process: on macOS it runs a program.
var systemLang = sync.OnceValue(func() Lang { return fromSystem(systemLanguages()) })

// fromEnv takes a lookup, not a getenv: gotext's call graph would take a
// func(string) string for Key, and the variables' names for messages.
// system is asked only when no variable decides.
func fromEnv(lookup func(string) (string, bool), system func() Lang) Lang {
	if v, _ := lookup("SOCKPLAY_LANG"); v != "" {
		if l, ok := Parse(v); ok {
			return l
		}
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, _ := lookup(name); v != "" {
			// An explicit locale that is not ours (C, de_DE) is English.
			l, _ := tagLang(v)
			return l
		}
	}
	return system()
}

// Parse reads a language name as SOCKPLAY_LANG spells it: "zh" (or a
// locale starting with it, zh_CN.UTF-8) or "en".
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "zh"):
		return Chinese, true
	case strings.HasPrefix(s, "en"):
		return English, true
	}
	return English, false
}
