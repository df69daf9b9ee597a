package luabind

import (
	"maps"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/sockplay/sockplay/internal/bsd"
	"github.com/sockplay/sockplay/internal/i18n"
	"github.com/sockplay/sockplay/internal/near"
	lua "github.com/sockplay/sockplay/lua"
	"github.com/sockplay/sockplay/lua/parse"
)

// Hints: one line under an error for the mistakes beginners make most.
//
// Network errors are keyed by errno and class, never by message text.
// AF_UNIX addresses are socket files, not ports: their errors have hints
// of their own.
//
// Python habits are recognised from the error and the source line it is
// about, never from the message alone: a syntax error gives its line,
// column, token and the line its statement began (parse.Error); a runtime
// error names the kind and name of the culprit (lua.ParseTypeError), and
// the hint looks at how the line uses it (b'..' is a call of the global b
// followed by a quote). The page for all of them is
// docs/tutorial/lua-for-python.md.
var (
	unixHints = map[syscall.Errno]string{
		syscall.EADDRINUSE:   i18n.Key("the socket file already exists: remove it with os.remove(path) before bind, or pick another path"),
		syscall.ECONNREFUSED: i18n.Key("nothing listens on that socket file: start the server first (the file a stopped server left behind accepts no connections)"),
		syscall.EACCES:       i18n.Key("no permission for that socket file or its directory: use a path in a directory you may write to, such as /tmp"),
	}
	errnoHints = map[syscall.Errno]string{
		syscall.ECONNREFUSED:  i18n.Key("nothing listens at that address: start the server first, and check the host and port"),
		syscall.EADDRINUSE:    i18n.Key("another program (or an earlier run) holds that port: pick another port, stop it, or set SO_REUSEADDR before bind"),
		syscall.EACCES:        i18n.Key("ports below 1024 need root: use a port from 1024 up"),
		syscall.EADDRNOTAVAIL: i18n.Key("that address does not belong to this machine: bind to 127.0.0.1 or \"\""),
		syscall.ECONNRESET:    i18n.Key("the peer closed the connection abruptly; check recv's \"\" (orderly close) and catch ConnectionResetError"),
		syscall.EPIPE:         i18n.Key("the peer has closed the connection: stop sending when recv returns \"\""),
		syscall.EBADF:         i18n.Key("the socket was used after close()"),
		syscall.ENOTCONN:      i18n.Key("the socket is not connected: connect() it first, or recv on the socket that accept() returned, not on the listening one"),
		syscall.ENOENT:        i18n.Key("no such socket file: start the server first, and check the path"),
		syscall.EISCONN:       i18n.Key("the socket is already connected: make a new socket for a new connection"),
		syscall.EINVAL:        i18n.Key("the socket is in the wrong state for this call (e.g. listen before bind, or bind twice)"),
		syscall.EAGAIN:        i18n.Key("the socket is non-blocking (timeout 0) and nothing was ready: wait with select, or use a timeout"),
		syscall.EMFILE:        i18n.Key("out of file descriptors (see ulimit -n): close sockets you are done with; a server can catch this error in its accept loop and go on serving"),
		syscall.ENFILE:        i18n.Key("out of file descriptors (see ulimit -n): close sockets you are done with; a server can catch this error in its accept loop and go on serving"),
	}
	classHints = map[string]string{
		"TimeoutError": i18n.Key("nothing arrived within the socket's timeout (settimeout); is the other side running?"),
		"gaierror":     i18n.Key("the host name could not be resolved: check the spelling, or use an IP address such as 127.0.0.1"),
	}
)

// callHints are the hints of a call that does not fit the socket's type
// or state, by the method, the socket's type and the errno: these
// errnos mean something else for other calls (sendto's EPIPE on a TCP
// socket that was never connected is no peer closing).
type callKey struct {
	call  string
	typ   int
	errno syscall.Errno
}

const (
	hintSendtoStream = "sendto is UDP's call: a TCP socket connect()s once, then send()s or sendall()s (on a connected TCP socket sendto's address means nothing)"
	hintAcceptFirst  = "accept() needs a listening socket: bind() it, then listen(), then accept()"
	hintListenDgram  = "UDP (SOCK_DGRAM) has no connections to listen for or accept: a UDP server binds, then recvfrom()s and answers with sendto(); listen and accept are TCP's (SOCK_STREAM)"
	// Linux's EPIPE for a send on a TCP socket that never connected,
	// a listening one too.
	hintSendUnconnected = "this socket is not connected (Linux calls a send on it a broken pipe): connect() it first, or send on the socket that accept() returned, not on the listening one"
	hintSendNoPeer      = "this UDP socket has no peer: sendto(data, {host, port}) says where each datagram goes (or connect() it first, then send())"
)

