package i18n

import (
	"context"
	"os/exec"
	"time"
)

// defaultsTimeout bounds the asking: a missing or hung defaults costs
// sockplay's start this much at most, and then it speaks English.
const defaultsTimeout = 500 * time.Millisecond

// systemLanguages is the user's languages as System Settings orders
// them (AppleLanguages), or the region's locale (AppleLocale) when that
// list is not there, as `defaults` reads them: a terminal may be set not
// to export LANG (Terminal.app's "Set locale environment variables on
// startup"), and programs launchd starts get none. Reading the
// preferences directly would take cgo (CoreFoundation) or a parser of
// binary plists. It has not been run on a real Mac by sockplay's tests:
// they cross-compile it.
func systemLanguages() []string {
	ctx, cancel := context.WithTimeout(context.Background(), defaultsTimeout)
	defer cancel()
	for _, key := range []string{"AppleLanguages", "AppleLocale"} {
		cmd := exec.CommandContext(ctx, "/usr/bin/defaults", "read", "-g", key)
		// A child of defaults holding its output open must not hold
		// up Output past the deadline.
		cmd.WaitDelay = 100 * time.Millisecond
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
