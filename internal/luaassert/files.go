package luaassert

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RunFiles runs run(t, file) for every dir/*.lua, each as a subtest named
// after its file, in parallel with the others unless the file's header
// comment says
//
//	-- option: serial
//
// (a file whose programs would disturb the others: io.popen's children
// hold every descriptor of the process between their fork and exec).
func RunFiles(t *testing.T, dir string, run func(t *testing.T, file string)) {
	files, err := filepath.Glob(filepath.Join(dir, "*.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no %s/*.lua files", dir)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			opts, err := headerOptions(file)
			if err != nil {
				t.Fatal(err)
			}
			if !opts["serial"] {
				t.Parallel()
			}
			run(t, file)
		})
	}
}

// headerOptions reads the "-- option: NAME" lines of the comment that
// opens file.
func headerOptions(file string) (map[string]bool, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opts := map[string]bool{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "--") {
			break
		}
		name, ok := strings.CutPrefix(strings.TrimSpace(line[2:]), "option:")
		if !ok {
			continue
		}
		switch name = strings.TrimSpace(name); name {
		case "serial":
			opts[name] = true
		default:
			return nil, fmt.Errorf("%s: unknown option %q (known: serial)", file, name)
		}
	}
	return opts, nil
}
