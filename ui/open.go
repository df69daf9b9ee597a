package ui

import (
	"errors"
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
	err := errors.New("no browser found: set BROWSER")
	for _, c := range cmds {
		cmd := exec.Command(c[0], c[1:]...)
		if err = cmd.Start(); err == nil {
			go cmd.Wait() // reap it whenever it ends
			return nil
		}
	}
	return err
}
