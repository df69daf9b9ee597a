package luabind

import (
	"github.com/sockplay/sockplay/internal/bsd"

	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Hints follow errno, class and family; an AF_UNIX address is a socket
// file, so its hints talk about files, not ports.
func TestHintFor(t *testing.T) {
	tests := []struct {
		name string
		e    Error
		want string // a part of the hint; "" for none
		not  string // a part the hint must not have
	}{
		{"tcp port in use", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: bsd.AF_INET}, "SO_REUSEADDR", "socket file"},
		{"ipv6 port in use", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: bsd.AF_INET6}, "port", "socket file"},
		{"family unknown", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE)}, "port", "socket file"},
		{"unix path in use", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: bsd.AF_UNIX},
			"the socket file already exists: remove it with os.remove(path) before bind, or pick another path", "port"},
		{"unix refused", Error{Class: "ConnectionRefusedError", Errno: int(syscall.ECONNREFUSED), Family: bsd.AF_UNIX}, "socket file", "port"},
		{"tcp refused", Error{Class: "ConnectionRefusedError", Errno: int(syscall.ECONNREFUSED), Family: bsd.AF_INET}, "host and port", "socket file"},
		{"unix permission", Error{Class: "PermissionError", Errno: int(syscall.EACCES), Family: bsd.AF_UNIX}, "socket file", "1024"},
		{"tcp permission", Error{Class: "PermissionError", Errno: int(syscall.EACCES), Family: bsd.AF_INET}, "1024", ""},
		{"unix missing file", Error{Class: "FileNotFoundError", Errno: int(syscall.ENOENT), Family: bsd.AF_UNIX}, "no such socket file", ""},
		{"unix closed socket", Error{Class: "OSError", Errno: int(syscall.EBADF), Family: bsd.AF_UNIX}, "after close()", ""},
		{"timeout", Error{Class: "TimeoutError"}, "settimeout", ""},
		{"out of descriptors", Error{Class: "OSError", Errno: int(syscall.EMFILE), Family: bsd.AF_INET}, "out of file descriptors", ""},
		{"no hint", Error{Class: "OSError", Errno: int(syscall.ENOMEM)}, "", ""},
		// The call and the socket's type choose before the errno alone.
		{"sendto on tcp", Error{Class: "BrokenPipeError", Errno: int(syscall.EPIPE), SockType: bsd.SOCK_STREAM, Call: "sendto"}, "sendto is UDP's call", "peer"},
		{"send on tcp, peer gone", Error{Class: "BrokenPipeError", Errno: int(syscall.EPIPE), SockType: bsd.SOCK_STREAM, Call: "send"}, "the peer has closed", "sendto"},
		{"accept before listen", Error{Class: "OSError", Errno: int(syscall.EINVAL), SockType: bsd.SOCK_STREAM, Call: "accept"}, "accept() needs a listening socket", "bind twice"},
		{"bind twice", Error{Class: "OSError", Errno: int(syscall.EINVAL), SockType: bsd.SOCK_STREAM, Call: "bind"}, "bind twice", "accept"},
		{"listen on udp", Error{Class: "OSError", Errno: int(syscall.EOPNOTSUPP), SockType: bsd.SOCK_DGRAM, Call: "listen"}, "UDP (SOCK_DGRAM) has no connections", ""},
		{"accept on udp", Error{Class: "OSError", Errno: int(syscall.EOPNOTSUPP), SockType: bsd.SOCK_DGRAM, Call: "accept"}, "UDP (SOCK_DGRAM) has no connections", ""},
		{"send on udp without peer", Error{Class: "OSError", Errno: int(syscall.EDESTADDRREQ), SockType: bsd.SOCK_DGRAM, Call: "send"}, "has no peer: sendto(data, {host, port})", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hintFor(English, &tt.e, nil)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("hint = %q, want one containing %q", got, tt.want)
			}
			if tt.not != "" && strings.Contains(got, tt.not) {
				t.Errorf("hint = %q, must not mention %q", got, tt.not)
			}
		})
	}
}

