package extract

import (
	"testing"
)

// The translation file holds the messages the code has now, each with
// its translation: a message added, or changed, without its Chinese
// fails here (go generate in internal/i18n adds it for the translator).
func TestCatalogCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("extracting the messages type-checks the packages: seconds")
	}
	msgs, err := Extract(Packages)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) < 100 {
		t.Fatalf("gotext found %d messages: the extraction lost its way", len(msgs))
	}
	old, err := Read("../locales/zh/messages.gotext.json")
	if err != nil {
		t.Fatal(err)
	}
	_, missing := Merge("zh", msgs, old)
	for _, key := range missing {
		t.Errorf("no Chinese for %q (run go generate in internal/i18n, then translate it)", key)
	}
	inCode := map[string]bool{}
	for _, m := range msgs {
		inCode[m.Key] = true
	}
	for _, m := range old.Messages {
		if !inCode[m.Key] {
			t.Errorf("the file has a message the code no longer has: %q (run go generate in internal/i18n)", m.Key)
		}
	}
}
