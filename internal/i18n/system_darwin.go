package i18n

import "time"

// defaultsTimeout bounds the asking: a missing or hung defaults costs
// sockplay's start this much at most, and then it speaks English.
const defaultsTimeout = 500 * time.Millisecond

// systemLanguages is the user's languages as System Settings orders
// them (AppleLanguages), or the region's locale (AppleLocale) when that
// list is not there: a terminal may be set not to export LANG
// (Terminal.app's "Set locale environment variables on startup"), and
// programs launchd starts get none. Reading the preferences directly
// would take cgo (CoreFoundation) or a parser of binary plists. It has
// not been run on a real Mac by sockplay's tests: they cross-compile it,
// and run readDefaults with a stand-in for defaults.
func systemLanguages() []string { return readDefaults("/usr/bin/defaults", defaultsTimeout) }
