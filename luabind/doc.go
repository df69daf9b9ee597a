// Package luabind runs Lua scripts (sockplay's gopher-lua, package lua)
// against the operating system's network stack.
//
// To run a script:
//
//	rt := luabind.New(luabind.Options{Stdout: os.Stdout, Stderr: os.Stderr})
//	defer rt.Close()
//	err := rt.RunString(ctx, "hello.lua", `print(socket.gethostname())`, nil)
//
// RunFile runs a file, with its arguments in arg. The error of a script
// that fails is an *Error: its Report is what sockplay prints (the line,
// a caret, a hint for beginners' mistakes). Options.Modules adds modules
// written in Go; Options.Sandbox confines a script in the process
// (loopback only, no programs, limits). The examples here, and
// examples/embed in the repository, are whole programs.
//
// A Runtime owns one Lua state. Lua code runs only while holding the
// runtime's lock; every blocking primitive (accept, recv, connect, sleep,
// input, join, ...) releases the lock for its wait, so many tasks — the main
// chunk, spawned tasks, REPL lines — share one state on their own goroutines
// and any Lua construct (pcall, iterators, metamethods) may block safely.
//
// Everything a runtime has hangs off its Runtime, and output goes only to
// the writers given in Options, so two runtimes in one process do not
// touch each other. The package-level variables are fixed values (the
// table of libraries, constants, socket options, sentinel errors), except
// one: the cache of read buffers in readbuf.go, which all runtimes of a
// process share, as they share Go's allocator. A buffer holds nothing between two reads, so no
// runtime sees another's bytes; sharing bounds the memory a process with
// many runtimes keeps for reading.
//
// The Lua libraries that need no Runtime (byte-safe strings, string.pack,
// os.date, encodings, repr, error values) are package lualib; the trace
// events are package trace.
//
// The files, by layer:
//
//	runtime.go          the Runtime: options, runs, Cancel, Close
//	scriptdir.go        a script's own modules: require looks beside the script
//	warnings.go         warnings: a task that spins on recv's "", or holds the runtime (the watchdog)
//	task.go             tasks: a Lua thread on a goroutine each; the lock; waiting
//	stdin.go            the runtime's input, read by input() and io.read
//	session.go          Session: many evaluations in one runtime, for a REPL
//	modules.go          the host's Go modules (Options.Modules); Blocking, Raise
//	libs.go             every Lua library a runtime installs, in one table
//	baselib.go          print, input, tr (a script's words in the runtime's language)
//	iolib.go            io on the runtime's streams
//	oslib.go            os.exit
//	popen.go            io.popen
//	tasklib.go          spawn, sleep, task objects
//	select.go           the select module (select_linux.go: its wait on epoll)
//	socket_module.go    socket.socket, create_connection, getaddrinfo, ... and the constants
//	socket_methods.go   sock:bind, listen, accept, connect, recv, send, ... (what Lua calls)
//	socket.go           the socket object: its kinds' metatables, tostring
//	socket_makefile.go  sock:makefile() objects
//	socket_framing.go   sock:send_msg, sock:recv_msg
//	socket_replyaddr.go the UDP reply address (sendto to the last recvfrom's sender)
//	luasocket.go        the LuaSocket dialect: its objects and classes, timeouts, error strings
//	luasocket_tcp.go    socket.tcp, connect, bind; the methods of TCP objects and of every class
//	luasocket_udp.go    socket.udp; sendto, receivefrom, setpeername of datagram objects
//	luasocket_unix.go   socket.unix: stream and datagram objects on socket files
//	luasocket_inet.go   LuaSocket's addresses: host and port strings resolved, descriptors made
//	luasocket_buffer.go receive's patterns and partial results, send(data, i, j)
//	luasocket_options.go setoption/getoption by name
//	luasocket_select.go socket.select: lists that are sets, dirty objects
//	luasocket_except.go try, newtry, protect, skip, choose, gettime, sleep
//	luasocket_sources.go socket.source, socket.sink over sockets (LTN12)
//	luasocket_dns.go    socket.dns
//	luasocket_modules.go ltn12, mime, socket.url, socket.http, socket.headers (luasocket/*.lua)
//	addr.go             address tables: Lua's {host, port} and sockAddr, the backends' addresses
//	backend.go          the seam: netFD (a socket at the system) and backend (makes them, select's waits)
//	backend_linux.go    which backend: Linux's, or the portable one with SOCKPLAY_BACKEND=portable
//	backend_other.go    which backend elsewhere: the portable one
//	sockwait.go, ioop.go the waits' deadlines and interrupts, a task's I/O call: both backends'
//	socket_io.go        sendall's loop, above the backends
//	fd_linux.go         Linux's backend: socket(2), bind, listen, options, close
//	fd_io_linux.go      Linux's backend: I/O and waiting (connect, accept, recv, send)
//	sockaddr_linux.go   Linux's backend: kernel addresses encoded and decoded
//	select_linux.go     Linux's backend: poll(2) for select
//	fd_portable.go      the portable backend (Go's net): a BSD socket's states, bind, listen, names
//	fd_io_portable.go   the portable backend: I/O and waiting
//	select_portable.go  the portable backend: readiness (reads ahead), select's waits
//	sockopt_portable.go the portable backend's options: kept until the socket exists, then set
//	sockopt_linux.go, sockopt_darwin.go, sockopt_windows.go each system's option numbers
//	snapshot_portable.go what a snapshot shows of a portable socket
//	popen_unix.go, popen_windows.go io.popen's and os.execute's shell: /bin/sh -c, cmd /c
//	readbuf.go          the read buffers recv reads into
//	tracer.go           the socket trace: which events, in which order; the live sink (TraceSink)
//	snapshot.go         Snapshot: the sockets and tasks at one moment, for a live view
//	fd_tcpinfo_linux.go the descriptor layer: the kernel's state of a socket (TCP_INFO, queues)
//	errors.go           Go errors as Lua error values; the host's *Error; the syntax-error translator
//	report.go           how an error is shown: traceback, source line and caret (Error.Report)
//	hints.go            one-line hints for beginners' errors: network errors, Python habits (in Options.Lang: internal/i18n)
//	probe_linux.go      what holds an address now, for a hint (the kernel's socket tables)
//	globals.go          globals never assigned: the warning, strict mode
//	args.go             argument checks of every Lua function here
//	sandbox.go          Sandbox: options, and the guards it installs
//	sandbox_net.go      the sandbox's network check (loopback only, no DNS, socket cap)
//	sandbox_files.go    the sandbox's file checks
//	sandbox_limits.go   the sandbox's limits: string sizes, time, memory
//
// The Lua-facing files make no system call on a socket themselves: they
// call a backend through the seam of backend.go.
package luabind
