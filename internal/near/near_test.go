package near

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"recv", "recv", 0},
		{"recv", "", 4},
		{"recieve", "receive", 1}, // a swap
		{"echo_sever", "echo_server", 1},
		{"echo_sevrer", "echo_server", 1},
		{"sendal", "sendall", 1},
		{"kitten", "sitting", 3},
		{"你好", "你们好", 1}, // characters, not bytes
	} {
		if got := distance(c.a, c.b); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := distance(c.b, c.a); got != c.want {
			t.Errorf("distance(%q, %q) = %d, want %d", c.b, c.a, got, c.want)
		}
	}
}

func TestName(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"recv", "recv", true},
		{"Recv", "recv", true}, // case is not a typo
		{"rcv", "recv", true},
		{"rcev", "recv", true},
		{"recive", "recv", false}, // two edits for a short name
		{"echo_sevrer", "echo_server", true},
		{"tcp/ecoh_sevrer", "tcp/echo_server", true}, // two edits from 8 characters on
		{"tcp/xcoh_sevrer", "tcp/echo_server", false},
		{"send", "sendall", false},
	} {
		if got := Name(c.a, c.b); got != c.want {
			t.Errorf("Name(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

func TestPaths(t *testing.T) {
	names := []string{"tcp/echo_server", "tcp/echo_client", "unix/echo_server", "udp/server"}
	for _, c := range []struct {
		name string
		want []string
	}{
		{"echo_server", []string{"tcp/echo_server", "unix/echo_server"}}, // the same base name first
		{"tcp/echo_sever", []string{"tcp/echo_server"}},
		{"echo_sever", []string{"tcp/echo_server", "unix/echo_server"}}, // no folder: by base name
		{"tcp/echo_server", []string{"unix/echo_server"}},               // itself is no suggestion
		{"nothing_like_it", nil},
	} {
		if got := Paths(c.name, names); !slices.Equal(got, c.want) {
			t.Errorf("Paths(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