var callHints = map[callKey]string{
	{"sendto", bsd.SOCK_STREAM, syscall.EPIPE}:         i18n.Key(hintSendtoStream),
	{"sendto", bsd.SOCK_STREAM, syscall.ENOTCONN}:      i18n.Key(hintSendtoStream),
	{"sendto", bsd.SOCK_STREAM, syscall.EOPNOTSUPP}:    i18n.Key(hintSendtoStream),
	{"sendto", bsd.SOCK_STREAM, syscall.EISCONN}:       i18n.Key(hintSendtoStream),
	{"accept", bsd.SOCK_STREAM, syscall.EINVAL}:        i18n.Key(hintAcceptFirst),
	{"listen", bsd.SOCK_DGRAM, syscall.EOPNOTSUPP}:     i18n.Key(hintListenDgram),
	{"accept", bsd.SOCK_DGRAM, syscall.EOPNOTSUPP}:     i18n.Key(hintListenDgram),
	{"send", bsd.SOCK_DGRAM, syscall.EDESTADDRREQ}:     i18n.Key(hintSendNoPeer),
	{"sendall", bsd.SOCK_DGRAM, syscall.EDESTADDRREQ}:  i18n.Key(hintSendNoPeer),
	{"send_msg", bsd.SOCK_DGRAM, syscall.EDESTADDRREQ}: i18n.Key(hintSendNoPeer),
}

// The hints that look at the address: what holds it now, found by a
// probe (probe.go). Each is one format string; %s is the address.
const (
	// bind: a socket holds the port now, or only connections of an
	// earlier run linger on it (TIME_WAIT).
	hintPortHeld = "%s is in use now (a server still running, in another terminal perhaps): stop it (Ctrl-C there), or use another port: a bundled server takes it as its first argument, as in sockplay run tcp/echo_server 8090 (0 picks a free one)"
	hintTimeWait = "only closed connections hold %s, for about a minute after their close (TIME_WAIT): set SO_REUSEADDR before bind, sock:setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); or wait; or use another port (a bundled server takes it as its first argument; 0 picks a free one)"
	// A TCP client refused where a UDP socket is bound, and a UDP
	// client unanswered or refused where a TCP server listens.
	hintTCPToUDP = "no TCP server listens at %s, but a UDP socket is bound there: this client speaks TCP (SOCK_STREAM) and that server UDP (SOCK_DGRAM); use a UDP client (sendto, recvfrom), or a TCP server"
	hintUDPToTCP = "no UDP socket answers at %s, but a TCP server listens there: this client speaks UDP (SOCK_DGRAM) and that server TCP (SOCK_STREAM); use a TCP client (connect, send, recv), or a UDP server"
	// A UDP recv that timed out where nothing at all is bound.
	hintUDPNobody = "no answer within the socket's timeout, and no UDP socket is bound at %s: start the UDP server first (UDP itself never says that nobody listens)"
)

// A probe says what holds addr on this machine now, for network "tcp"
// or "udp" (probe_linux.go).
type probe func(network string, addr netip.AddrPort) holder

// holder is what a probe found at an address.
type holder int

const (
	heldUnknown   holder = iota // the probe cannot tell
	heldByNone                  // no socket has that address
	heldListening               // a listening TCP socket, or a bound UDP socket
	heldOpen                    // a TCP connection a running program has open, and no listener
	heldLingering               // only connections a program has closed, in TIME_WAIT or another closing state
)

// hintFor returns the one-line hint for a network error e, or "". probe
// (nil: none) looks at what holds the address of the call.
func hintFor(l i18n.Lang, e *Error, probe probe) string {
	errno := syscall.Errno(e.Errno)
	if errno == syscall.EPIPE && e.unconnected && e.SockType == bsd.SOCK_STREAM && e.Call != "sendto" {
		return l.Text(i18n.Key(hintSendUnconnected))
	}
	if h, ok := callHints[callKey{e.Call, e.SockType, errno}]; ok {
		return l.Text(h)
	}
	if h, ok := unixHints[errno]; ok && e.Family == bsd.AF_UNIX {
		return l.Text(h)
	}
	if h := addrHint(l, e, errno, probe); h != "" {
		return h
	}
	if h, ok := errnoHints[errno]; ok {
		return l.Text(h)
	}
	if h, ok := classHints[e.Class]; ok {
		return l.Text(h)
	}
	return ""
}

// addrHint is the hint of an error about an address on this machine,
// from what holds it now; "" when the address is unknown or the probe
// cannot tell.
func addrHint(l i18n.Lang, e *Error, errno syscall.Errno, probe probe) string {
	if probe == nil || !e.addr.IsValid() || e.Family == bsd.AF_UNIX {
		return ""
	}
	where := e.addr.String()
	tcp, dgram := e.SockType == bsd.SOCK_STREAM, e.SockType == bsd.SOCK_DGRAM
	switch {
	case errno == syscall.EADDRINUSE && dgram:
		return l.Sprintf(hintPortHeld, where) // UDP has no connections to linger
	case errno == syscall.EADDRINUSE && tcp:
		switch probe("tcp", e.addr) {
		case heldListening, heldOpen:
			return l.Sprintf(hintPortHeld, where)
		case heldLingering:
			return l.Sprintf(hintTimeWait, where)
		}
	case errno == syscall.ECONNREFUSED && tcp:
		if probe("udp", e.addr) == heldListening {
			return l.Sprintf(hintTCPToUDP, where)
		}
	case dgram && (errno == syscall.ECONNREFUSED || e.Class == "TimeoutError"):
		if probe("tcp", e.addr) == heldListening {
			return l.Sprintf(hintUDPToTCP, where)
		}
		if e.Class == "TimeoutError" && probe("udp", e.addr) == heldByNone {
			return l.Sprintf(hintUDPNobody, where)
		}
	}
	return ""
}

// hintOwnServers is a refused connection's hint when servers of this
// run listen elsewhere: the REPL's :run tcp/echo_server, then a connect
// to a port guessed wrong.
const hintOwnServers = "nothing listens at %s, but this run's server listens at %s: connect there"

