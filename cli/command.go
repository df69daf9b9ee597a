package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sockplay/sockplay/internal/i18n"
)

// A Command is one sockplay command, such as run or test. The help texts
// and the usage errors are made from these fields, so a command's
// documentation lives beside its code.
type Command struct {
	// Run runs the command with the arguments left after its flags and
	// returns the exit status.
	Run func(io *stdio, args []string) int

	// UsageLine is the command's synopsis after "sockplay". Its leading
	// lower-case words are the command's name ("exercise start NAME
	// [DIR]" is the command "exercise start"; a group of subcommands has
	// one word: "exercise list | start | check"); the root command has none.
	UsageLine string

	// Short is the one-line description in the list of commands.
	Short string

	// Long is the description `sockplay help COMMAND` shows, after the
	// usage line and before the flags.
	Long string

	// Flag is the command's own flag set; Run sees the arguments left
	// after the flags. A flag takes one dash or two (-v, --sandbox), and
	// a value as the next argument or after '=' (--timeout=5s).
	Flag flag.FlagSet

	// Interspersed lets flags come after other arguments, as `go test`
	// allows (sockplay test DIR -v). Otherwise the first argument that is
	// not a flag ends them: what follows a script's name is the script's.
	Interspersed bool

	// FlagsName heads the list of flags in the help, with its colon
	// ("": "flags:"); a message of the catalog (i18n.Key).
	FlagsName string

	// Commands are the command's subcommands (exercise start, ...): its
	// first argument names one of them.
	Commands []*Command

	parent *Command
	lang   i18n.Lang // of its help and usage errors: the root's, set by link
}

// Name is the command's last name word: "start" for "exercise start".
func (c *Command) Name() string {
	words := strings.Fields(c.LongName())
	if len(words) == 0 {
		return ""
	}
	return words[len(words)-1]
}

// LongName is the command's full name after "sockplay": "exercise start".
func (c *Command) LongName() string {
	var words []string
	for i, w := range strings.Fields(c.UsageLine) {
		if strings.Trim(w, "abcdefghijklmnopqrstuvwxyz") != "" || i > 0 && len(c.Commands) > 0 {
			break
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}

// title is how messages name the command: "sockplay exercise start".
func (c *Command) title() string {
	return strings.TrimSpace("sockplay " + c.LongName())
}

// lookup returns the subcommand named name, or nil.
func (c *Command) lookup(name string) *Command {
	for _, sub := range c.Commands {
		if sub.Name() == name {
			return sub
		}
	}
	return nil
}

// link sets the parent of every command below c.
func (c *Command) link() *Command {
	for _, sub := range c.Commands {
		sub.parent = c
		sub.lang = c.lang
		sub.link()
	}
	return c
}

// errHelp: the command line asked for help (-h, --help).
var errHelp = errors.New("help requested")

// usageError is a command line the command cannot run: exit status 2,
// the message, and the command's usage line.
type usageError struct {
	cmd *Command
	msg string
}

func (e *usageError) Error() string { return e.msg }

// usageErrorf is a usage error of c, its message format translated.
func (c *Command) usageErrorf(format string, args ...any) *usageError {
	return &usageError{c, c.lang.Sprintf(format, args...)}
}

// reportUsage prints a usage error and returns the usage status.
func reportUsage(w io.Writer, e *usageError) int {
	l := e.cmd.lang
	fmt.Fprintf(w, "%s: %s\n", e.cmd.title(), e.msg)
	l.Fprintf(w, "usage: %s\n", strings.TrimSpace("sockplay "+e.cmd.UsageLine))
	l.Fprintf(w, "Run '%s' for details.\n", strings.TrimSpace("sockplay help "+e.cmd.LongName()))
	return exitUsage
}

// dashed is a flag's name as the help spells it: -e, --trace.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

type boolFlag interface{ IsBoolFlag() bool }

// negativeNumber: a is a negative number that is none of c's flags
// (exercise start -1): an argument, for the command to judge.
func (c *Command) negativeNumber(a string) bool {
	_, err := strconv.Atoi(a)
	return err == nil && c.Flag.Lookup(strings.TrimPrefix(a, "-")) == nil
}

// parse sets c's flags from args and returns the other arguments. "--"
// ends the flags and is dropped; "-" is an argument (standard input).
func (c *Command) parse(args []string) ([]string, error) {
	var rest []string
	for len(args) > 0 {
		a := args[0]
		if a == "--" {
			return append(rest, args[1:]...), nil
		}
		if !strings.HasPrefix(a, "-") || a == "-" || c.negativeNumber(a) {
			if !c.Interspersed {
				return append(rest, args...), nil
			}
			rest = append(rest, a)
			args = args[1:]
			continue
		}
		args = args[1:]
		name, value, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
		f := c.Flag.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				return nil, errHelp
			}
			return nil, c.usageErrorf("unknown flag %s", spelled(a))
		}
		if b, ok := f.Value.(boolFlag); ok && b.IsBoolFlag() {
			if hasValue {
				return nil, c.usageErrorf("%s takes no value (got %s)", spelled(a), a)
			}
			value = "true"
		} else if !hasValue {
			if len(args) == 0 {
				what, _ := flag.UnquoteUsage(f)
				return nil, c.usageErrorf("%s needs a value: %s %s", spelled(a), dashed(name), what)
			}
			value, args = args[0], args[1:]
		}
		if err := c.Flag.Set(name, value); err != nil {
			var ve *valueError
			if errors.As(err, &ve) {
				err = errors.New(c.lang.Sprintf(ve.format, ve.args...))
			}
			if value == "" {
				return nil, c.usageErrorf("%s: %v", spelled(a), err)
			}
			return nil, c.usageErrorf("%s %s: %v", spelled(a), value, err)
		}
	}
	return rest, nil
}