// A spawned task's error is reported like the main chunk's, under a line
// naming the task.
func TestTaskErrorReport(t *testing.T) {
	e := &Error{Task: "task 4 (spawned at srv.lua:9)", Msg: "srv.lua:3: OSError: [Errno 98] Address already in use", Hint: "pick another port"}
	if got, want := taskErrorReport(e), "error in task 4 (spawned at srv.lua:9):\nsrv.lua:3: OSError: [Errno 98] Address already in use\nhint: pick another port\n"; got != want {
		t.Errorf("report = %q, want %q", got, want)
	}
	if got, want := taskErrorReport(&Error{Task: "task 2", Msg: "x.lua:1: boom"}), "error in task 2:\nx.lua:1: boom\n"; got != want {
		t.Errorf("report without hint = %q, want %q", got, want)
	}
}

// runFails runs code as py.lua and returns the error it ends with.
func runFails(t *testing.T, opts Options, code string) *Error {
	t.Helper()
	rt, _, _ := newTestRuntime(t, opts)
	err := result(t, runAsync(testContext(t), rt, "py.lua", code))
	if err == nil {
		t.Fatalf("%q ran without an error", code)
	}
	return asError(t, err)
}

// Each Python habit gets its hint, from the error and its source line;
// Lua's own mistakes get none (the second group).
func TestPythonHints(t *testing.T) {
	for _, c := range []struct {
		code string
		hint string // the whole hint; "" for none
	}{
		// Syntax errors: by the token, then by the line of the error or of its statement.
		{"import socket\n", `Lua has no import: socket, string, table and the others are there already; require("name") loads a module`},
		{"from socket import *\n", `Lua has no import: socket, string, table and the others are there already; require("name") loads a module`},
		{"def handle(conn):\n    return 1\n", "Lua writes function handle(conn) ... end for def handle(conn):"},
		{"while True:\n    print(1)\n", "Lua writes while cond do ... end: do, not a colon"},
		{"while True: pass\n", "Lua writes while cond do ... end: do, not a colon"},
		{"if x: print(1)\n", "Lua writes if cond then ... end: then, not a colon"},
		{"if x == 1:\n    print(1)\n", "Lua writes if cond then ... end: then, not a colon"},
		{"for i in range(3):\n    print(i)\n", "Lua writes for i = 0, 2 do ... end for range(3): both ends are included, and do, not a colon"},
		{"for i in range(1, n):\n    print(i)\n", "Lua writes for i = 1, n - 1 do ... end for range(1, n): both ends are included, and do, not a colon"},
		{"for i in range(0, 10, 2):\n    print(i)\n", "Lua writes for i = 1, n do ... end, or for k, v in pairs(t) do ... end: do, not a colon"},
		{"for k, v in d.items():\n    print(k)\n", "Lua writes for i = 1, n do ... end, or for k, v in pairs(t) do ... end: do, not a colon"},
		{"if x then\n  y = 1\nelse:\n  y = 2\nend\n", "Lua writes else without a colon, and ends the if with end"},
		{"x = 1\nif x then\n  y = 1\nelif x == 2 then\n  y = 2\nend\n", "Lua writes elseif cond then for elif cond:"},
		{"try:\n    s.connect(addr)\nexcept OSError as e:\n    print(e)\n", "Lua has no try: local ok, err = pcall(function() ... end) catches an error"},
		{"class Server:\n    pass\n", "Lua has no class statement: an object is a table, its methods functions in it (setmetatable shares them)"},
		{"s = socket.socket()\ns.bind((\"127.0.0.1\", 8080))\n", `Lua has no tuples: write {"127.0.0.1", 8080}, a table`},
		{"addr = (\"127.0.0.1\", 8080)\n", `Lua has no tuples: write {"127.0.0.1", 8080}, a table`},
		{"print('local:%s, peer:%s'%(localname, peername))\n", `Lua formats with string.format("%s:%d", host, port), not with % and a tuple`},
		{"if a != b then end\n", "Lua writes ~= for !="},
		{"count = 0\ncount += 1\n", "Lua has no +=: write count = count + 1"},
		{"count = 0\ncount++\n", "Lua has no ++: write count = count + 1"},
		{"count = 0\ncount--\n", "Lua has no --, which starts a comment: write count = count - 1"},
		{"print(\"x\", end=\"\")\n", "Lua's print has no end=: io.write(a, b) writes its arguments with no separator and no newline"},
		{"print(\"a\", \"b\", sep = \"\")\n", "Lua's print has no sep=: io.write(a, b) writes its arguments with no separator and no newline"},
		{"c = socket.create_connection(addr, timeout=5)\n", "Lua has no keyword arguments: pass timeout by its position among the arguments (socket.socket and socket.create_server take a table instead: socket.socket{type = socket.SOCK_DGRAM})"},
		{"s = socket.socket(family=socket.AF_INET)\n", "Lua has no keyword arguments: pass family by its position among the arguments (socket.socket and socket.create_server take a table instead: socket.socket{type = socket.SOCK_DGRAM})"},
		{"n = 2 ** 8\n", "Lua writes ^ for **: 2^10"},
		{"n = 7 // 2\n", "Lua 5.1 has no //: math.floor(a / b) divides without the fraction (and comments start with --)"},
		{"t = [1, 2, 3]\n", "Lua writes a list as a table: {1, 2, 3}"},
		{"d = {\"a\": 1}\n", `Lua writes a dict as a table: {name = value}, or {["name"] = value}`},
		{"if x is None then end\n", "Lua compares with == and ~=: x == nil for x is None"},
		{"if x in t then end\n", "Lua has no in operator: t[x] ~= nil tests a key; a loop finds a value"},
		{"print \"hi\"\nprint x\n", "print is a function in Lua: print(x)"},
		{"while true do\n  pass\nend\n", "Lua has no pass: a block may be empty"},
		{"for i = 1, 3 do\n  continue\nend\n", "Lua 5.1 has no continue: put the rest of the loop in an if (or goto continue, with ::continue:: before the loop's end)"},
		{"raise ValueError\n", "Lua raises with error(value)"},
		{"x = 1\n# a comment\ny = 2\n", "Lua comments start with --, not #"},
		{"f = lambda x: x + 1\n", "Lua writes function(x) return x + 1 end for lambda x: x + 1"},
		{"local t = {x = 1}; t.x += 1\n", "Lua has no +=: write t.x = t.x + 1"},
		{"print(data[1:3])\n", "Lua has no slices: data:sub(i + 1, j) is Python's data[i:j] (Lua counts from 1, and includes both ends)"},
		{"print(data[:3])\n", "Lua has no slices: data:sub(i + 1, j) is Python's data[i:j] (Lua counts from 1, and includes both ends)"},
		{"print(conn.buf[:3])\n", "Lua has no slices: conn.buf:sub(i + 1, j) is Python's conn.buf[i:j] (Lua counts from 1, and includes both ends)"},
		{"x = a if ok else b\n", "Lua writes cond and a or b for a if cond else b (when a is neither nil nor false)"},
		{"threading.Thread(target=handle, args=(conn,)).start()\n", "sockplay runs a function alongside with spawn(f, ...), as threading.Thread(target=f).start()"},
		{"print(\"-\" * 20)\n", "Lua repeats a string with string.rep(s, n), not with *"},
		// A Chinese input method's full-width characters where ASCII goes.
		{"print（\"hi\"）\n", "'（' is a full-width (Chinese) character: Lua needs the ASCII '(' (type code with the input method in English, half-width, mode)"},
		{"s = socket.socket()；\n", "'；' is a full-width (Chinese) character: Lua needs the ASCII ';' (type code with the input method in English, half-width, mode)"},
		{"print(\"a\"，\"b\")\n", "'，' is a full-width (Chinese) character: Lua needs the ASCII ',' (type code with the input method in English, half-width, mode)"},
		{"print(“hi”)\n", "'“' is a full-width (Chinese) character: Lua needs the ASCII '\"' (type code with the input method in English, half-width, mode)"},
		{"x = 1　+ 2\n", "'　' is a full-width (Chinese) character: Lua needs the ASCII ' ' (type code with the input method in English, half-width, mode)"},
		{"s:bind({\"127.0.0.1\"、8080})\n", "'、' is a full-width (Chinese) character: Lua needs the ASCII ',' (type code with the input method in English, half-width, mode)"},
		{"local 名字 = 1\n", "Lua's names are ASCII letters, digits and _: '名' may be in a string or a comment, not in a name"},
		{"x = 1 × 2\n", ""},
		// Runtime errors: by the kind and name of the culprit, and the line.
		{"print(b'hello')\n", "write 'hello', without the b: a Lua string holds bytes"},
		{"local s = socket.socket()\ns:send(b\"GET / HTTP/1.0\\r\\n\")\n", `write "GET / HTTP/1.0\r\n", without the b: a Lua string holds bytes`},
		{"print(f\"x = {x}\")\n", `Lua has no f-strings: "x = " .. x, or string.format("x = %s", x)`},
		{"local x = {1, 2}\nprint(len(x))\n", "Lua writes #x for len(x)"},
		{"exit()\n", "Lua writes os.exit() for exit(), os.exit(1) for a failure"},
		{"sys.exit(1)\n", "Lua writes arg for sys.argv, and os.exit() for sys.exit()"},
		{"time.sleep(1)\n", "sockplay writes sleep(s) for time.sleep(s); os.time() is time.time()"},
		{"local n = int(\"5\")\n", "Lua writes tonumber(x) for int(x), and math.floor(x) to drop a fraction"},
		{"local data = \"hi\"\nlocal s = data.decode(\"utf-8\")\n", `a Lua string is bytes already: use it as it is (encoding.decode(data, "gbk") converts text from another encoding)`},
		{"local data = \"hi\"\nlocal s = data:encode(\"utf-8\")\n", `a Lua string is bytes already: use it as it is (encoding.encode(text, "gbk") converts text to another encoding)`},
		{"local t = {}\nt.append(1)\n", "Lua writes table.insert(t, x) for t.append(x)"},
		{"local line = \" a \"\nline = line:strip()\n", `Lua writes s:match("^%s*(.-)%s*$") for s.strip()`},
		{"local msg = \"port \" + 8080\n", `Lua joins strings with .., not +: "port " .. 8080`},
		{"local msg = \"%d items\" % 5\n", `Lua formats with string.format("%d", n), not with %`},
		{"local s = \"hi\"\nprint(s.upper())\n", "call a method with a colon: s:upper(...) passes s itself, s.upper(...) does not"},
		{"x = 1\n#comment\n", "Lua comments start with --, not #"},
		// Not Python, as common: what spawn is given.
		{"local function serve(c) end\nspawn(serve(\"c\"))\n", `spawn takes the function and its arguments: spawn(serve, "c"); spawn(serve(...)) calls serve now and passes what it returns`},
		{"spawn(print)\nspawn(nil)\n", ""},

		// Lua's own mistakes: no Python hint.
		{"x = = 1\n", ""},
		{"if x then\n  y()\n", ""},
		{"local t = {}\nt.x.y = 1\n", ""},
		{"undefined_function()\n", ""},
		{"local s = \"a\" .. nil\n", ""},
		{"f(1,)\n", ""},
		{"f(1, 2 = 3)\n", ""},
		{"x = 1 = 2\n", ""},
		{"print(\"a\" + 1)\n", `Lua joins strings with .., not +: "port " .. 8080`},
		{"error(\"boom\")\n", ""},
		{"local s = socket.socket()\ns.close()\n", ""}, // its message says it: call it as sock:close(...), with a colon
		// A number in a string (arg[1], input()) where a number goes.
		{"local s = socket.socket()\ns:settimeout(\"5\")\n", "a string that holds a number is still a string: tonumber(x) makes it a number (arg[1], input() and recv give strings)"},
		{"local s = socket.socket()\ns:bind({\"127.0.0.1\", \"8080\"})\n", "a string that holds a number is still a string: tonumber(x) makes it a number (arg[1], input() and recv give strings)"},
		{"local s = socket.socket()\ns:recv(\" 1024\")\n", "a string that holds a number is still a string: tonumber(x) makes it a number (arg[1], input() and recv give strings)"},
		{"local s = socket.socket()\ns:recv(\"lots\")\n", ""},
	} {
		e := runFails(t, Options{}, c.code)
		if e.Hint != c.hint {
			t.Errorf("%q:\n%s\nhint %q\nwant %q", c.code, e.Report(), e.Hint, c.hint)
		}
	}
}

