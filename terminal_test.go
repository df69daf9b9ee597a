//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/ptytest"
)

// The REPL's entry points on a terminal, which a script cannot give
// (package testscript attaches no terminal to stdout). The REPL itself is
// tested in package repl; these check that sockplay reaches it as
// documented.

func startCLITerm(t *testing.T, args ...string) *ptytest.Term {
	t.Helper()
	cmd := exec.Command(sockplay(t), args...)
	cmd.Env = ptytest.Env(t)
	return ptytest.Start(t, cmd)
}

func TestCLIOpensTheREPLOnATerminal(t *testing.T) {
	tm := startCLITerm(t) // no arguments
	tm.Expect("sockplay " + version)
	tm.Expect(":help for help")
	tm.Expect("> ")
	tm.Type("6 * 7\r")
	tm.Expect("6 * 7\n42\n> ")
	// A server in the background and a client at the prompt.
	tm.Type(`:run bench/echo_server 0` + "\r")
	tm.Expect("server is listening on 127.0.0.1:")
	tm.Type(`:jobs` + "\r")
	tm.Expect("running   bench/echo_server.lua")
	tm.Quit()
}

// With a Chinese locale, the banner, :help and the hints are in Chinese;
// the error's own text stays Lua's.
func TestCLIREPLInChinese(t *testing.T) {
	cmd := exec.Command(sockplay(t))
	cmd.Env = ptytest.Env(t, "LANG=zh_CN.UTF-8", "LC_ALL=", "LC_MESSAGES=", "SOCKPLAY_LANG=")
	tm := ptytest.Start(t, cmd)
	tm.Expect("sockplay " + version + "：带有 Python socket 模块的 Lua。输入 :help 查看帮助，按 Ctrl-D 退出。")
	tm.Expect("> ")
	tm.Type(":help\r")
	tm.Expect("输入 Lua 代码，按回车执行。")
	tm.Expect(":help [topic]      本帮助；主题：")
	tm.Expect(":quit              退出（也可以在空行上按 Ctrl-D，或调用 os.exit(n)）")
	tm.Expect("strict(true) 让它成为错误。")
	tm.Expect("> ")
	tm.Type("x != 2\r")
	tm.Expect("stdin:1: '=' expected near '!'")
	tm.Expect("提示：Lua 用 ~= 表示 !=")
	tm.Type(":frob\r")
	tm.Expect("未知命令 :frob（:help 会列出所有命令）")
	tm.Quit()
}

func TestCLIRunsCodeThenTheREPLOnATerminal(t *testing.T) {
	tm := startCLITerm(t, "-e", "srv = socket.create_server({'127.0.0.1', 0}); print('ready')", "-i")
	tm.Expect("ready\n")
	tm.Expect("> ")
	// The chunk's socket is still open in the REPL.
	tm.Type("srv:getsockname().host\r")
	tm.Expect(`"127.0.0.1"`)
	tm.Type("os.exit(3)\r")
	if code := tm.Wait(); code != 3 {
		t.Errorf("exit status %d after os.exit(3)", code)
	}
}

// sockplay -i FILE runs the file, then the REPL in the same runtime, as
// python -i does: the script's globals are there, and a Ctrl-C during the
// script (a server waiting for clients) stops it and opens the prompt.
func TestCLIRunsAFileThenTheREPLOnATerminal(t *testing.T) {
	script := filepath.Join(t.TempDir(), "server.lua")
	err := os.WriteFile(script, []byte(`srv = socket.create_server({"127.0.0.1", 0})
print("serving", arg[1])
local conn = srv:accept()
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	tm := startCLITerm(t, "-i", script, "one")
	tm.Expect("serving\tone\n")
	tm.Type("\x03")
	tm.Expect("interrupted\n> ")
	tm.Line("srv:getsockname().host, arg[1]", `"127.0.0.1"	"one"`)
	tm.Quit()
}

// sockplay diagram without -o on a terminal writes the SVG to a file named
// after the first trace, and says so, instead of pouring XML on the
// screen (piped, it writes to stdout: testdata/script/diagram.txtar).
func TestDiagramOnATerminalWritesAFile(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join("diagram", "testdata", "echo_server.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "server.jsonl"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sockplay(t), "diagram", "server.jsonl")
	cmd.Dir = dir
	cmd.Env = ptytest.Env(t)
	tm := ptytest.Start(t, cmd)
	tm.Expect("sockplay diagram: wrote server.svg (-o FILE names it; -o - writes to the terminal)")
	if code := tm.Wait(); code != 0 {
		t.Errorf("exit status %d", code)
	}
	if strings.Contains(tm.Text(), "<svg") {
		t.Errorf("the SVG went to the terminal:\n%.300s", tm.Text())
	}
	svg, err := os.ReadFile(filepath.Join(dir, "server.svg"))
	if err != nil || !strings.Contains(string(svg), "<svg") {
		t.Errorf("server.svg: %v, %.100q", err, svg)
	}
}
