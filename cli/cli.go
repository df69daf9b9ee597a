// Package cli is the sockplay command: its command table, its flags, and
// the runs they start.
//
// Each command is a Command value (command.go) made by a new…Command
// function in the file named after it: run.go (runs, the REPL), list.go
// (list, show), test.go, exercise.go, diagram.go. newCommands lists them;
// `sockplay help` and every usage error are made from that table. The
// flags every run shares are runFlags (runflags.go); a sandboxed run's
// child process and its limits are sandbox.go's.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sockplay/sockplay/internal/child"
	"github.com/sockplay/sockplay/internal/i18n"
)

// Exit statuses.
const (
	exitOK          = 0
	exitError       = 1 // the script raised an error, a test failed
	exitUsage       = 2 // the command line is wrong
	exitInterrupted = 130
)

// version is what --version prints and the REPL's banner shows; Main sets it.
var version = "dev"

// stdio are a command's standard streams, and the command line it came
// from (for a sandboxed run's child process, which runs it again).
type stdio struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	args           []string
	lang           i18n.Lang // what the user reads is in it: hints, help, usage errors
}

// Main runs the process's command line as sockplay and exits with its
// status. version is the program's version (main.version).
func Main(v string) {
	version = v // before the child's roles: the sandboxed REPL's banner shows it
	// A child process of a sandboxed run runs its role and exits here.
	child.Serve(childRoles())
	tuneGC()
	stopProfile := startProfile()
	status := Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	writeMemProfile()
	os.Exit(status)
}

// Run runs a sockplay command line and returns its exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runIn(i18n.FromEnv(), args, stdin, stdout, stderr)
}

// runIn runs a command line speaking l.
func runIn(l i18n.Lang, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newCommands(l).execute(&stdio{stdin, stdout, stderr, args, l}, args)
}

// newCommands returns the command table: the root command (a bare
// script, -e, the REPL) and the commands below it.
func newCommands(l i18n.Lang) *Command {
	root := &Command{
		UsageLine: "[run flags] [FILE|NAME|- [args]]",
		Long: l.Sprintf(`
Or: sockplay COMMAND [args], with a command below.

sockplay is a socket playground: TCP, UDP and Unix sockets in Lua.

  sockplay                   the REPL on a terminal; with piped stdin, run it as a script
  sockplay FILE.lua [args]   run a script file (args are in the global arg)
  sockplay run NAME [args]   run a bundled script, e.g. sockplay run tcp/echo_server
  sockplay -e CODE [args]    run a chunk of Lua
  sockplay -e CODE -i        run a chunk, then the REPL in the same runtime
  sockplay -i FILE.lua       run a script, then the REPL in the same runtime
  sockplay -i                the REPL; with piped stdin it reads lines and prints results
  sockplay -                 run a script read from standard input
  sockplay --trace FILE.lua  show every socket event (docs/TRACE.md)
  sockplay --sandbox FILE    run confined: loopback only, no programs, limits
`) + l.Sprintf(runFlagsLong) + l.Sprintf(`
Start with:  sockplay run demo   (or just sockplay, then :help)
Exit status: 0 done, 1 the script raised an error, 2 usage, 130 interrupted
(Ctrl-C; a second Ctrl-C exits at once); the REPL: 0 at Ctrl-D or :quit,
n after os.exit(n).
`),
		lang: l,
	}
	var f runFlags
	f.register(l, &root.Flag)
	showVersion := root.Flag.Bool("version", false, l.Sprintf("print sockplay's version"))
	root.Run = func(io *stdio, args []string) int {
		if *showVersion {
			fmt.Fprintf(io.stdout, "sockplay %s\n", version)
			return exitOK
		}
		return runCommandLine(root, &f, io, args, false)
	}
	root.Commands = []*Command{
		newRunCommand(l),
		newListCommand(l),
		newShowCommand(l),
		newTestCommand(l),
		newExerciseCommand(l),
		newDiagramCommand(l),
		newVersionCommand(l),
		newHelpCommand(l, root),
	}
	return root.link()
}

// execute runs c, or the subcommand args name.
func (c *Command) execute(io *stdio, args []string) int {
	if len(args) > 0 {
		if sub := c.lookup(args[0]); sub != nil {
			return sub.execute(io, args[1:])
		}
	}
	if c.Run == nil { // a group of subcommands (exercise)
		switch {
		case len(args) == 0:
			return reportUsage(io.stderr, c.usageErrorf("missing command: %s", c.commandNames()))
		case args[0] == "help" || args[0] == "-h" || args[0] == "--help":
			c.help(io.stdout)
			return exitOK
		}
		return reportUsage(io.stderr, c.usageErrorf("unknown command %s (commands: %s)", args[0], c.commandNames()))
	}
	rest, err := c.parse(args)
	var ue *usageError
	switch {
	case errors.Is(err, errHelp):
		c.help(io.stdout)
		return exitOK
	case errors.As(err, &ue):
		return reportUsage(io.stderr, ue)
	case err != nil:
		fmt.Fprintf(io.stderr, "%s: %v\n", c.title(), err)
		return exitUsage
	}
	return c.Run(io, rest)
}

func (c *Command) commandNames() string {
	var names []string
	for _, sub := range c.Commands {
		names = append(names, sub.Name())
	}
	return strings.Join(names, ", ")
}

// noArgs is the Run of a command that takes no arguments.
func noArgs(c *Command, run func(io *stdio) int) func(*stdio, []string) int {
	return func(io *stdio, args []string) int {
		if len(args) > 0 {
			return reportUsage(io.stderr, c.usageErrorf("unexpected argument %s", args[0]))
		}
		return run(io)
	}
}

func newVersionCommand(l i18n.Lang) *Command {
	c := &Command{
		UsageLine: "version",
		Short:     l.Sprintf("print sockplay's version (also --version)"),
	}
	c.Run = noArgs(c, func(io *stdio) int {
		fmt.Fprintf(io.stdout, "sockplay %s\n", version)
		return exitOK
	})
	return c
}

func newHelpCommand(l i18n.Lang, root *Command) *Command {
	c := &Command{
		UsageLine: "help [COMMAND...]",
		Short:     l.Sprintf("this help, or a command's (also -h, --help, COMMAND -h)"),
	}
	c.Run = func(io *stdio, args []string) int {
		cmd := root
		for _, name := range args {
			sub := cmd.lookup(name)
			if sub == nil {
				return reportUsage(io.stderr, c.usageErrorf("unknown command %q (commands: %s)", strings.Join(args, " "), cmd.commandNames()))
			}
			cmd = sub
		}
		cmd.help(io.stdout)
		return exitOK
	}
	return c
}