// A misspelt method of a socket or a string names the method meant;
// a name near none gets no hint.
func TestMethodTypoHints(t *testing.T) {
	for _, c := range []struct{ code, hint string }{
		{"local s = socket.socket()\ns:recieve(1024)\n", `a socket receives with recv(bufsize): sock:recv(1024) (receive is the LuaSocket dialect's, for the sockets of require("socket"))`},
		{"local s = socket.socket()\ns.receive(1024)\n", `a socket receives with recv(bufsize): sock:recv(1024) (receive is the LuaSocket dialect's, for the sockets of require("socket"))`},
		{"local s = socket.socket()\ns:sendal(\"x\")\n", "no method named sendal: did you mean sendall?"},
		{"local s = socket.socket()\ns:setTimeout(1)\n", "no method named setTimeout: Lua's names are case-sensitive, this one is settimeout"},
		{"local s = socket.socket()\ns:Close()\n", "no method named Close: Lua's names are case-sensitive, this one is close"},
		{"local data = \"x\"\ndata:uper()\n", "no method named uper: did you mean upper?"},
		{"local s = socket.socket()\ns:frobnicate()\n", ""},
		{"local t = {}\nt:recv(10)\n", ""},                           // spelt right, but t is no socket
		{"local s = socket.socket()\nlocal x = s.sendal\nx()\n", ""}, // not a call of the field
	} {
		e := runFails(t, Options{}, c.code)
		if e.Hint != c.hint {
			t.Errorf("%q:\n%s\nhint %q\nwant %q", c.code, e.Report(), e.Hint, c.hint)
		}
	}
	e := runFails(t, Options{Lang: Chinese}, "local s = socket.socket()\ns:sendal(\"x\")\n")
	if !strings.Contains(e.Hint, "sendall") || !strings.ContainsRune(e.Hint, '：') {
		t.Errorf("Chinese: hint %q", e.Hint)
	}
}

