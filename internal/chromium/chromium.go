// Package chromium finds the browser that tests render pages and SVG
// files in.
package chromium

import (
	"os/exec"
	"testing"
)

// Path returns Chromium (or Chrome), or skips the test: CI installs it
// (.ci/run).
func Path(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium: apt-get install -y chromium (.ci/run does)")
	return ""
}
