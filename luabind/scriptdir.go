package luabind

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	lua "github.com/sockplay/sockplay/lua"
)

// A script's own modules: require("helpers") in some/dir/main.lua finds
// some/dir/helpers.lua whatever the working directory, as Python puts the
// script's folder first on sys.path. A file run (RunFile) puts its folder
// first on package.path; a sandboxed one may also read the .lua files
// of that folder (sandbox_files.go: not its other files, not its
// subfolders, not symbolic links), so that require can load them.

// maxModuleFiles bounds the files ModuleFiles lists.
const maxModuleFiles = 256

// ModuleFiles lists the modules a sandboxed run of script may require
// from its folder: the regular files named *.lua beside it (symbolic
// links left out), at most 256. A host that confines the run's process
// itself (Landlock, as sockplay's grader does) allows reading these too.
func ModuleFiles(script string) []string {
	dir := filepath.Dir(script)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var files []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".lua") {
			continue
		}
		files = append(files, filepath.Join(dir, e.Name()))
		if len(files) == maxModuleFiles {
			break
		}
	}
	return files
}

// packagePath is package.path as the runtime began, before any script's
// folder was put first.
func (rt *Runtime) packagePath() string {
	if rt.basePath == nil {
		p := lua.LVAsString(rt.L.GetField(rt.L.GetField(rt.L.G.Global, "package"), "path"))
		rt.basePath = &p
	}
	return *rt.basePath
}

// modulePattern is the package.path entry of the modules beside file,
// "" if its folder cannot be written there.
func modulePattern(file string) (dir, pattern string) {
	if file == "" {
		return "", ""
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	// A folder whose name holds the path's own separators cannot be
	// written in package.path.
	if err != nil || strings.ContainsAny(dir, ";?") {
		return "", ""
	}
	return dir, filepath.Join(dir, "?.lua")
}

// useScriptDir makes require look first in the folder of file (a run's
// script; "" for a run of code that has none), and lets a sandboxed run
// read the modules there. Called with the lock held.
func (rt *Runtime) useScriptDir(file string) {
	if file == "" && !rt.scriptDirSet {
		return // package.path is the host's, or the last script's own
	}
	path := rt.packagePath()
	rt.scriptDirSet = false
	if dir, pattern := modulePattern(file); pattern != "" {
		path = pattern + ";" + path
		rt.scriptDirSet = true
		if rt.sandbox != nil {
			rt.sandbox.allowModules(dir)
		}
	}
	rt.setPackagePath(path)
}

func (rt *Runtime) setPackagePath(path string) {
	if pkg, ok := rt.L.GetField(rt.L.G.Global, "package").(*lua.LTable); ok {
		pkg.RawSetString("path", lua.LString(path))
	}
}

// AddModuleDir makes require look first in the folder of file, a script
// the session loads or runs (a REPL's :load FILE, :run FILE, -i FILE),
// for the rest of the session, as RunFile does for a run; a sandboxed
// session may read the .lua files there.
func (s *Session) AddModuleDir(file string) {
	rt := s.rt
	rt.gil.Lock()
	defer rt.gil.Unlock()
	dir, pattern := modulePattern(file)
	if pattern == "" {
		return
	}
	path := lua.LVAsString(rt.L.GetField(rt.L.GetField(rt.L.G.Global, "package"), "path"))
	if !slices.Contains(strings.Split(path, ";"), pattern) {
		rt.setPackagePath(pattern + ";" + path)
	}
	if rt.sandbox != nil {
		rt.sandbox.allowModules(dir)
	}
}