// An undefined global's NameError (strict mode) has the hint of the
// Python name.
func TestPythonHintsStrict(t *testing.T) {
	for _, c := range []struct{ code, msg, hint string }{
		{"while True do end", "py.lua:1: NameError: 'True' is not defined", "Lua writes true"},
		{"print(b'hi')", "py.lua:1: NameError: 'b' is not defined", "write 'hi', without the b: a Lua string holds bytes"},
		{"x = len(arg)", "py.lua:1: NameError: 'len' is not defined", "Lua writes #x for len(x)"},
		{"x = nope", "py.lua:1: NameError: 'nope' is not defined", ""},
	} {
		e := runFails(t, Options{Strict: true}, c.code)
		if e.Msg != c.msg || e.Hint != c.hint || e.Class != "NameError" {
			t.Errorf("%q: %q (class %q), hint %q; want %q, hint %q", c.code, e.Msg, e.Class, e.Hint, c.msg, c.hint)
		}
	}
}

// A .py file is refused with a pointer to the Python-to-Lua page; a .lua
// file is not.
func TestPythonFile(t *testing.T) {
	if msg := PythonFile(English, "dir/echo_server.PY"); !strings.Contains(msg, "dir/echo_server.PY is a Python file") || !strings.Contains(msg, "docs/tutorial/lua-for-python.md") {
		t.Errorf("PythonFile: %q", msg)
	}
	if msg := PythonFile(English, "echo_server.lua"); msg != "" {
		t.Errorf("PythonFile(.lua) = %q, want none", msg)
	}
}

