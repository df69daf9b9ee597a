package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/internal/near"
	"github.com/sockplay/sockplay/luabind"
)

// A :command. Its name starts with a colon, which no Lua chunk can, so
// commands never clash with code.
type command struct {
	name, args, summary string
	run                 func(r *repl, args []string) *leaveError
}

var commands []command // set in init: the commands refer to the help text

func init() {
	commands = []command{
		{"help", "[topic]", i18n.Key("this text; topics: %s"), (*repl).cmdHelp},
		{"quit", "", i18n.Key("leave (also Ctrl-D on an empty line, os.exit(n))"), (*repl).cmdQuit},
		{"load", "FILE", i18n.Key("run a Lua file here, in the foreground (Ctrl-C stops it)"), (*repl).cmdLoad},
		{"run", "NAME [args]", i18n.Key("start a bundled script (or a .lua file) in the background"), (*repl).cmdRun},
		{"jobs", "", i18n.Key("the background tasks and their state"), (*repl).cmdJobs},
		{"kill", "N", i18n.Key("stop background task N"), (*repl).cmdKill},
		{"trace", "", i18n.Key("the full traceback of the last error (of any task)"), (*repl).cmdTrace},
		{"reset", "", i18n.Key("close every socket, stop every task, fresh globals"), (*repl).cmdReset},
	}
}

// aliases people type out of habit.
var aliases = map[string]string{"q": "quit", "exit": "quit", "h": "help", "?": "help"}

// findCommand resolves a name, an alias or an unambiguous prefix; the
// problem, if none, is said in l.
func findCommand(l luabind.Language, name string) (*command, string) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	var found []*command
	for i := range commands {
		c := &commands[i]
		if c.name == name {
			return c, ""
		}
		if name != "" && strings.HasPrefix(c.name, name) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		var meant []string
		for _, c := range commands {
			if near.Name(name, c.name) {
				meant = append(meant, ":"+c.name)
			}
		}
		if len(meant) > 0 {
			choices := strings.Join(meant, ", ")
			return nil, l.Sprintf("unknown command :%s; did you mean %s? (:help lists them)", name, choices)
		}
		return nil, l.Sprintf("unknown command :%s (:help lists them)", name)
	}
	var names []string
	for _, c := range found {
		names = append(names, ":"+c.name)
	}
	return nil, l.Sprintf(":%s is ambiguous: %s", name, strings.Join(names, " or "))
}

// command runs a :command line.
func (r *repl) command(line string) *leaveError {
	fields := strings.Fields(strings.TrimPrefix(line, ":"))
	name := ""
	if len(fields) > 0 {
		name = fields[0]
		fields = fields[1:]
	}
	c, problem := findCommand(r.rt.Lang(), name)
	if c == nil {
		fmt.Fprintln(r.stderr, problem)
		return nil
	}
	return c.run(r, fields)
}

func (r *repl) usage(c string) {
	cmd, _ := findCommand(r.rt.Lang(), c)
	r.rt.Lang().Fprintf(r.stderr, "usage: :%s %s\n", cmd.name, cmd.args)
}

// :help [topic]
func (r *repl) cmdHelp(args []string) *leaveError {
	if len(args) == 0 {
		fmt.Fprint(r.stdout, helpOverview(r.rt.Lang()))
		return nil
	}
	if text, ok := helpTopics[strings.ToLower(args[0])]; ok {
		fmt.Fprint(r.stdout, r.rt.Lang().Text(text))
		return nil
	}
	r.rt.Lang().Fprintf(r.stderr, "no help on %q; topics: %s\n", args[0], strings.Join(helpTopicNames(), ", "))
	return nil
}

// :quit
func (r *repl) cmdQuit([]string) *leaveError { return &leaveError{nil} }

// :load FILE: run a file in the foreground, as Lua's dofile does.
func (r *repl) cmdLoad(args []string) *leaveError {
	if len(args) != 1 {
		r.usage("load")
		return nil
	}
	if msg := luabind.PythonFile(r.rt.Lang(), args[0]); msg != "" {
		fmt.Fprintln(r.stderr, msg)
		return nil
	}
	src, err := os.ReadFile(args[0])
	if err != nil {
		r.rt.Lang().Fprintf(r.stderr, "cannot load: %v\n", err)
		return nil
	}
	r.sess.AddModuleDir(args[0]) // its require finds the modules beside it
	return r.evalSource(string(src), args[0], false)
}