// ownServersHint is the hint of a refused TCP connection to an address
// none of this run's sockets listens at, when some listen elsewhere; ""
// otherwise.
func (rt *Runtime) ownServersHint(e *Error) string {
	if e.Errno != int(syscall.ECONNREFUSED) || e.SockType != bsd.SOCK_STREAM || !e.addr.IsValid() {
		return ""
	}
	var at []string
	rt.mu.Lock()
	for s := range rt.sockets {
		if a := s.listenAt; a.IsValid() && a != e.addr && !slices.Contains(at, a.String()) {
			at = append(at, a.String())
		}
	}
	rt.mu.Unlock()
	if len(at) == 0 {
		return ""
	}
	slices.Sort(at)
	return e.lang.Sprintf(hintOwnServers, e.addr.String(), strings.Join(at, ", "))
}

// hintOwnPort is the hint of a bind to a port that a socket of this run
// still holds: at the REPL, s = socket.socket() and s:bind again after
// a mistake, the first socket still open.
const hintOwnPort = "a socket of this run, still open, is bound to %s: close() it before binding again, or use another port (at the REPL's prompt, :reset closes every socket)"

// ownPortHint is the hint of an address in use that one of this run's
// open sockets of the same type holds; "" otherwise.
func (rt *Runtime) ownPortHint(e *Error) string {
	if e.Errno != int(syscall.EADDRINUSE) || e.Family == bsd.AF_UNIX || !e.addr.IsValid() {
		return ""
	}
	want := e.addr
	rt.mu.Lock()
	defer rt.mu.Unlock()
	for s := range rt.sockets {
		a := s.boundAt
		if s.typ == e.SockType && a.IsValid() && a.Port() == want.Port() &&
			(a.Addr() == want.Addr() || a.Addr().IsUnspecified() || want.Addr().IsUnspecified()) {
			return e.lang.Sprintf(hintOwnPort, want.String())
		}
	}
	return ""
}

// pythonGlobals are the names a Python hand reads as globals that Lua
// does not have, with the Lua way. The undefined-global warning ends with
// it, and it is the hint of an error about the global.
var pythonGlobals = map[string]string{
	"True":       i18n.Key("Lua writes true"),
	"False":      i18n.Key("Lua writes false"),
	"None":       i18n.Key("Lua writes nil"),
	"len":        i18n.Key("Lua writes #x for len(x)"),
	"exit":       i18n.Key("Lua writes os.exit() for exit(), os.exit(1) for a failure"),
	"quit":       i18n.Key("Lua writes os.exit() for quit(), os.exit(1) for a failure"),
	"str":        i18n.Key("Lua writes tostring(x) for str(x)"),
	"int":        i18n.Key("Lua writes tonumber(x) for int(x), and math.floor(x) to drop a fraction"),
	"float":      i18n.Key("Lua writes tonumber(x) for float(x)"),
	"range":      i18n.Key("Lua counts with a loop: for i = 0, n - 1 do ... end for range(n)"),
	"open":       i18n.Key("Lua writes io.open(path, mode) for open(path, mode)"),
	"abs":        i18n.Key("Lua writes math.abs(x) for abs(x)"),
	"min":        i18n.Key("Lua writes math.min(a, b) for min(a, b)"),
	"max":        i18n.Key("Lua writes math.max(a, b) for max(a, b)"),
	"round":      i18n.Key("Lua writes math.floor(x + 0.5) for round(x)"),
	"ord":        i18n.Key("Lua writes s:byte() for ord(s)"),
	"chr":        i18n.Key("Lua writes string.char(n) for chr(n)"),
	"sorted":     i18n.Key("Lua writes table.sort(t) for sorted(t); it sorts t itself"),
	"enumerate":  i18n.Key("Lua writes for i, v in ipairs(t) do ... end for enumerate(t)"),
	"isinstance": i18n.Key("Lua writes type(x) == \"string\" for isinstance(x, str)"),
	"bytes":      i18n.Key("a Lua string holds any bytes: use a string for bytes"),
	"bytearray":  i18n.Key("a Lua string holds any bytes: use a string, or a table of numbers"),
	"list":       i18n.Key("Lua has tables for lists: {1, 2, 3}"),
	"dict":       i18n.Key("Lua has tables for dicts: {key = value}"),
	"tuple":      i18n.Key("Lua has tables for tuples: {\"127.0.0.1\", 8080}"),
	"set":        i18n.Key("Lua has tables for sets: {[x] = true}"),
	"sys":        i18n.Key("Lua writes arg for sys.argv, and os.exit() for sys.exit()"),
	"time":       i18n.Key("sockplay writes sleep(s) for time.sleep(s); os.time() is time.time()"),
	"threading":  i18n.Key("sockplay runs a function alongside with spawn(f, ...), as threading.Thread(target=f).start()"),
	"struct":     i18n.Key("Lua writes string.pack and string.unpack for struct.pack and struct.unpack"),
	"raise":      i18n.Key("Lua raises with error(value)"),
	"help":       i18n.Key("sockplay's help is :help at the REPL's prompt, and sockplay help in a shell"),
}