// Every Python name and method has its hint, reached as a learner reaches
// it: calling the name, calling the method on a string.
func TestPythonNamesAndMethods(t *testing.T) {
	for name, hint := range pythonGlobals {
		code := name + "(1)"
		if name == "True" || name == "False" || name == "None" {
			code = "local x = " + name + ".x"
		}
		e := runFails(t, Options{}, code)
		if hint := English.Text(hint); e.Hint != hint {
			t.Errorf("%s: %s\nhint %q, want %q", name, e.Msg, e.Hint, hint)
		}
	}
	for name, hint := range pythonMethods {
		e := runFails(t, Options{}, "local s = 'text'\nlocal r = s."+name+"(',')")
		if hint := English.Text(hint); e.Hint != hint {
			t.Errorf("s.%s: %s\nhint %q, want %q", name, e.Msg, e.Hint, hint)
		}
	}
}

// The statements of Python that Lua has not, each with its hint.
func TestPythonStatementHints(t *testing.T) {
	for _, c := range []struct{ code, hint string }{
		{"with open(path) as f:\n  data = f.read()\n", "Lua has no with: open, use, then close it yourself (f:close())"},
		{"function f()\n  global count\nend\n", "a Lua variable is global unless declared local: leave out global"},
		{"t = {}\ndel t[1]\n", "Lua deletes with t[k] = nil"},
		{"assert x == 1, 'x'\n", "assert is a function in Lua: assert(x == 1, 'x')"},
		{"path = r'C:\\temp'\n", `Lua has no r-strings: a long string [[C:\temp]] keeps its backslashes`},
		{"s = u'text'\n", "write 'text', without the u: a Lua string holds bytes"},
		{"x = {}\nx += [1]\n", "Lua has no +=: write x = x + 1"},
		{"n = 1\nn -= 1\n", "Lua has no -=: write n = n - 1"},
		{"try:\n  x = 1\nfinally:\n  y = 2\n", "Lua has no try: local ok, err = pcall(function() ... end) catches an error"},
		{"x = 1\nif x:\n  y = 2\n", "Lua writes if cond then ... end: then, not a colon"},
		{"match x:\n  case 1:\n    pass\n", "Lua's blocks have no colon: if ... then, while ... do, for ... do, function f() ... end"},
	} {
		e := runFails(t, Options{}, c.code)
		if e.Hint != c.hint {
			t.Errorf("%q:\n%s\nhint %q\nwant %q", c.code, e.Report(), e.Hint, c.hint)
		}
	}
}

