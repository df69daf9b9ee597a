package cli

import (
	"strings"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/luabind"
	"github.com/sockplay/sockplay/scripts"
)

// The bundled scripts: sockplay list and sockplay show NAME.

func newListCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine: "list",
		Short:     l.Sprintf("list the bundled scripts, one line each"),
		Long: l.Sprintf(`
List prints every bundled script's name and what it does. Run one with
sockplay run NAME; read its source with sockplay show NAME.
`),
	}
	c.Run = noArgs(c, func(io *stdio) int {
		var rows [][2]string
		for _, s := range scripts.List() {
			summary := s.Summary
			if io.lang == i18n.Chinese && s.SummaryZh != "" {
				summary = s.SummaryZh
			}
			rows = append(rows, [2]string{s.Name, summary})
		}
		writeColumns(io.stdout, "", rows)
		return exitOK
	})
	return c
}

func newShowCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine: "show NAME",
		Short:     l.Sprintf("print a bundled script's source, to copy and edit"),
		Long: l.Sprintf(`
Show prints the source of the bundled script NAME (see sockplay list), for
example sockplay show tcp/echo_server > my_server.lua.
`),
	}
	c.Run = func(io *stdio, args []string) int {
		if len(args) != 1 {
			return reportUsage(io.stderr, c.usageErrorf("want one script name, got %d arguments (names: sockplay list)", len(args)))
		}
		src, err := luabind.ReadScript(scripts.FS, args[0])
		if err != nil {
			if near := bundledOnly(suggestScripts(args[0])); len(near) > 0 {
				return reportUsage(io.stderr, c.usageErrorf("no bundled script named %q; did you mean %s? (see 'sockplay list')", args[0], strings.Join(near, ", ")))
			}
			return reportUsage(io.stderr, c.usageErrorf("%v", err))
		}
		io.stdout.Write(src)
		return exitOK
	}
	return c
}
