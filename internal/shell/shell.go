// Package shell runs a command line with the system's shell, as io.popen,
// os.execute and the tutorial's tests do: sh on Unix, in a process group
// of its own so that a signal reaches what the shell started too; cmd.exe
// on Windows.
package shell