// What holds the address of a failed call chooses the hint: a server
// that runs now or connections that linger (bind); a server of the other
// protocol (a client refused or unanswered). When the probe cannot tell,
// the general hint stays.
func TestAddrHints(t *testing.T) {
	addr := netip.MustParseAddrPort("127.0.0.1:8081")
	probeSays := func(tcp, udp holder) probe {
		return func(network string, a netip.AddrPort) holder {
			if a != addr {
				t.Errorf("probe asked about %v, want %v", a, addr)
			}
			if network == "tcp" {
				return tcp
			}
			return udp
		}
	}
	inUse := Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: bsd.AF_INET, SockType: bsd.SOCK_STREAM, Call: "bind", addr: addr}
	refused := Error{Class: "ConnectionRefusedError", Errno: int(syscall.ECONNREFUSED), Family: bsd.AF_INET, SockType: bsd.SOCK_STREAM, Call: "connect", addr: addr}
	udpTimeout := Error{Class: "TimeoutError", Family: bsd.AF_INET, SockType: bsd.SOCK_DGRAM, Call: "recvfrom", addr: addr}
	udpRefused := Error{Class: "ConnectionRefusedError", Errno: int(syscall.ECONNREFUSED), Family: bsd.AF_INET, SockType: bsd.SOCK_DGRAM, Call: "recv", addr: addr}
	udpInUse := Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: bsd.AF_INET, SockType: bsd.SOCK_DGRAM, Call: "bind", addr: addr}
	for _, c := range []struct {
		name     string
		e        Error
		tcp, udp holder
		want     string
	}{
		{"a server listens", inUse, heldListening, heldByNone, fmt.Sprintf(hintPortHeld, addr)},
		{"a connection is open", inUse, heldOpen, heldByNone, fmt.Sprintf(hintPortHeld, addr)},
		{"connections linger", inUse, heldLingering, heldByNone, fmt.Sprintf(hintTimeWait, addr)},
		{"cannot tell", inUse, heldUnknown, heldUnknown, errnoHints[syscall.EADDRINUSE]},
		{"udp port in use", udpInUse, heldUnknown, heldUnknown, fmt.Sprintf(hintPortHeld, addr)},
		{"tcp client, udp server", refused, heldByNone, heldListening, fmt.Sprintf(hintTCPToUDP, addr)},
		{"tcp client, no server", refused, heldByNone, heldByNone, errnoHints[syscall.ECONNREFUSED]},
		{"udp client, tcp server", udpTimeout, heldListening, heldByNone, fmt.Sprintf(hintUDPToTCP, addr)},
		{"connected udp client, tcp server", udpRefused, heldListening, heldByNone, fmt.Sprintf(hintUDPToTCP, addr)},
		{"udp client, no server", udpTimeout, heldByNone, heldByNone, fmt.Sprintf(hintUDPNobody, addr)},
		{"udp client, server bound but silent", udpTimeout, heldByNone, heldListening, classHints["TimeoutError"]},
		{"udp client, cannot tell", udpTimeout, heldUnknown, heldUnknown, classHints["TimeoutError"]},
	} {
		if got := hintFor(English, &c.e, probeSays(c.tcp, c.udp)); got != c.want {
			t.Errorf("%s: hint %q\nwant %q", c.name, got, c.want)
		}
	}
	noAddr := inUse
	noAddr.addr = netip.AddrPort{}
	if got := hintFor(English, &noAddr, probeSays(heldListening, heldListening)); got != errnoHints[syscall.EADDRINUSE] {
		t.Errorf("no address: %q", got)
	}
}

