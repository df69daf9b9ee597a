package cli

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
)

// commandName is how the user starts sockplay, for the commands that
// messages and scripts suggest (the demo's "Next:"): "go run ." in a
// clone before go install (go run builds the program into a temporary
// folder), the path typed for a program run by path (./sockplay), and
// "sockplay" once it is on the PATH. A sandboxed run's child says what
// its parent was started as.
func commandName() string {
	if childRun != nil && childRun.Command != "" {
		return childRun.Command
	}
	if exe, err := os.Executable(); err == nil && builtByGoRun(exe) {
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return "go run " + bi.Main.Path + "@" + bi.Main.Version // go run module@version
		}
		return "go run ."
	}
	if len(os.Args) > 0 && strings.ContainsRune(os.Args[0], filepath.Separator) {
		return os.Args[0]
	}
	return "sockplay"
}

// builtByGoRun reports whether exe is a program go run built: it lies in
// go's temporary build folder, as go-build123/b001/exe/NAME, or (go 1.24
// on) in the build cache, as 40/406b...f49-d/NAME: the hash of the build
// and "-d", under a folder named by the hash's first two digits.
func builtByGoRun(exe string) bool {
	dir := filepath.Dir(exe)
	if filepath.Base(dir) == "exe" && strings.HasPrefix(filepath.Base(filepath.Dir(filepath.Dir(dir))), "go-build") {
		return true
	}
	hash, ok := strings.CutSuffix(filepath.Base(dir), "-d")
	return ok && len(hash) == 64 && strings.Trim(hash, "0123456789abcdef") == "" &&
		filepath.Base(filepath.Dir(dir)) == hash[:2]
}