// pythonMethods are methods of Python's str, bytes, list and dict that
// Lua values lack, with the Lua way.
var pythonMethods = map[string]string{
	"decode":     i18n.Key("a Lua string is bytes already: use it as it is (encoding.decode(data, \"gbk\") converts text from another encoding)"),
	"encode":     i18n.Key("a Lua string is bytes already: use it as it is (encoding.encode(text, \"gbk\") converts text to another encoding)"),
	"append":     i18n.Key("Lua writes table.insert(t, x) for t.append(x)"),
	"extend":     i18n.Key("Lua has no extend: table.insert(t, x) each value"),
	"pop":        i18n.Key("Lua writes table.remove(t) for t.pop()"),
	"split":      i18n.Key("Lua splits with a loop: for part in s:gmatch(\"[^,]+\") do ... end"),
	"strip":      i18n.Key("Lua writes s:match(\"^%%s*(.-)%%s*$\") for s.strip()"),
	"join":       i18n.Key("Lua writes table.concat(t, sep) for sep.join(t)"),
	"startswith": i18n.Key("Lua writes s:sub(1, #prefix) == prefix for s.startswith(prefix)"),
	"endswith":   i18n.Key("Lua writes s:sub(-#suffix) == suffix for s.endswith(suffix)"),
	"replace":    i18n.Key("Lua writes s:gsub(old, new) for s.replace(old, new); old is a pattern"),
	"items":      i18n.Key("Lua writes for k, v in pairs(t) do ... end for t.items()"),
	"keys":       i18n.Key("Lua writes for k in pairs(t) do ... end for t.keys()"),
	"values":     i18n.Key("Lua writes for _, v in pairs(t) do ... end for t.values()"),
	"get":        i18n.Key("Lua writes t[k] for d.get(k): nil when absent"),
}

// typoMethods are the methods a misspelt method call most likely
// meant: a socket's and a string's.
var typoMethods = sync.OnceValue(func() []string {
	names := slices.Sorted(maps.Keys((*Runtime)(nil).socketMethods()))
	return append(names, "byte", "find", "format", "gmatch", "gsub", "len", "lower", "match", "rep", "reverse", "sub", "upper")
})

// methodTypoHint: s:recieve(1024), s:sendal(data), data:uper(). receive
// is the name of LuaSocket, whose sockets (require("socket")) have it.
func methodTypoHint(l i18n.Lang, name string) string {
	if near.Name(name, "receive") {
		return l.Sprintf("a socket receives with recv(bufsize): sock:recv(1024) (receive is the LuaSocket dialect's, for the sockets of require(\"socket\"))")
	}
	if slices.Contains(typoMethods(), name) {
		return "" // spelt right: the value is not what the line takes it for
	}
	var meant []string
	for _, method := range typoMethods() {
		if strings.EqualFold(method, name) {
			return l.Sprintf("no method named %s: Lua's names are case-sensitive, this one is %s", name, method)
		}
		if near.Name(name, method) {
			meant = append(meant, method)
		}
	}
	if len(meant) == 0 {
		return ""
	}
	choices := strings.Join(meant, ", ")
	return l.Sprintf("no method named %s: did you mean %s?", name, choices)
}

// stackOverflowHint is the hint of the VM's "stack overflow": Python's
// RecursionError.
const stackOverflowHint = "too many calls inside each other: a function that calls itself needs a case where it stops"

// runtimeHint is the hint for a runtime error e whose message names the
// culprit (te, nil if it does not), with line the source line the
// message is about ("" if unknown).
func runtimeHint(l i18n.Lang, e *Error, te *lua.TypeError, line string) string {
	code := maskCode(line)
	var kind, name string
	switch {
	case e.global != "":
		kind, name = "global", e.global
	case te != nil:
		kind, name = te.Kind, te.Name
	}
	switch kind {
	case "global":
		if h := stringPrefixHint(l, code, line, name); h != "" {
			return h
		}
		return pythonGlobalHint(l, name)
	case "field", "method":
		if h, ok := pythonMethods[name]; ok && te != nil && te.Op == "call" {
			return l.Text(h)
		}
		if te != nil && te.Op == "call" {
			if h := methodTypoHint(l, name); h != "" {
				return h
			}
		}
	}
	if te != nil && te.Op == "get length of" && strings.HasPrefix(strings.TrimSpace(line), "#") {
		return l.Sprintf("Lua comments start with --, not #")
	}
	if te != nil && te.Op == "perform arithmetic on" && te.Type == "string" {
		switch {
		case strings.Contains(code, "%"):
			return l.Sprintf("Lua formats with string.format(\"%%d\", n), not with %%")
		case strings.Contains(code, "+"):
			return l.Sprintf("Lua joins strings with .., not +: \"port \" .. 8080")
		case strings.Contains(code, "*"):
			return l.Sprintf("Lua repeats a string with string.rep(s, n), not with *")
		}
	}
	if strings.Contains(e.Msg, "bad argument #") && strings.Contains(e.Msg, ", got the string \"") {
		return l.Sprintf("a string that holds a number is still a string: tonumber(x) makes it a number (arg[1], input() and recv give strings)")
	}
	if fn, ok := badArgFunction(e.Msg); ok {
		if fn == "spawn" {
			return spawnHint(l, code, line)
		}
		return colonHint(l, code, line, fn)
	}
	return ""
}

