package i18n

import "golang.org/x/sys/windows"

// systemLanguages is the user's display languages, in the order of
// Settings' "Preferred languages" (cmd.exe and PowerShell export no
// locale variables); the system's when the user has none. It has not
// been run on a real Windows by sockplay's tests: they cross-compile it.
func systemLanguages() []string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		langs, _ = windows.GetSystemPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	}
	return langs
}
