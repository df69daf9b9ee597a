package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/sockplay/sockplay/internal/i18n"
)

// A sandboxed run's child speaks its parent's language, whatever its
// environment says: on Windows and macOS the parent's may come from the
// system's settings, which the child is not to ask again.
func TestRunChildSpeaksTheParentsLanguage(t *testing.T) {
	t.Setenv("SOCKPLAY_LANG", "en")
	t.Cleanup(func() { childRun = nil })
	out, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	stdout := os.Stdout
	os.Stdout = out
	defer func() { os.Stdout = stdout }()
	payload, err := json.Marshal(runJob{Args: []string{"list"}, TempDir: t.TempDir(), Lang: i18n.Chinese})
	if err != nil {
		t.Fatal(err)
	}
	if _, status := runChild(payload); status != 0 {
		t.Fatalf("status %d", status)
	}
	os.Stdout = stdout
	got, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "先运行这个") {
		t.Errorf("the list is not in Chinese:\n%s", got)
	}
}