// The hints of calls that do not fit the socket, and of addresses held
// or not, as a script meets them: the runtime records the call, the
// socket's type and the address, and looks at what holds it.
func TestSocketCallHints(t *testing.T) {
	// A port held outside the run, by another program.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	for _, c := range []struct{ name, code, hint string }{
		{"sendto on tcp", `local s = socket.socket(); s:sendto("x", {"127.0.0.1", 9})`, hintSendtoStream},
		{"accept before listen", `local s = socket.socket(); s:bind({"127.0.0.1", 0}); s:accept()`, hintAcceptFirst},
		{"accept through pcall", `local s = socket.socket(); s:bind({"127.0.0.1", 0}); local ok, e = pcall(s.accept, s); error(e, 0)`, hintAcceptFirst},
		{"listen on udp", `local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s:bind({"127.0.0.1", 0}); s:listen(5)`, hintListenDgram},
		{"accept on udp", `local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s:bind({"127.0.0.1", 0}); s:accept()`, hintListenDgram},
		{"send unconnected", `local s = socket.socket(); s:send("hi")`, hintSendUnconnected},
		{"sendall on the listening socket", `local s = socket.create_server({"127.0.0.1", 0}); s:sendall("hi")`, hintSendUnconnected},
		{"send on a listening socket of socket.socket", `local s = socket.socket(); s:bind({"127.0.0.1", 0}); s:listen(); s:send("hi")`, hintSendUnconnected},
		{"send after the peer closed", `local srv = socket.create_server({"127.0.0.1", 0}); local c = socket.socket(); c:connect(srv:getsockname())
			srv:accept():close(); c:settimeout(5); assert(c:recv(10) == ""); for _ = 1, 100 do c:send("x"); sleep(0.01) end`, errnoHints[syscall.EPIPE]},
		{"send on udp", `local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s:send("x")`, hintSendNoPeer},
		{"udp client, tcp server", `srv = socket.create_server({"127.0.0.1", 0}); ADDR = srv:getsockname()
			local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s:settimeout(0.2); s:sendto("x", ADDR); s:recvfrom(100)`, hintUDPToTCP},
		{"connected udp client, tcp server", `srv = socket.create_server({"127.0.0.1", 0}); ADDR = srv:getsockname()
			local s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s:settimeout(2); s:connect(ADDR); s:send("x"); s:recv(100)`, hintUDPToTCP},
		{"tcp client, udp server", `u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u:bind({"127.0.0.1", 0}); ADDR = u:getsockname()
			socket.socket():connect(ADDR)`, hintTCPToUDP},
		{"create_connection to a udp server", `u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u:bind({"127.0.0.1", 0}); ADDR = u:getsockname()
			socket.create_connection(ADDR)`, hintTCPToUDP},
		{"port in use", `ADDR = {"127.0.0.1", GOPORT}; socket.socket():bind(ADDR)`, hintPortHeld},
		{"port in use by this run", `srv = socket.create_server({"127.0.0.1", 0}); ADDR = srv:getsockname(); socket.socket():bind(ADDR)`, hintOwnPort},
		{"port bound by this run", `local a = socket.socket(); a:bind({"127.0.0.1", 0}); ADDR = a:getsockname(); socket.socket():bind(ADDR)`, hintOwnPort},
		{"udp port in use by this run", `local a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a:bind({"0.0.0.0", 0}); ADDR = {"127.0.0.1", a:getsockname().port}
			socket.socket(socket.AF_INET, socket.SOCK_DGRAM):bind(ADDR)`, hintOwnPort},
		// This run's TCP socket on the port does not hold it for UDP.
		{"udp port in use elsewhere", `ADDR = {"127.0.0.1", GOUDPPORT}; local tcp = socket.socket(); tcp:bind(ADDR)
			socket.socket(socket.AF_INET, socket.SOCK_DGRAM):bind(ADDR)`, hintPortHeld},
		{"time wait", `local srv = socket.socket(); srv:bind({"127.0.0.1", 0}); srv:listen(5); ADDR = srv:getsockname()
			local c = socket.create_connection(ADDR); local conn = srv:accept(); conn:close(); c:recv(10); c:close(); srv:close()
			socket.socket():bind(ADDR)`, hintTimeWait},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt, _, _ := newTestRuntime(t, Options{})
			code := strings.ReplaceAll(c.code, "GOPORT", strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
			code = strings.ReplaceAll(code, "GOUDPPORT", strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port))
			err := result(t, runAsync(testContext(t), rt, "hint.lua", "ADDR = nil\n"+code))
			if err == nil {
				t.Fatal("ran without an error")
			}
			e := asError(t, err)
			want := c.hint
			if strings.Contains(want, "%s") {
				if !e.addr.IsValid() {
					t.Fatalf("%s: no address recorded", e.Msg)
				}
				want = fmt.Sprintf(want, e.addr)
			}
			if e.Hint != want {
				t.Errorf("%s\nhint %q\nwant %q", e.Msg, e.Hint, want)
			}
		})
	}
}

