package ui

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// OpenBrowser opens url in the user's browser: the command in $BROWSER
// if set (a list separated as PATH is, by colons or on Windows by
// semicolons: a Windows path has a colon; the first that starts wins; "%s"
// in it stands for the address), else the system's opener (xdg-open,
// open, or Windows' URL handler). It does not wait for the browser.
func OpenBrowser(url string) error {
	var cmds [][]string
	if b := os.Getenv("BROWSER"); b != "" {
		for _, c := range strings.Split(b, string(os.PathListSeparator)) {
			if f := strings.Fields(c); len(f) > 0 {
				args := f[1:]
				found := false
				for i, a := range args {
					if strings.Contains(a, "%s") {
						args[i], found = strings.ReplaceAll(a, "%s", url), true
					}
				}
				if !found {
					args = append(args, url)
				}
				cmds = append(cmds, append([]string{f[0]}, args...))
			}
		}
	}
	switch runtime.GOOS {
	case "darwin":
		cmds = append(cmds, []string{"open", url})
	case "windows":
		cmds = append(cmds, []string{"rundll32", "url.dll,FileProtocolHandler", url})
	default:
		cmds = append(cmds, []string{"xdg-open", url})
	}
	var first error
	for _, c := range cmds {
		cmd := exec.Command(c[0], c[1:]...)
		err := cmd.Start()
		if err == nil {
			go cmd.Wait() // reap it whenever it ends
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return &noBrowserError{first}
}

// noBrowserError: no command OpenBrowser tried started; Err is the first
// one's failure (BROWSER's if it is set: the user's choice), in the
// system's words. Start says the rest in the user's language.
type noBrowserError struct{ Err error }

func (e *noBrowserError) Error() string { return "no browser found (set BROWSER): " + e.Err.Error() }

func (e *noBrowserError) Unwrap() error { return e.Err }
