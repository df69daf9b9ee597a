package tutorial

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// An item of a page: a heading or a fenced block.
type item struct {
	line    int // 1-based, of the heading or the opening fence
	heading int // the heading's level; 0 for a block

	lang string            // the first word of the info string
	args map[string]string // the other words: `bg` as "bg": "", `k="v"` as "k": "v"
	// prompts are the prompt="..." words, in order.
	prompts []string
	body    []string
}

var headingRE = regexp.MustCompile(`^(#{1,6}) `)

// parsePage reads the headings and fenced blocks of a Markdown file.
func parsePage(path string) ([]item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var items []item
	var cur *item
	var fence, indent string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		trimmed := strings.TrimLeft(l, " ")
		if cur != nil {
			if strings.HasPrefix(trimmed, fence) && strings.TrimSpace(trimmed) == fence {
				items = append(items, *cur)
				cur = nil
				continue
			}
			cur.body = append(cur.body, strings.TrimPrefix(l, indent))
			continue
		}
		if strings.HasPrefix(trimmed, "```") {
			indent = l[:len(l)-len(trimmed)]
			fence = trimmed[:len(trimmed)-len(strings.TrimLeft(trimmed, "`"))]
			info := strings.TrimSpace(trimmed[len(fence):])
			it, err := parseInfo(info)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, n, err)
			}
			it.line = n
			cur = &it
			continue
		}
		if m := headingRE.FindStringSubmatch(l); m != nil {
			items = append(items, item{line: n, heading: len(m[1])})
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: a fenced block is not closed", path, cur.line)
	}
	return items, sc.Err()
}

// parseInfo splits an info string: words, and key="value" with spaces in
// the value.
func parseInfo(info string) (item, error) {
	it := item{args: map[string]string{}}
	first := true
	for info = strings.TrimSpace(info); info != ""; info = strings.TrimSpace(info) {
		var word string
		if i := strings.Index(info, `="`); i >= 0 && !strings.ContainsAny(info[:i], " ") {
			end := strings.Index(info[i+2:], `"`)
			if end < 0 {
				return it, fmt.Errorf("unclosed quote in %q", info)
			}
			key, value := info[:i], info[i+2:i+2+end]
			info = info[i+2+end+1:]
			if key == "prompt" {
				it.prompts = append(it.prompts, value)
			} else {
				it.args[key] = value
			}
			continue
		}
		word, info, _ = strings.Cut(info, " ")
		if first {
			it.lang = word
		} else if k, v, ok := strings.Cut(word, "="); ok {
			it.args[k] = v
		} else {
			it.args[word] = ""
		}
		first = false
	}
	return it, nil
}

func (it item) has(word string) bool { _, ok := it.args[word]; return ok }

// A command of a console block and the lines it prints.
type command struct {
	line int
	cmd  string
	exp  []string
}

func (it item) commands() ([]command, error) {
	var cmds []command
	for i, l := range it.body {
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			cmds = append(cmds, command{line: it.line + 1 + i, cmd: c})
			continue
		}
		if len(cmds) == 0 {
			return nil, fmt.Errorf("line %d: output before the first `$ ` command", it.line+1+i)
		}
		cmds[len(cmds)-1].exp = append(cmds[len(cmds)-1].exp, l)
	}
	return cmds, nil
}

// replLines splits a REPL session into what is typed and what is printed.
func (it item) replLines() (in, out []string) {
	for _, l := range it.body {
		switch {
		case l == ">" || l == ">>":
			in = append(in, "")
		case strings.HasPrefix(l, "> "):
			in = append(in, l[2:])
		case strings.HasPrefix(l, ">> "):
			in = append(in, l[3:])
		default:
			out = append(out, l)
		}
	}
	return in, out
}