// :run NAME [args]: a bundled script, or a file, as a background task.
func (r *repl) cmdRun(args []string) *leaveError {
	if len(args) == 0 {
		r.usage("run")
		if len(r.opts.ScriptNames) > 0 {
			r.rt.Lang().Fprintf(r.stderr, "bundled scripts: %s\n", strings.Join(r.opts.ScriptNames, " "))
		}
		return nil
	}
	name := args[0]
	if msg := luabind.PythonFile(r.rt.Lang(), name); msg != "" {
		fmt.Fprintln(r.stderr, msg)
		return nil
	}
	var id int
	var err error
	isFile := false
	r.con.holdWhile(func() string {
		if st, serr := os.Stat(name); serr == nil && !st.IsDir() {
			isFile = true
			var src []byte
			if src, err = os.ReadFile(name); err == nil {
				r.sess.AddModuleDir(name)
				id, err = r.sess.StartCode(name, string(src), args[1:])
			}
		} else {
			id, err = r.sess.Start(name, args[1:])
		}
		if err != nil {
			return ""
		}
		return r.rt.Lang().Sprintf("[%s] %s runs in the background (:jobs lists tasks, :kill %s stops it)\n", strconv.Itoa(id), name, strconv.Itoa(id))
	})
	if err != nil {
		var e *luabind.Error
		if meant := near.Paths(strings.TrimSuffix(name, ".lua"), r.opts.ScriptNames); !isFile && !errors.As(err, &e) && len(meant) > 0 {
			choices := strings.Join(meant[:min(len(meant), 3)], ", ")
			r.rt.Lang().Fprintf(r.stderr, "no bundled script named %q; did you mean %s? (:run with no name lists them)\n", name, choices)
			return nil
		}
		r.showError(err)
		return nil
	}
	return r.settle(id)
}

// taskWait bounds how long the REPL waits on a background task before it
// shows the prompt: after :run for the script to settle (settle), after
// Ctrl-C or :kill for its end (awaitEnd). The pseudo-terminal tests
// raise it to their own deadline, so that a machine too loaded to start
// a script within it does not change what they see.
var taskWait = 2 * time.Second

// settle waits after :run, as a notebook waits for a cell, until the
// script has settled (Session.Settled): its main chunk and every task it
// spawned have ended, or wait on a socket, a sleep, a select. What it
// says until then comes before the prompt; what it says later shows
// above the prompt (console). Its first input() takes the keyboard at
// once. Bounded: a script that runs on without waiting (a long
// computation, a busy loop) gets the prompt back after taskWait.
func (r *repl) settle(id int) *leaveError {
	timeout := time.NewTimer(taskWait)
	defer timeout.Stop()
	select {
	case <-r.sess.Settled(id):
	case req := <-r.inputs:
		return r.foreground(req)
	case <-timeout.C:
	case sig := <-r.sigs:
		if sig != os.Interrupt {
			return &leaveError{signalExit(sig)}
		}
	}
	return nil
}

func (r *repl) running(id int) bool {
	for _, t := range r.sess.Tasks() {
		if t.ID == id {
			return true
		}
	}
	return false
}

// :jobs
func (r *repl) cmdJobs([]string) *leaveError {
	r.showJobs(r.sess.Jobs())
	return nil
}

// :kill N
func (r *repl) cmdKill(args []string) *leaveError {
	if len(args) != 1 {
		r.usage("kill")
		return nil
	}
	id, err := strconv.Atoi(strings.TrimPrefix(args[0], "%"))
	if err != nil {
		r.usage("kill")
		return nil
	}
	if !r.sess.Kill(id) {
		r.rt.Lang().Fprintf(r.stderr, "no running task %s (:jobs lists them)\n", strconv.Itoa(id))
		return nil
	}
	if !r.awaitEnd(id) {
		r.rt.Lang().Fprintf(r.stdout, "[%s] told to stop (it waits outside Lua)\n", strconv.Itoa(id))
		return nil
	}
	r.rt.Lang().Fprintf(r.stdout, "[%s] stopped\n", strconv.Itoa(id))
	return nil
}

