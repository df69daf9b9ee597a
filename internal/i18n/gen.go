//go:build ignore

// gen writes locales/zh/messages.gotext.json: the messages gotext's
// extractor finds in sockplay (package extract), each with its
// translation from the file as it was. A new message gets an empty
// translation, which a translator fills in; a test fails until then.
//
// With -check it writes nothing, and fails when the file is not what it
// would write or a message has no translation (extract's test runs it:
// the extractor is slow under the race detector).
//
// gotext's own generator cannot be used for the catalog: it reads any
// {...} of a message as a placeholder, and Lua tables ({host, port}) are
// all over the hints. The catalog is built from this file at run time
// instead (catalog.go).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/sockplay/sockplay/internal/i18n/extract"
)

func main() {
	check := flag.Bool("check", false, "only check that the file is current and translated")
	flag.Parse()
	const path = "locales/zh/messages.gotext.json"
	msgs, err := extract.Extract(extract.Packages)
	if err != nil {
		fail(err)
	}
	old, err := extract.Read(path)
	if err != nil && !os.IsNotExist(err) {
		fail(err)
	}
	f, missing := extract.Merge("zh", msgs, old)
	for _, key := range missing {
		fmt.Fprintf(os.Stderr, "gen: no translation yet: %q\n", key)
	}
	if !*check {
		if err := extract.Write(path, f); err != nil {
			fail(err)
		}
		return
	}
	tmp, err := os.CreateTemp("", "messages-*.json")
	if err != nil {
		fail(err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	if err := extract.Write(tmp.Name(), f); err != nil {
		fail(err)
	}
	want, _ := os.ReadFile(tmp.Name())
	have, _ := os.ReadFile(path)
	if !bytes.Equal(want, have) {
		fmt.Fprintf(os.Stderr, "gen: %s is not what the code says: run go generate in internal/i18n\n", path)
		os.Exit(1)
	}
	if len(missing) > 0 {
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