// spawnHint: spawn(serve(conn)) calls serve at once and passes spawn what
// it returns, as threading.Thread(target=serve(conn)) does in Python.
func spawnHint(l i18n.Lang, code, line string) string {
	// Offsets are the same in code and line: masking keeps lengths.
	skip := func(i int) int {
		for i < len(code) && (code[i] == ' ' || code[i] == '\t') {
			i++
		}
		return i
	}
	i := findWord(code, "spawn")
	if i < 0 {
		return ""
	}
	i = skip(i + len("spawn"))
	if i == len(code) || code[i] != '(' {
		return ""
	}
	start := skip(i + 1)
	j := start
	for j < len(code) && (isIdentByte(code[j]) || code[j] == '.' || code[j] == ':') {
		j++
	}
	if j == start || j == len(code) || code[j] != '(' {
		return ""
	}
	fn := line[start:j]
	args := ""
	if end := matchingParen(code, j); end > j {
		if args = strings.TrimSpace(line[j+1 : end]); args != "" {
			args = ", " + args
		}
	}
	return l.Sprintf("spawn takes the function and its arguments: spawn(%s%s); spawn(%s(...)) calls %s now and passes what it returns", fn, args, fn, fn)
}

// stringPrefixHint: b'hello', f"x = {x}", r'\d' call the global b, f or
// r with a string in Lua.
func stringPrefixHint(l i18n.Lang, code, line, name string) string {
	i := findWord(code, name)
	for i >= 0 {
		if j := i + len(name); j < len(line) && (line[j] == '\'' || line[j] == '"') {
			break
		}
		i = findWordFrom(code, name, i+len(name))
	}
	if i < 0 {
		return ""
	}
	lit := stringLiteralAt(line, i+len(name))
	switch strings.ToLower(name) {
	case "b", "rb", "br", "u":
		return l.Sprintf("write %s, without the %s: a Lua string holds bytes", lit, name)
	case "f":
		return l.Sprintf("Lua has no f-strings: \"x = \" .. x, or string.format(\"x = %%s\", x)")
	case "r":
		return l.Sprintf("Lua has no r-strings: a long string [[C:\\temp]] keeps its backslashes")
	}
	return ""
}

// badArgFunction is the function an error about its first argument is
// about ("upper" in "f.lua:1: bad argument #1 to 'upper' (string
// expected, got no value)"; gopher-lua's own checks leave out the quotes:
// "to spawn (").
func badArgFunction(msg string) (string, bool) {
	return argErrorFunction(msg, "bad argument #1 to ")
}

// argErrorFunction is the function named after prefix in an argument
// error.
func argErrorFunction(msg, prefix string) (string, bool) {
	_, rest, ok := strings.Cut(msg, prefix)
	if !ok {
		return "", false
	}
	if quoted, ok := strings.CutPrefix(rest, "'"); ok {
		fn, _, ok := strings.Cut(quoted, "'")
		return fn, ok
	}
	fn, _, ok := strings.Cut(rest, " (")
	return fn, ok && fn != "" && !strings.ContainsAny(fn, " '")
}

// colonHint: s.upper() calls upper with no s; the line has ".upper(".
func colonHint(l i18n.Lang, code, line, fn string) string {
	if i := strings.LastIndexAny(fn, ".:"); i >= 0 {
		fn = fn[i+1:]
	}
	i := strings.Index(code, "."+fn+"(")
	if i <= 0 {
		return ""
	}
	start := i
	for start > 0 && (isIdentByte(line[start-1]) || line[start-1] == '.') {
		start--
	}
	obj := line[start:i]
	if obj == "" || obj == "string" || obj == "table" || obj == "math" || obj == "os" || obj == "io" {
		return ""
	}
	return l.Sprintf("call a method with a colon: %s:%s(...) passes %s itself, %s.%s(...) does not", obj, fn, obj, obj, fn)
}

// syntaxHint is the hint for a syntax error pe in the chunk whose lines
// are lines: by the token where it was found, then by the line of the
// error and the line where its statement began.
func syntaxHint(l i18n.Lang, pe *parse.Error, lines []string) string {
	lineAt := func(n int) string {
		if n < 1 || n > len(lines) {
			return ""
		}
		return strings.TrimSuffix(lines[n-1], "\r")
	}
	errLine := lineAt(pe.Line)
	if pe.Column > 0 {
		if h := tokenHint(l, pe, errLine, pe.Column-1); h != "" {
			return h
		}
	}
	if h := lineHint(l, errLine); h != "" {
		return h
	}
	if pe.StmtLine != pe.Line {
		return lineHint(l, lineAt(pe.StmtLine))
	}
	return ""
}