// spelled is a flag as the user typed it, without a value.
func spelled(arg string) string {
	name, _, _ := strings.Cut(arg, "=")
	return name
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// help writes c's help: usage, description, flags and subcommands.
func (c *Command) help(w io.Writer) {
	l := c.lang
	l.Fprintf(w, "usage: %s\n", strings.TrimSpace("sockplay "+c.UsageLine))
	if c.Long != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Long))
	}
	if len(c.Commands) > 0 {
		l.Fprintf(w, "\ncommands:\n")
		c.listCommands(w)
	}
	if hasFlags(&c.Flag) {
		heading := l.Sprintf("flags:")
		if c.FlagsName != "" {
			heading = l.Text(c.FlagsName)
		}
		fmt.Fprintf(w, "\n%s\n", heading)
		printFlags(w, &c.Flag)
	}
}

// listCommands lists c's subcommands: by name under the root, by usage
// line under a group (exercise start NAME [DIR]).
func (c *Command) listCommands(w io.Writer) {
	left := func(sub *Command) string {
		if c.parent == nil {
			return sub.Name()
		}
		return "sockplay " + sub.UsageLine
	}
	rows := make([][2]string, len(c.Commands))
	for i, sub := range c.Commands {
		rows[i] = [2]string{left(sub), sub.Short}
	}
	writeColumns(w, "  ", rows)
}

// writeColumns writes rows of two columns after indent, the second column
// starting two spaces after the longest first one.
func writeColumns(w io.Writer, indent string, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(w, "%s%-*s  %s\n", indent, width, r[0], r[1])
	}
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// printFlags lists fs's flags, the one-letter ones first, each with its
// value's name (the `quoted` word of its usage) and its usage.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	sort.SliceStable(flags, func(i, j int) bool {
		return len(flags[i].Name) == 1 && len(flags[j].Name) > 1
	})
	for _, f := range flags {
		what, usage := flag.UnquoteUsage(f)
		left := dashed(f.Name)
		if b, ok := f.Value.(boolFlag); !ok || !b.IsBoolFlag() {
			left += " " + what
		}
		lines := strings.Split(usage, "\n")
		fmt.Fprintf(w, "  %-19s %s\n", left, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %-19s %s\n", "", l)
		}
	}
}
