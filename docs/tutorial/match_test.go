package tutorial

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

// A variable part of a line of output: its digits may differ from run to
// run. A port is bound: the number the page shows stands for one number
// of this run, throughout the page.
type variable struct {
	re   *regexp.Regexp // group 1 is the variable part
	port bool
}

var variables = []variable{
	{regexp.MustCompile(`(?:127\.0\.0\.1|0\.0\.0\.0)(?::|', )(\d+)`), true},
	{regexp.MustCompile(`(?:fd=|描述符)(\d+)`), false},
	{regexp.MustCompile(`^trace (\d+\.\d+)`), false},
	{regexp.MustCompile(`(\d{4}-\d\d-\d\d)`), false},
	{regexp.MustCompile(`(\d\d:\d\d:\d\d)`), false},
	{regexp.MustCompile(`(\d+) recvs`), false}, // how TCP split a large send
}

var digits = regexp.MustCompile(`\d+`)

// An expected line of output, compiled.
type expLine struct {
	text     string
	ellipsis bool           // "...": any number of lines
	re       *regexp.Regexp // the whole line
	ports    []string       // the page's value of each capture group
}

func compileLines(lines []string) []expLine {
	var out []expLine
	for _, l := range lines {
		out = append(out, compileLine(l))
	}
	return out
}