// A refused connection while this run's own server listens elsewhere
// (the REPL's :run tcp/echo_server, then a port guessed wrong) names
// where it listens; without one, the general hint.
func TestOwnServersHint(t *testing.T) {
	for _, connect := range []string{
		`socket.create_connection({"127.0.0.1", 1})`,
		`socket.socket():connect({"127.0.0.1", 1})`,
	} {
		e := runFails(t, Options{}, `srv = socket.create_server({"127.0.0.1", 0})
			spawn(function() srv:accept() end)
			`+connect)
		if want := "nothing listens at 127.0.0.1:1, but this run's server listens at 127.0.0.1:"; !strings.HasPrefix(e.Hint, want) || !strings.HasSuffix(e.Hint, " connect there") {
			t.Errorf("%s: hint %q, want %q...", connect, e.Hint, want)
		}
	}
	e := runFails(t, Options{}, `local s = socket.create_server({"127.0.0.1", 0}); s:close()
		socket.create_connection({"127.0.0.1", 1})`)
	if want := errnoHints[syscall.ECONNREFUSED]; e.Hint != want {
		t.Errorf("no server of this run: hint %q, want %q", e.Hint, want)
	}
}

// An embedder chooses the language of the hints (Options.Lang); English
// by default. The error's class and errno text stay Python's, and so does
// a syntax error's message; tr says a script's words in it.
func TestHintsInChinese(t *testing.T) {
	const refused = `local s = socket.socket(); s:connect({"127.0.0.1", 1})`
	e := runFails(t, Options{}, refused)
	if want := "nothing listens at that address: start the server first, and check the host and port"; e.Hint != want {
		t.Errorf("default: hint %q, want %q", e.Hint, want)
	}
	e = runFails(t, Options{Lang: Chinese}, refused)
	if want := "没有程序在这个地址上监听：先启动服务端，并检查主机和端口"; e.Hint != want {
		t.Errorf("Chinese: hint %q, want %q", e.Hint, want)
	}
	if !strings.Contains(e.Msg, "ConnectionRefusedError: [Errno 111] Connection refused") {
		t.Errorf("Chinese: message %q, want Python's class and errno text", e.Msg)
	}
	if report := e.Report(); !strings.HasSuffix(report, "\n提示："+e.Hint+"\n") {
		t.Errorf("Chinese: report %q", report)
	}
	e = runFails(t, Options{Lang: Chinese}, "if a != b then end")
	if e.Kind != SyntaxError || e.Hint != "Lua 用 ~= 表示 !=" || !strings.Contains(e.Msg, "expected near") {
		t.Errorf("Chinese syntax error: %q, hint %q", e.Msg, e.Hint)
	}
	rt, out, _ := newTestRuntime(t, Options{Lang: Chinese})
	if err := result(t, runAsync(testContext(t), rt, "tr.lua", `print(tr("[client] received: %s", "HELLO"), tr("not in the catalog: %s", 1))`)); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "[客户端] 收到：HELLO\tnot in the catalog: 1\n" {
		t.Errorf("tr: %q", got)
	}
}
