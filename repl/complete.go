package repl

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/sockplay/sockplay/luabind"
)

var luaKeywords = []string{
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if",
	"in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}

// complete is liner's word completer. line is the line being edited and
// pos the cursor (in runes); it returns the text before the word being
// completed, the candidates for that word, and the text after the cursor.
//
// It completes keywords and globals, fields after a dot (socket.AF_ →
// AF_INET ...), methods after a colon (s:se → send sendall ...; a socket's
// methods though its __index is a function), and :commands with their
// arguments. Values are looked up raw, so completing never runs Lua code.
func (r *repl) complete(line string, pos int) (string, []string, string) {
	runes := []rune(line)
	pos = min(max(pos, 0), len(runes))
	before, tail := string(runes[:pos]), string(runes[pos:])
	if strings.HasPrefix(strings.TrimLeft(before, " \t"), ":") {
		head, items := r.completeCommand(before)
		return head, items, tail
	}
	if inStringOrComment(before) {
		return before, nil, tail
	}
	i := len(before)
	for i > 0 && isNameByte(before[i-1]) {
		i--
	}
	word := before[i:]
	sep := strings.LastIndexAny(word, ".:")
	var names []string
	var prefix string
	if sep < 0 {
		if word == "" || isDigit(word[0]) {
			return before, nil, tail
		}
		prefix = word
		names = append(append(names, luaKeywords...), r.sess.Names(nil, false)...)
	} else {
		base := word[:sep]
		prefix = word[sep+1:]
		path := strings.Split(base, ".")
		for _, p := range path {
			if p == "" || isDigit(p[0]) || strings.Contains(p, ":") {
				return before, nil, tail
			}
		}
		names = r.sess.Names(path, word[sep] == ':')
	}
	return before[:len(before)-len(prefix)], withPrefix(names, prefix), tail
}

// completeCommand completes a :command's name or its first argument.
func (r *repl) completeCommand(before string) (string, []string) {
	trimmed := strings.TrimLeft(before, " \t")
	if !strings.ContainsAny(trimmed, " \t") {
		var items []string
		for _, c := range commands {
			items = append(items, ":"+c.name)
		}
		return before[:len(before)-len(trimmed)], withPrefix(items, trimmed)
	}
	k := strings.LastIndexAny(before, " \t")
	head, arg := before[:k+1], before[k+1:]
	fields := strings.Fields(head)
	c, _ := findCommand(luabind.English, strings.TrimPrefix(fields[0], ":")) // the problem, if any, is not shown
	if c == nil || len(fields) > 1 {
		return head, nil // only the first argument is completed
	}
	var items []string
	switch c.name {
	case "help":
		items = helpTopicNames()
	case "run":
		items = append(append(items, r.opts.ScriptNames...), luaFiles(arg)...)
	case "load":
		items = luaFiles(arg)
	case "kill":
		for _, t := range r.sess.Tasks() {
			items = append(items, strconv.Itoa(t.ID))
		}
	}
	return head, withPrefix(items, arg)
}

// luaFiles lists the .lua files and the directories that start with
// prefix, a path being typed.
func luaFiles(prefix string) []string {
	dir, base := filepath.Split(prefix)
	entries, err := os.ReadDir(cmpOr(dir, "."))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, base) || strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
			continue
		}
		switch {
		case e.IsDir():
			out = append(out, dir+name+"/")
		case strings.HasSuffix(name, ".lua"):
			out = append(out, dir+name)
		}
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// withPrefix returns the names that start with prefix, sorted, once each.
func withPrefix(names []string, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func isNameByte(c byte) bool {
	return c == '_' || c == '.' || c == ':' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || isDigit(c)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// inStringOrComment reports whether the end of s is inside a short string
// or a -- comment, where nothing is completed.
func inStringOrComment(s string) bool {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '"' || c == '\'':
			quote = c
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			return true
		}
	}
	return quote != 0
}
