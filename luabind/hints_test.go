package luabind

import (
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
		{"tcp port in use", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: syscall.AF_INET}, "SO_REUSEADDR", "socket file"},
		{"ipv6 port in use", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: syscall.AF_INET6}, "port", "socket file"},
		{"family unknown", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE)}, "port", "socket file"},
		{"unix path in use", Error{Class: "OSError", Errno: int(syscall.EADDRINUSE), Family: syscall.AF_UNIX},
			"the socket file already exists: remove it with os.remove(path) before bind, or pick another path", "port"},
		{"unix refused", Error{Class: "ConnectionRefusedError", Errno: int(syscall.ECONNREFUSED), Family: syscall.AF_UNIX}, "socket file", "port"},
		{"tcp refused", Error{Class: "ConnectionRefusedError", Errno: int(syscall.ECONNREFUSED), Family: syscall.AF_INET}, "host and port", "socket file"},
		{"unix permission", Error{Class: "PermissionError", Errno: int(syscall.EACCES), Family: syscall.AF_UNIX}, "socket file", "1024"},
		{"tcp permission", Error{Class: "PermissionError", Errno: int(syscall.EACCES), Family: syscall.AF_INET}, "1024", ""},
		{"unix missing file", Error{Class: "FileNotFoundError", Errno: int(syscall.ENOENT), Family: syscall.AF_UNIX}, "no such socket file", ""},
		{"unix closed socket", Error{Class: "OSError", Errno: int(syscall.EBADF), Family: syscall.AF_UNIX}, "after close()", ""},
		{"timeout", Error{Class: "TimeoutError"}, "settimeout", ""},
		{"out of descriptors", Error{Class: "OSError", Errno: int(syscall.EMFILE), Family: syscall.AF_INET}, "out of file descriptors", ""},
		{"no hint", Error{Class: "OSError", Errno: int(syscall.ENOMEM)}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hintFor(&tt.e)
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