// tokenHint looks at the token the parser stopped at, which starts at
// byte col of line.
func tokenHint(l i18n.Lang, pe *parse.Error, line string, col int) string {
	if col >= len(line) {
		return ""
	}
	rest := line[col:]
	before := strings.TrimRight(line[:col], " \t")
	if r, _ := utf8.DecodeRuneInString(rest); r >= utf8.RuneSelf {
		return wideCharHint(l, r)
	}
	switch {
	case strings.HasPrefix(rest, "!="):
		return l.Sprintf("Lua writes ~= for !=")
	case len(rest) > 1 && rest[1] == '=' && strings.ContainsRune("+-*/%", rune(rest[0])):
		target := assignTarget(before)
		return l.Sprintf("Lua has no %s: write %s = %s %c 1", rest[:2], target, target, rest[0])
	case strings.HasPrefix(rest, "++"):
		target := assignTarget(before)
		return l.Sprintf("Lua has no ++: write %s = %s + 1", target, target)
	case pe.Near == "=" && strings.HasPrefix(pe.Message, "')' expected"), pe.Near == "end" && isKeywordArg(rest):
		return keywordArgHint(l, line, col)
	case pe.Near == ":" && unclosedBefore(maskCode(line), col) >= 0 && maskCode(line)[unclosedBefore(maskCode(line), col)] == '[':
		return sliceHint(l, line, col)
	case pe.Near == "else" && strings.HasPrefix(pe.Message, "'then' expected") && !startsWithWord(strings.TrimSpace(line), "if", "elseif"):
		return l.Sprintf("Lua writes cond and a or b for a if cond else b (when a is neither nil nor false)")
	case pe.Near == "*" && strings.HasSuffix(before, "*"):
		return l.Sprintf("Lua writes ^ for **: 2^10")
	case pe.Near == "//":
		return l.Sprintf("Lua 5.1 has no //: math.floor(a / b) divides without the fraction (and comments start with --)")
	case pe.Near == "[" && (before == "" || strings.ContainsRune("=(,{", rune(before[len(before)-1])) || strings.HasSuffix(before, "return")):
		return l.Sprintf("Lua writes a list as a table: {1, 2, 3}")
	case pe.Near == ":" && strings.HasPrefix(pe.Message, "'}' expected") && (strings.HasSuffix(before, "\"") || strings.HasSuffix(before, "'")):
		return l.Sprintf("Lua writes a dict as a table: {name = value}, or {[\"name\"] = value}")
	case pe.Near == "," && strings.HasPrefix(pe.Message, "')' expected"):
		return tupleHint(l, line, col)
	case pe.Near == "is":
		return l.Sprintf("Lua compares with == and ~=: x == nil for x is None")
	case pe.Near == "in" && startsWithWord(strings.TrimSpace(line), "if", "elif", "while"):
		return l.Sprintf("Lua has no in operator: t[x] ~= nil tests a key; a loop finds a value")
	}
	return ""
}

// wideCharHint: a character the lexer does not take, typed by a Chinese
// input method in its full-width mode: （ for (, ， for a comma, “ for ".
func wideCharHint(l i18n.Lang, r rune) string {
	var ascii rune
	switch r {
	case '\u3000': // the ideographic space
		ascii = ' '
	case '“', '”':
		ascii = '"'
	case '‘', '’':
		ascii = '\''
	case '。':
		ascii = '.'
	case '、':
		ascii = ','
	case '【':
		ascii = '['
	case '】':
		ascii = ']'
	default:
		if r >= '！' && r <= '～' { // the full-width forms of ASCII's ! to ~
			ascii = r - '！' + '!'
		}
	}
	if ascii != 0 {
		return l.Sprintf("'%c' is a full-width (Chinese) character: Lua needs the ASCII '%c' (type code with the input method in English, half-width, mode)", r, ascii)
	}
	if unicode.IsLetter(r) {
		return l.Sprintf("Lua's names are ASCII letters, digits and _: '%c' may be in a string or a comment, not in a name", r)
	}
	return ""
}

// assignTarget is the variable before an operator such as += (before is
// the line up to it), or x when it is not a simple one.
func assignTarget(before string) string {
	if i := strings.LastIndexByte(before, ';'); i >= 0 {
		before = before[i+1:] // the statement's own line: local t = {}; t.x += 1
	}
	target := strings.TrimSpace(before)
	if target == "" || !isSimpleTarget(target) {
		return "x"
	}
	return target
}

// isKeywordArg: rest starts with a name and a single =, as end="" in
// print(x, end="").
func isKeywordArg(rest string) bool {
	i := 0
	for i < len(rest) && isIdentByte(rest[i]) {
		i++
	}
	after := strings.TrimLeft(rest[i:], " \t")
	return i > 0 && strings.HasPrefix(after, "=") && !strings.HasPrefix(after, "==")
}

// keywordArgHint: Python's f(x, name=value), where the parser stops at
// the name or at its =, which starts at byte col of line.
func keywordArgHint(l i18n.Lang, line string, col int) string {
	code := maskCode(line)
	start, end := col, col
	if code[col] == '=' { // the name is before the =
		end = len(strings.TrimRight(code[:col], " \t"))
		start = end
	}
	for start > 0 && isIdentByte(code[start-1]) {
		start--
	}
	for end < len(code) && isIdentByte(code[end]) {
		end++
	}
	prev := strings.TrimRight(code[:start], " \t")
	if start == end || code[start] >= '0' && code[start] <= '9' || prev == "" || !strings.ContainsRune(",(", rune(prev[len(prev)-1])) {
		return ""
	}
	name := line[start:end]
	open := unclosedBefore(code, start)
	callee := strings.TrimRight(code[:max(open, 0)], " \t")
	if root := calleeRoot(callee); root != "" {
		if h := pythonGlobalHint(l, root); h != "" {
			return h // threading.Thread(target=f): what Lua has for threading
		}
	}
	if open >= 0 && findWordFrom(callee, "print", max(len(callee)-len("print"), 0)) >= 0 {
		return l.Sprintf("Lua's print has no %s=: io.write(a, b) writes its arguments with no separator and no newline", name)
	}
	return l.Sprintf("Lua has no keyword arguments: pass %s by its position among the arguments (socket.socket and socket.create_server take a table instead: socket.socket{type = socket.SOCK_DGRAM})", name)
}

