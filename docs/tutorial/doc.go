// Package tutorial holds no code: it is the walk-through (the Markdown
// pages in this folder, in English, and in zh-CN/, in Simplified Chinese)
// and the test that keeps it true.
//
// go test ./docs/tutorial checks every page against sockplay (the test
// binary, run as sockplay: see TestMain):
//
//   - A ```console block holds `$ command` lines, each followed by the
//     output it prints. The command runs with sh in a temporary folder of
//     the page (shared by the page's blocks), with sockplay on PATH; its
//     standard output and error together must match. Words after
//     "console" in the info string: `bg` starts the block's one command in
//     the background, as in a second terminal, waits for its first line
//     of output and goes on; its whole output is checked at the next
//     heading of level 1 or 2 (or the end of the page). A `^C` in its
//     output is where the test interrupts it, as Ctrl-C would.
//     `prompt="..."` (several allowed) names a prompt the program prints:
//     what follows it on a line of the block is what the reader types, and
//     the test feeds those lines to standard input. A prompt that ends the
//     block with nothing after it is the end of input (Ctrl-D).
//   - A block with the word `repl` in its info string is a REPL session:
//     lines starting with "> " and ">> " are typed (they go, without the
//     prompt, to `sockplay -i`), the other lines are what it prints.
//   - A block with `file=NAME` is written to NAME in the page's folder
//     before the blocks after it run; one with `from=SCRIPT` is an excerpt
//     of a bundled script and must appear in `sockplay show SCRIPT`, in
//     pieces separated by lines of "-- ..." or "...".
//   - Commands run without colours or history, with LANG=C.UTF-8 for the
//     English pages and LANG=zh_CN.UTF-8 for zh-CN/: a Chinese page shows
//     what a reader with a Chinese locale sees.
//   - In output, a line "..." stands for any number of lines. Ports after
//     127.0.0.1 and 0.0.0.0 are variables: the port a page shows is mapped
//     to the one this run got, consistently across the page, and replaced
//     in later commands and REPL lines. File descriptors (fd=N), trace
//     timestamps, dates and clock times match any digits.
//
// The tests also check the links (every page has its twin in the other
// language, and they link each other) and the diagrams in img/: each is
// what `sockplay diagram` draws from the traces in testdata/NAME/. After a
// change to the diagrams or to what the scripts do, re-record the traces
// and re-draw the diagrams with go generate (or go test -update).
package tutorial

//go:generate go test -run TestDiagrams -update .
