package i18n

import (
	"context"
	"os/exec"
	"strings"
	"time"
)

// readDefaults asks macOS's defaults program (at path) for the user's
// languages, AppleLanguages, or else AppleLocale, within timeout: nil
// when it has none, fails, or does not answer in time.
func readDefaults(path string, timeout time.Duration) []string {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for _, key := range []string{"AppleLanguages", "AppleLocale"} {
		cmd := exec.CommandContext(ctx, path, "read", "-g", key)
		// A child of defaults holding its output open must not hold
		// up Output past the deadline.
		cmd.WaitDelay = timeout / 5
		out, err := cmd.Output()
		if ctx.Err() != nil {
			return nil
		}
		if langs := parseDefaultsArray(string(out)); err == nil && len(langs) > 0 {
			return langs
		}
	}
	return nil
}

// parseDefaultsArray reads the strings of an array as defaults prints
// it, in the old plist format: ( "zh-Hans-CN", en ), with quotes around
// an item only when it needs them. A single value (what it prints for a
// string, AppleLocale) is a list of one.
func parseDefaultsArray(out string) []string {
	out = strings.TrimSpace(out)
	if strings.HasPrefix(out, "(") && strings.HasSuffix(out, ")") {
		out = out[1 : len(out)-1]
	}
	var items []string
	for _, item := range strings.Split(out, ",") {
		item = strings.Trim(strings.TrimSpace(item), `"`)
		if item != "" {
			items = append(items, item)
		}
	}
	return items
}
