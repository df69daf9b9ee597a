package repl_test

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/sockplay/sockplay/cli"
)

// The pseudo-terminal tests run the REPL in the real sockplay command, as
// a user starts it: testscript.Main puts a copy of this test binary named
// sockplay on the PATH, which runs the CLI (the mechanism the CLI's own
// tests use, in package main).
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"sockplay": func() { cli.Main("test") }})
}