func compileLine(l string) expLine {
	if l == "..." {
		return expLine{text: l, ellipsis: true}
	}
	type span struct {
		from, to int
		port     bool
	}
	var spans []span
	for _, v := range variables {
		for _, m := range v.re.FindAllStringSubmatchIndex(l, -1) {
			spans = append(spans, span{m[2], m[3], v.port})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var re strings.Builder
	var ports []string
	re.WriteString("^")
	at := 0
	for _, s := range spans {
		if s.from < at {
			continue // overlaps the one before
		}
		re.WriteString(regexp.QuoteMeta(l[at:s.from]))
		v := l[s.from:s.to]
		if s.port {
			re.WriteString(`(\d+)`)
			ports = append(ports, v)
		} else {
			// The same shape, any digits.
			parts := digits.Split(v, -1)
			for i, p := range parts {
				if i > 0 {
					re.WriteString(`\d+`)
				}
				re.WriteString(regexp.QuoteMeta(p))
			}
		}
		at = s.to
	}
	re.WriteString(regexp.QuoteMeta(l[at:]))
	re.WriteString("$")
	return expLine{text: l, re: regexp.MustCompile(re.String()), ports: ports}
}

// match reports whether the actual lines are the expected ones, with the
// ports bound as in binds; it returns binds with the ports it bound.
func match(exp []expLine, act []string, binds map[string]string) (map[string]string, bool) {
	if len(exp) == 0 {
		return binds, len(act) == 0
	}
	if exp[0].ellipsis {
		for k := 0; k <= len(act); k++ {
			if b, ok := match(exp[1:], act[k:], binds); ok {
				return b, true
			}
		}
		return nil, false
	}
	if len(act) == 0 {
		return nil, false
	}
	sub := exp[0].re.FindStringSubmatch(act[0])
	if sub == nil {
		return nil, false
	}
	b := binds
	for i, doc := range exp[0].ports {
		got := sub[i+1]
		if v, ok := b[doc]; ok {
			if v != got {
				return nil, false
			}
			continue
		}
		if len(b) == len(binds) { // copy before the first change
			b = make(map[string]string, len(binds)+1)
			for k, v := range binds {
				b[k] = v
			}
		}
		b[doc] = got
	}
	return match(exp[1:], act[1:], b)
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;?]*[A-Za-z]")

// normalize splits output into lines as a reader sees them in a terminal:
// no colour codes, no trailing blanks, no empty lines at the end.
func normalize(s string) []string {
	s = ansi.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "\r", "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// typed puts what the reader typed after each prompt in out, the way a
// terminal echoes it: the program, reading a pipe, printed the prompt
// and nothing else.
func typed(out string, prompts, inputs []string) string {
	var b strings.Builder
	for len(inputs) > 0 {
		at, n := -1, 0
		for _, p := range prompts {
			if i := strings.Index(out, p); i >= 0 && (at < 0 || i < at) {
				at, n = i, len(p)
			}
		}
		if at < 0 {
			break
		}
		b.WriteString(out[:at+n])
		b.WriteString(inputs[0])
		b.WriteString("\n")
		out, inputs = out[at+n:], inputs[1:]
	}
	b.WriteString(out)
	return b.String()
}

// inputsOf takes what the reader types from a command's expected output:
// the rest of each line that starts with a prompt. A prompt alone on the
// last line is the end of input.
func inputsOf(exp []string, prompts []string) []string {
	var in []string
	for i, l := range exp {
		for _, p := range prompts {
			if l == strings.TrimRight(p, " ") || strings.HasPrefix(l, p) {
				rest := strings.TrimPrefix(l, p)
				if !strings.HasPrefix(l, p) {
					rest = ""
				}
				if rest == "" && i == len(exp)-1 {
					break
				}
				in = append(in, rest)
				break
			}
		}
	}
	return in
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		exp, act []string
		binds    map[string]string // before
		ok       bool
	}{
		{[]string{"server is listening on 127.0.0.1:40871"}, []string{"server is listening on 127.0.0.1:38211"}, nil, true},
		// The page's port stands for one port of the run.
		{[]string{"127.0.0.1:40871", "('127.0.0.1', 40871)"}, []string{"127.0.0.1:38211", "('127.0.0.1', 38211)"}, nil, true},
		{[]string{"127.0.0.1:40871", "('127.0.0.1', 40871)"}, []string{"127.0.0.1:38211", "('127.0.0.1', 38212)"}, nil, false},
		{[]string{"127.0.0.1:40871"}, []string{"127.0.0.1:38212"}, map[string]string{"40871": "38211"}, false},
		{[]string{"<socket fd=5, family=AF_INET>"}, []string{"<socket fd=12, family=AF_INET>"}, nil, true},
		{[]string{"<socket fd=5, family=AF_UNIX>"}, []string{"<socket fd=12, family=AF_INET>"}, nil, false},
		{[]string{"2026-12-04 20:31:15\tstring"}, []string{"2027-01-01 00:00:00\tstring"}, nil, true},
		{[]string{"a", "...", "z"}, []string{"a", "b", "c", "z"}, nil, true},
		{[]string{"a", "...", "z"}, []string{"a", "z"}, nil, true},
		{[]string{"a", "...", "z"}, []string{"a", "b"}, nil, false},
		{[]string{"a"}, []string{"a", "b"}, nil, false},
		{[]string{"b'hello'"}, []string{"b'HELLO'"}, nil, false},
	} {
		binds := tc.binds
		if binds == nil {
			binds = map[string]string{}
		}
		if _, ok := match(compileLines(tc.exp), tc.act, binds); ok != tc.ok {
			t.Errorf("match(%q, %q, %v) = %v, want %v", tc.exp, tc.act, tc.binds, ok, tc.ok)
		}
	}
}

func TestTyped(t *testing.T) {
	exp := []string{">>>abc", "b'ABC'", ">>>", "b''", ">>>"}
	in := inputsOf(exp, []string{">>>"})
	if strings.Join(in, "|") != "abc|" {
		t.Fatalf("inputsOf = %q, want [abc, \"\"] (the last prompt is the end of input)", in)
	}
	got := typed(">>>b'ABC'\n>>>b''\n>>>", []string{">>>"}, in)
	if want := ">>>abc\nb'ABC'\n>>>\nb''\n>>>"; got != want {
		t.Errorf("typed = %q, want %q", got, want)
	}
	if got := normalize("\x1b[1;44mhi\x1b[0m  \r\n\n"); len(got) != 1 || got[0] != "hi" {
		t.Errorf("normalize = %q", got)
	}
}