// calleeRoot is the first name of the call whose arguments follow code:
// threading for threading.Thread; "" if code does not end in a name.
func calleeRoot(code string) string {
	start := len(code)
	for start > 0 && (isIdentByte(code[start-1]) || code[start-1] == '.' || code[start-1] == ':') {
		start--
	}
	root, _, _ := strings.Cut(code[start:], ".")
	root, _, _ = strings.Cut(root, ":")
	return root
}

// sliceHint: data[1:3], where the parser stops at the colon (at byte col
// of line) inside the brackets.
func sliceHint(l i18n.Lang, line string, col int) string {
	code := maskCode(line)
	open := unclosedBefore(code, col)
	start := open
	for start > 0 && (isIdentByte(code[start-1]) || code[start-1] == '.') {
		start--
	}
	obj := line[start:open]
	if obj == "" || !isSimpleTarget(obj) {
		obj = "s"
	}
	return l.Sprintf("Lua has no slices: %s:sub(i + 1, j) is Python's %s[i:j] (Lua counts from 1, and includes both ends)", obj, obj)
}

// tupleHint: in s.bind(("127.0.0.1", 8080)) the parser stops at the
// comma of a parenthesized list, which is a tuple in Python.
func tupleHint(l i18n.Lang, line string, col int) string {
	code := maskCode(line)
	open := unclosedBefore(code, col)
	if open < 0 {
		return ""
	}
	before := strings.TrimRight(code[:open], " \t")
	if strings.HasSuffix(before, "%") {
		return l.Sprintf("Lua formats with string.format(\"%%s:%%d\", host, port), not with %% and a tuple")
	}
	if before != "" && (isIdentByte(before[len(before)-1]) || strings.ContainsRune(")]}'\"", rune(before[len(before)-1]))) {
		return "" // a call's argument list, not a tuple
	}
	tuple := "{\"127.0.0.1\", 8080}"
	if end := matchingParen(code, open); end > open {
		tuple = "{" + line[open+1:end] + "}"
	}
	return l.Sprintf("Lua has no tuples: write %s, a table", tuple)
}

