package repl

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/luabind"
)

func TestCompletion(t *testing.T) {
	rt := luabind.New(luabind.Options{})
	defer rt.Close()
	r := &repl{sess: rt.NewSession(), opts: Options{ScriptNames: []string{"tcp/echo_server", "tcp/echo_client", "udp/server"}}}
	defer r.sess.Close()
	err := r.sess.Eval(context.Background(), "setup", `
		s = socket.socket()
		s:bind({"127.0.0.1", 0})
		addr = s:getsockname()
		err = select(2, pcall(error, select(2, pcall(socket.create_connection, {"127.0.0.1", 1}))))
		conf = {port = 1, pool = {size = 2}, ["not a name"] = 3, run = function() end}
		word = "text"
		t = spawn(function() sleep(60) end)
	`, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []string{"mine.lua", "notes.txt", "more.lua"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "lib"), 0o755)

	for _, tc := range []struct {
		line       string
		head, tail string
		want       []string
	}{
		{"s:sett", "s:", "", []string{"settimeout"}},
		{"s.fa", "s.", "", []string{"family"}},
		{"s:fa", "s:", "", nil}, // a field, not a method
		{"socket.AF_", "socket.", "", []string{"AF_INET", "AF_INET6", "AF_UNIX", "AF_UNSPEC"}},
		{"x = socket.SOCK_", "x = socket.", "", []string{"SOCK_DGRAM", "SOCK_STREAM"}},
		{"socket.create_", "socket.", "", []string{"create_connection", "create_server"}},
		{"pri", "", "", []string{"print"}},
		{"  whi", "  ", "", []string{"while"}},
		{"conf.po", "conf.", "", []string{"pool", "port"}},
		{"conf.pool.s", "conf.pool.", "", []string{"size"}},
		{"conf:", "conf:", "", []string{"run"}},
		{"addr.", "addr.", "", []string{"host", "port"}},
		{"err:", "err:", "", []string{"is"}},
		{"err.st", "err.", "", []string{"strerror"}},
		{"t:", "t:", "", []string{"cancel", "join", "status"}},
		{"word:up", "word:", "", []string{"upper"}},
		{"string.rep", "string.", "", []string{"rep"}},
		{"nosuch.x", "nosuch.", "", nil},
		{"print('s:se", "print('s:se", "", nil}, // in a string
		{"x = 1 -- socket.AF", "x = 1 -- socket.AF", "", nil},
		{"3.1", "3.1", "", nil},
		{"", "", "", nil},
		{":he", "", "", []string{":help"}},
		{":", "", "", []string{":help", ":jobs", ":kill", ":load", ":quit", ":reset", ":run", ":trace"}},
		{":run tcp/echo", ":run ", "", []string{"tcp/echo_client", "tcp/echo_server"}},
		{":run tcp/echo_server ", ":run tcp/echo_server ", "", nil},
		{":help so", ":help ", "", []string{"socket"}},
		{":kill ", ":kill ", "", []string{"2"}}, // t, after the setup chunk (task 1)
		{":load " + dir + "/m", ":load ", "", []string{dir + "/mine.lua", dir + "/more.lua"}},
		{":load " + dir + "/", ":load ", "", []string{dir + "/lib/", dir + "/mine.lua", dir + "/more.lua"}},
	} {
		head, got, tail := r.complete(tc.line, len([]rune(tc.line)))
		if head != tc.head || tail != tc.tail || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("complete(%q) = %q, %q, %q; want %q, %q, %q", tc.line, head, got, tail, tc.head, tc.want, tc.tail)
		}
	}
	// A socket's methods, though its __index is a function; the cursor in
	// the middle: what follows it stays.
	head, got, tail := r.complete("s:se(data)", 4)
	if head != "s:" || tail != "(data)" {
		t.Errorf("complete in the middle: %q, %q, %q", head, got, tail)
	}
	for _, want := range []string{"send", "sendall", "sendto", "setblocking", "setsockopt", "settimeout"} {
		if !slices.Contains(got, want) {
			t.Errorf("complete(\"s:se\") = %q, lacks %s", got, want)
		}
	}
	for _, name := range got {
		if !strings.HasPrefix(name, "se") {
			t.Errorf("complete(\"s:se\") offers %s", name)
		}
	}
}
