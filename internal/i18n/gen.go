//go:build ignore

// gen writes locales/zh/messages.gotext.json: the messages gotext's
// extractor finds in sockplay (package extract), each with its
// translation from the file as it was. A new message gets an empty
// translation, which a translator fills in; a test fails until then.
//
// gotext's own generator cannot be used for the catalog: it reads any
// {...} of a message as a placeholder, and Lua tables ({host, port}) are
// all over the hints. The catalog is built from this file at run time
// instead (catalog.go).
package main

import (
	"fmt"
	"os"

	"github.com/sockplay/sockplay/internal/i18n/extract"
)

func main() {
	const path = "locales/zh/messages.gotext.json"
	msgs, err := extract.Extract(extract.Packages)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	old, err := extract.Read(path)
	if err != nil && !os.IsNotExist(err) {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	f, missing := extract.Merge("zh", msgs, old)
	if err := extract.Write(path, f); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for _, key := range missing {
		fmt.Fprintf(os.Stderr, "gen: no translation yet: %q\n", key)
	}
}
