//go:build !windows && !darwin

package i18n

// Elsewhere (Linux, the BSDs) the locale variables are the system's
// settings: a desktop session exports them, and with none of them set
// English is what the C locale speaks.
func systemLanguages() []string { return nil }