// unclosedBefore is the index of the innermost bracket still open at col
// of code, -1 if none is.
func unclosedBefore(code string, col int) int {
	depth := 0
	for i := col - 1; i >= 0; i-- {
		switch code[i] {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// matchingParen is the index of the ')' closing the '(' at open in code,
// -1 if the line does not close it.
func matchingParen(code string, open int) int {
	depth := 0
	for i := open; i < len(code); i++ {
		switch code[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// lineHint recognises a Python statement in line.
func lineHint(l i18n.Lang, line string) string {
	s := strings.TrimSpace(line)
	if s == "" {
		return ""
	}
	word, rest, _ := strings.Cut(s, " ")
	word = strings.TrimSuffix(word, ":")
	rest = strings.TrimSpace(rest)
	// A colon that ends the code, not a comment (if ok then -- else:).
	code := strings.TrimSpace(maskCode(s))
	colon := strings.HasSuffix(code, ":") && !strings.HasSuffix(code, "::")
	switch word {
	case "if", "while", "for":
		// while True: pass, on one line (a method call seldom has a
		// space after its colon)
		colon = colon || strings.Contains(maskCode(s), ": ")
	}
	switch word {
	case "import":
		return l.Sprintf("Lua has no import: socket, string, table and the others are there already; require(\"name\") loads a module")
	case "from":
		if strings.Contains(rest, " import ") {
			return l.Sprintf("Lua has no import: socket, string, table and the others are there already; require(\"name\") loads a module")
		}
	case "def":
		sig := "name(...)"
		if i := strings.IndexByte(rest, ')'); i > 0 && strings.IndexByte(rest[:i], '(') > 0 {
			sig = rest[:i+1]
		}
		return l.Sprintf("Lua writes function %s ... end for def %s:", sig, sig)
	case "elif":
		return l.Sprintf("Lua writes elseif cond then for elif cond:")
	case "try", "except", "finally":
		return l.Sprintf("Lua has no try: local ok, err = pcall(function() ... end) catches an error")
	case "class":
		return l.Sprintf("Lua has no class statement: an object is a table, its methods functions in it (setmetatable shares them)")
	case "with":
		return l.Sprintf("Lua has no with: open, use, then close it yourself (f:close())")
	case "pass":
		if rest == "" {
			return l.Sprintf("Lua has no pass: a block may be empty")
		}
	case "continue":
		if rest == "" {
			return l.Sprintf("Lua 5.1 has no continue: put the rest of the loop in an if (or goto continue, with ::continue:: before the loop's end)")
		}
	case "raise":
		return l.Sprintf("Lua raises with error(value)")
	case "global", "nonlocal":
		return l.Sprintf("a Lua variable is global unless declared local: leave out %s", word)
	case "del":
		return l.Sprintf("Lua deletes with t[k] = nil")
	case "lambda":
		return l.Sprintf("Lua writes function(x) return x + 1 end for lambda x: x + 1")
	case "print", "assert":
		if rest != "" && !strings.ContainsRune("(\"'[{", rune(rest[0])) {
			return l.Sprintf("%s is a function in Lua: %s(%s)", word, word, strings.TrimSuffix(rest, ";"))
		}
	}
	if strings.HasPrefix(s, "#") {
		return l.Sprintf("Lua comments start with --, not #")
	}
	if target, ok := strings.CutSuffix(s, "--"); ok && isSimpleTarget(strings.TrimSpace(target)) {
		target = strings.TrimSpace(target)
		return l.Sprintf("Lua has no --, which starts a comment: write %s = %s - 1", target, target)
	}
	if strings.Contains(maskCode(s), "lambda ") {
		return l.Sprintf("Lua writes function(x) return x + 1 end for lambda x: x + 1")
	}
	if !colon {
		return ""
	}
	switch word {
	case "if":
		return l.Sprintf("Lua writes if cond then ... end: then, not a colon")
	case "else":
		return l.Sprintf("Lua writes else without a colon, and ends the if with end")
	case "while":
		return l.Sprintf("Lua writes while cond do ... end: do, not a colon")
	case "for":
		if h := rangeHint(l, rest); h != "" {
			return h
		}
		return l.Sprintf("Lua writes for i = 1, n do ... end, or for k, v in pairs(t) do ... end: do, not a colon")
	}
	return l.Sprintf("Lua's blocks have no colon: if ... then, while ... do, for ... do, function f() ... end")
}

// rangeHint: for i in range(3): counts from 0 and stops before 3; Lua's
// numeric for includes both ends. rest is what follows "for".
func rangeHint(l i18n.Lang, rest string) string {
	name, after, ok := strings.Cut(rest, " in range(")
	name = strings.TrimSpace(name)
	args, _, closed := strings.Cut(after, ")")
	if !ok || !closed || name == "" || !isSimpleTarget(name) {
		return ""
	}
	args = strings.TrimSpace(args)
	from, to, two := strings.Cut(args, ",")
	if !two {
		from, to = "0", args
	}
	from, to = strings.TrimSpace(from), strings.TrimSpace(to)
	if from == "" || to == "" || strings.Contains(to, ",") { // a step: the general hint
		return ""
	}
	last := to + " - 1"
	if n, err := strconv.Atoi(to); err == nil {
		last = strconv.Itoa(n - 1)
	}
	return l.Sprintf("Lua writes for %s = %s, %s do ... end for range(%s): both ends are included, and do, not a colon", name, from, last, args)
}

// pythonGlobalHint is what the warning about an undefined global adds,
// and the hint of a NameError: the Lua for a Python name, or "".
func pythonGlobalHint(l i18n.Lang, name string) string {
	if h, ok := pythonGlobals[name]; ok {
		return l.Text(h)
	}
	return ""
}

// The source-line helpers: Lua code scanned roughly, one line at a time.

// maskCode is line with the insides of its string literals and its
// comment blanked, so that a search finds only code.
func maskCode(line string) string {
	b := []byte(line)
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '-' && i+1 < len(b) && b[i+1] == '-':
			for j := i; j < len(b); j++ {
				b[j] = ' '
			}
			return string(b)
		case c == '"' || c == '\'':
			j := i + 1
			for ; j < len(b) && b[j] != c; j++ {
				if b[j] == '\\' && j+1 < len(b) {
					b[j] = ' '
					j++
				}
				b[j] = ' '
			}
			i = j
		case c == '[' && i+1 < len(b) && b[i+1] == '[':
			end := strings.Index(line[i+2:], "]]")
			if end < 0 {
				end = len(b) - i - 2
			}
			for j := i + 2; j < i+2+end; j++ {
				b[j] = ' '
			}
			i += 2 + end
		}
	}
	return string(b)
}

// stringLiteralAt is the string literal starting at i of line, with its
// quotes ("'hello'"), or what is left of the line if it is not closed.
func stringLiteralAt(line string, i int) string {
	q := line[i]
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			j++
		case q:
			return line[i : j+1]
		}
	}
	return line[i:]
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// findWord is the index of name as a whole word in code, -1 if absent.
func findWord(code, name string) int { return findWordFrom(code, name, 0) }

func findWordFrom(code, name string, from int) int {
	for from <= len(code) {
		i := strings.Index(code[from:], name)
		if i < 0 || name == "" {
			return -1
		}
		i += from
		end := i + len(name)
		if (i == 0 || !isIdentByte(code[i-1])) && (end == len(code) || !isIdentByte(code[end])) {
			return i
		}
		from = i + 1
	}
	return -1
}

// isSimpleTarget: a name or a chain of fields, as x or conn.count.
func isSimpleTarget(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) && s[i] != '.' {
			return false
		}
	}
	return s[0] != '.' && !(s[0] >= '0' && s[0] <= '9')
}

func startsWithWord(s string, words ...string) bool {
	for _, w := range words {
		if r, ok := strings.CutPrefix(s, w); ok && (r == "" || !isIdentByte(r[0])) {
			return true
		}
	}
	return false
}

// PythonFile is what to say, in l, when asked to run path, a Python file (its
// name ends in .py), and "" for any other file: sockplay runs Lua, and
// the walk-through has a page on Python to Lua.
func PythonFile(l Language, path string) string {
	if !strings.EqualFold(filepath.Ext(path), ".py") {
		return ""
	}
	return l.Sprintf("%s is a Python file; sockplay runs Lua scripts (.lua).\n"+
		"The socket calls keep their names in Lua; for the language around them, see\n"+
		"\"Python to Lua\" in sockplay's walk-through: docs/tutorial/lua-for-python.md\n"+
		"in the sockplay repository (github.com/sockplay/sockplay).", path)
}
