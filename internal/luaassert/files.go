package luaassert

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// DefaultTimeout bounds a test file's run when its header sets no
// timeout: a hang is a failure, not a stuck test binary.
const DefaultTimeout = 30 * time.Second

// Options are a test file's header options: the lines
//
//	-- option: NAME [VALUE]
//
// of the comment that opens the file. What each means for a run is the
// harness's (luabind's, lualib's TestLua); a harness refuses the options
// it cannot honour.
type Options struct {
	// Serial ("serial") runs the file alone, not in parallel with the
	// other files: io.popen's children hold every descriptor of the
	// process between their fork and exec; the sandbox's memory watchdog
	// counts the whole process's heap.
	Serial bool
	// Sandbox ("sandbox") runs the file in luabind's sandbox, with the
	// test's temporary directory (arg[1]) as the one it may write in.
	Sandbox bool
	// Stdin ("stdin FILE") is the file, next to the test file, that is
	// the run's input (input(), io.read); "": no input.
	Stdin string
	// Timeout ("timeout 2s", a Go duration) bounds the run: with
	// Sandbox it is the sandbox's time limit, and the harness gives the
	// sandbox some more time to stop the run. 0: DefaultTimeout.
	Timeout time.Duration
	// MaxMemory ("memory 64MiB") is the sandbox's memory limit in bytes
	// (with Sandbox only); 0: the sandbox's default.
	MaxMemory int64
	// Error ("error PART ... PART") is the error the run must end with:
	// its message holds every part, in order. nil: the run must end
	// without an uncaught error.
	Error []string
}

// Limit is the run's time limit: Timeout, or DefaultTimeout.
func (o Options) Limit() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// CheckEnd checks how the run ended, given the message of its uncaught
// error ("" for none): as the Error option says, else without an error.
func (o Options) CheckEnd(t testing.TB, msg string) {
	t.Helper()
	if o.Error == nil {
		if msg != "" {
			t.Errorf("uncaught: %s", msg)
		}
		return
	}
	if msg == "" {
		t.Errorf("the run ended without an error, want one with %q", o.Error)
		return
	}
	at := 0
	for _, part := range o.Error {
		i := strings.Index(msg[at:], part)
		if i < 0 {
			t.Errorf("the run ended with\n%s\nwhich lacks %q after position %d (want %q in order)", msg, part, at, o.Error)
			return
		}
		at += i + len(part)
	}
}

// RunFiles runs run(t, file, options) for every dir/*.lua, each as a
// subtest named after its file, in parallel with the others unless its
// options say serial.
func RunFiles(t *testing.T, dir string, run func(t *testing.T, file string, opts Options)) {
	files, err := filepath.Glob(filepath.Join(dir, "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no %s/*.lua files", dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			opts, err := ReadOptions(file)
			if err != nil {
				t.Fatal(err)
			}
			if !opts.Serial {
				t.Parallel()
			}
			run(t, file, opts)
		})
	}
}

// ReadOptions reads the "-- option:" lines of the comment that opens file.
func ReadOptions(file string) (Options, error) {
	var opts Options
	f, err := os.Open(file)
	if err != nil {
		return opts, err
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "--") {
			break
		}
		spec, ok := strings.CutPrefix(strings.TrimSpace(line[2:]), "option:")
		if !ok {
			continue
		}
		name, value, _ := strings.Cut(strings.TrimSpace(spec), " ")
		value = strings.TrimSpace(value)
		if err := opts.set(name, value); err != nil {
			return opts, fmt.Errorf("%s: option %s: %v", file, name, err)
		}
	}
	if opts.MaxMemory != 0 && !opts.Sandbox {
		return opts, fmt.Errorf("%s: option memory is the sandbox's limit: it needs option sandbox", file)
	}
	return opts, nil
}

// options are the header options: whether each takes a value, and what
// it sets.
var options = map[string]struct {
	value bool
	set   func(o *Options, value string) error
}{
	"serial":  {false, func(o *Options, _ string) error { o.Serial = true; return nil }},
	"sandbox": {false, func(o *Options, _ string) error { o.Sandbox = true; return nil }},
	"stdin":   {true, func(o *Options, file string) error { o.Stdin = file; return nil }},
	"timeout": {true, func(o *Options, value string) error {
		d, err := time.ParseDuration(value)
		if err != nil || d <= 0 {
			return fmt.Errorf("%q is not a duration such as 2s", value)
		}
		o.Timeout = d
		return nil
	}},
	"memory": {true, func(o *Options, value string) error {
		n, err := strconv.ParseInt(strings.TrimSuffix(value, "MiB"), 10, 64)
		if err != nil || n <= 0 || !strings.HasSuffix(value, "MiB") {
			return fmt.Errorf("%q is not a size such as 64MiB", value)
		}
		o.MaxMemory = n << 20
		return nil
	}},
	"error": {true, func(o *Options, value string) error { o.Error = strings.Split(value, " ... "); return nil }},
}

func (o *Options) set(name, value string) error {
	opt, ok := options[name]
	switch {
	case !ok:
		return fmt.Errorf("unknown (known: serial, sandbox, stdin FILE, timeout D, memory NMiB, error PART ... PART)")
	case opt.value && value == "":
		return fmt.Errorf("a value expected")
	case !opt.value && value != "":
		return fmt.Errorf("takes no value, got %q", value)
	}
	return opt.set(o, value)
}