// awaitEnd waits a little for task id, just cancelled, to end, so that
// :jobs shows it ended: it ends at its next instruction or blocking call.
// It reports whether it did.
func (r *repl) awaitEnd(id int) bool {
	deadline := time.Now().Add(taskWait)
	for r.running(id) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling the task list: a task's end has no event
	}
	return !r.running(id)
}

// :trace: the last error of any task (a line, a spawned task, a :run
// script), with every frame of its traceback.
func (r *repl) cmdTrace([]string) *leaveError {
	e := r.sess.LastError()
	if e == nil {
		r.rt.Lang().Fprintf(r.stdout, "no error yet\n")
		return nil
	}
	if e.Task != "" {
		r.rt.Lang().Fprintf(r.stdout, "error in %s:\n", e.Task)
	}
	if e.Traceback == "" {
		r.rt.Lang().Fprintf(r.stdout, "(no traceback)\n")
	}
	fmt.Fprint(r.stdout, e.Traceback)
	fmt.Fprintln(r.stdout, e.Msg)
	return nil
}

// :reset
func (r *repl) cmdReset([]string) *leaveError {
	tasks, sockets := len(r.sess.Tasks()), r.rt.OpenSockets()
	ctx, cancel := context.WithTimeout(r.ctx, 5*time.Second)
	defer cancel()
	l := r.rt.Lang()
	if err := r.sess.Reset(ctx); err != nil {
		why := err.Error()
		l.Fprintf(r.stderr, "reset failed: %s\n", why)
		return nil
	}
	taskCount, socketCount := l.Sprintf("1 task"), l.Sprintf("1 socket")
	if tasks != 1 {
		taskCount = l.Sprintf("%s tasks", strconv.Itoa(tasks))
	}
	if sockets != 1 {
		socketCount = l.Sprintf("%s sockets", strconv.Itoa(sockets))
	}
	l.Fprintf(r.stdout, "reset: %s stopped, %s closed, globals as at the start\n", taskCount, socketCount)
	return nil
}

func helpTopicNames() []string {
	names := make([]string, 0, len(helpTopics))
	for n := range helpTopics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func helpOverview(l luabind.Language) string {
	var b strings.Builder
	b.WriteString(l.Sprintf(`Type Lua and press Enter. The values of an expression are printed (strings
quoted, so "\r\n" and binary bytes show; print() stays raw), and so are those
of a call that ends the line. A chunk that is not finished continues at the
>> prompt.

`))
	for _, c := range commands {
		summary := l.Text(c.summary)
		if c.name == "help" {
			summary = l.Sprintf(c.summary, strings.Join(helpTopicNames(), ", "))
		}
		fmt.Fprintf(&b, "  %-18s %s\n", ":"+c.name+" "+c.args, summary)
	}
	b.WriteString(l.Sprintf(`
Globals, sockets and spawned tasks persist from line to line, and so does a
top-level local: at the prompt, local x = 1 sets the global x (:help locals).
Servers you spawn or :run keep running while you type; what they print
shows at once, above the prompt and your half-typed line (:help tasks).
Ctrl-C stops the running line only; twice within a second, the background
tasks too.

A global never assigned is nil, with a warning (True is not Lua's true);
strict(true) makes it an error. At >>, a second empty line drops an
unfinished chunk and says what it lacks.
`))
	return b.String()
}

var helpTopics = map[string]string{
	"socket": i18n.Key(`The socket module is Python's, line by line (errors are raised as values):
  s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)   -- or SOCK_DGRAM, AF_INET6, AF_UNIX
  s:bind({"127.0.0.1", 8080})  s:listen(5)  conn, addr = s:accept()
  s:connect({"127.0.0.1", 8080})  s:connect_ex(addr) -> errno (0: connected)
  s:send(data) -> n  s:sendall(data)  s:recv(1024) -> data ("" when the peer closed)
  s:sendto(data, addr)  data, addr = s:recvfrom(1024)
  s:settimeout(nil | 0 | secs)  s:gettimeout()  s:setblocking(b)  s:getblocking()
  s:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  s:getsockopt(level, opt)
  s:getsockname()  s:getpeername()  s:shutdown(socket.SHUT_WR)  s:close()
  s:fileno()  s:makefile("rw")  s.family  s.type  s.proto
  socket.create_server({host, port})  socket.create_connection({host, port}, timeout)
  socket.socketpair()  socket.getaddrinfo(host, port)  socket.gethostname()
  socket.gethostbyname(name)  htons ntohs htonl ntohl  inet_aton inet_ntoa inet_pton inet_ntop
  socket.setdefaulttimeout(secs)  socket.getdefaulttimeout()
Addresses are {host, port} tables, also two arguments: s:bind("127.0.0.1", 8080);
returned ones print ('127.0.0.1', 8080) and have .host and .port.
Errors: OSError > ConnectionError > BrokenPipeError, ConnectionAbortedError,
  ConnectionRefusedError, ConnectionResetError; also BlockingIOError,
  TimeoutError, gaierror. ok, err = pcall(s.connect, s, addr)
  err.errno  err.strerror  err:is("ConnectionError")  tostring(err)
Also: spawn(fn, ...) -> task (:help tasks)  sleep(secs)  input(prompt)
  select.select(r, w, x, timeout)  string.pack / string.unpack (Lua 5.3's)
`),
	"keys": i18n.Key(`Keys (on a terminal):
  Enter          run the line; an unfinished chunk continues at >>
  Tab            complete keywords, globals, fields (socket.AF_), methods (s:se)
                 and :commands; press it twice to list the choices
  Up / Down      history: earlier lines starting with what is typed
  Ctrl-R         search the history
  Ctrl-A Ctrl-E  start / end of line      Left Right Ctrl-B Ctrl-F  move
  Alt-B Alt-F    word left / right        Ctrl-W Alt-D    delete a word
  Ctrl-K Ctrl-U  delete to end / start    Ctrl-Y          paste what was deleted
  Ctrl-L         clear the screen
  Ctrl-C         at the prompt: drop the line (or the unfinished chunk);
                 while a line runs: interrupt it (background tasks go on);
                 twice within a second: stop the background tasks too
  Ctrl-D         on an empty line: leave (also :quit, os.exit(n))
History is kept in $XDG_STATE_HOME/sockplay/history (else
~/.local/state/sockplay/history; on Windows %%LocalAppData%%\sockplay\history),
one line an entry; SOCKPLAY_HISTORY=FILE moves it, SOCKPLAY_HISTORY=off
turns it off.
`),
	"tasks": i18n.Key(`Background work:
  srv = socket.create_server({"127.0.0.1", 0})
  t = spawn(function()
    while true do local c = srv:accept(); c:sendall(c:recv(1024)); c:close() end
  end)
  -- the prompt is free again and the server runs while you type:
  c = socket.create_connection(srv:getsockname()); c:sendall("hi"); c:recv(10)
t:status()  t:cancel()  t:join()   (a task spawned by a line outlives the line)
:run NAME [args]  a bundled script as a background task: :run tcp/echo_server 0
                  (the prompt is back once it and its tasks wait or end)
:jobs             the background tasks and their state     :kill N  stop one
Output: each line a background task prints shows at once, above the prompt,
  which comes back below it with what you had typed (on a terminal; in a
  plain one, it waits for Enter). A line it has not finished waits too.
Input: input() reads the keyboard while the line that calls it runs. A
  background task that calls input() (a client started with :run) gets the
  keyboard, and says so: what you type is its own until it ends or its
  input does; Ctrl-D ends its input, Ctrl-C stops it, and the prompt is back.
A loop that never waits holds everything else up: a warning names it and its
  line after 2 s (use a blocking call, select.select or sleep in such loops).
Ctrl-C stops the running line only; twice within a second while it still
  runs, the background tasks too. :reset stops everything.
`),
	"locals": i18n.Key(`local at the prompt:
  Each line is a chunk of its own, so in plain Lua "local x = 1" is gone by
  the next line. Here a top-level local is kept: at the prompt,
  "local x = 1" sets the global x, as "x = 1" would, so later lines see it
  (and so does a local function). Locals inside functions, loops and
  do-blocks are local as always, and :load runs a file as Lua does: the
  file's locals stay local.
`),
}
