package luabind

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"

	lua "github.com/sockplay/sockplay/lua"
)

// The sandbox's file policy: a script reads only the files and folders of
// an allowlist (its TempDir, Sandbox.Read) and writes only in TempDir;
// the host's standard input is not its own. Every file the Lua libraries
// open by name goes through openFile (lua.Options.OpenFile), which opens
// it through an os.Root of the allowed folder: the kernel resolves ".."
// and symbolic links inside that folder, and a path that leads out of it
// fails. No path is judged by its text beforehand: "/var/run/../proc" is
// /proc to the kernel (it follows the /var/run link before ".."), /var/proc
// to a textual clean-up.

// A fileRule is one entry of the allowlist.
type fileRule struct {
	path  []string // its absolute path, by components (pathComponents)
	root  *os.Root // the folder; for a single file, the file's folder
	file  string   // a single file: its name in root; "" for a whole folder
	write bool     // files may be created and written here (TempDir)
	// luaOnly: only the .lua files right in the folder, no symbolic
	// link, and only for require (a script's modules: scriptdir.go). A
	// student's script may load its helpers; it may not read the text of
	// what lies beside it (a classmate's solution, in a folder a teacher
	// grades), nor its data or subfolders, and a link named x.lua leads
	// nowhere.
	luaOnly bool
	shown   string // how messages name it
}

// pathComponents splits name, made absolute against the working
// directory, into its components, without resolving anything: "." and
// empty components go (they never change what a path names), ".." stays
// for the kernel to resolve.
func pathComponents(name string) []string {
	if !filepath.IsAbs(name) {
		if wd, err := os.Getwd(); err == nil {
			name = wd + string(filepath.Separator) + name
		}
	}
	var comps []string
	for _, c := range strings.Split(name, string(filepath.Separator)) {
		if c != "" && c != "." {
			comps = append(comps, c)
		}
	}
	return comps
}

// openRules opens the allowlist: TempDir (writable) and every path of
// Sandbox.Read.
func (sb *sandboxState) openRules() {
	if sb.tempReal != "" {
		sb.addRule(sb.tempReal, fileRule{write: true, shown: sb.tempDirText()})
	}
	for _, p := range sb.cfg.Read {
		sb.addRule(p, fileRule{shown: p})
	}
}

// allowModules lets require load the .lua files right in dir, a run's
// script's folder (once per folder).
func (sb *sandboxState) allowModules(dir string) {
	comps := pathComponents(dir)
	for _, r := range sb.rules {
		if r.luaOnly && len(r.path) == len(comps) && sameComponents(r.path, comps) {
			return
		}
	}
	sb.addRule(dir, fileRule{luaOnly: true, shown: sb.lang.Sprintf("%s (with require)", filepath.Join(dir, "*.lua"))})
}

// addRule adds path to the allowlist as rule says (write, luaOnly,
// shown): a path that cannot be opened is left out (nothing there can be
// read either). The rule is known by its path as given and, if
// different, by its real path (symbolic links resolved).
func (sb *sandboxState) addRule(path string, rule fileRule) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return
	}
	st, err := os.Stat(real)
	if err != nil {
		return
	}
	dir := real
	if !st.IsDir() {
		dir, rule.file = filepath.Dir(real), filepath.Base(real)
	}
	if rule.root, err = os.OpenRoot(dir); err != nil {
		return
	}
	sb.roots = append(sb.roots, rule.root)
	for _, p := range []string{abs, real} {
		rule.path = pathComponents(p)
		sb.rules = append(sb.rules, rule)
		if real == abs {
			break
		}
	}
	// The longest path first: a file allowed inside TempDir is TempDir's.
	sort.SliceStable(sb.rules, func(i, j int) bool { return len(sb.rules[i].path) > len(sb.rules[j].path) })
}

func (sb *sandboxState) closeRules() {
	for _, r := range sb.roots {
		r.Close()
	}
}

// match finds the rule name falls under: the rule and name's path inside
// its folder ("." for the folder itself). ok false: none.
func (sb *sandboxState) match(name string) (rule *fileRule, rel string, ok bool) {
	comps := pathComponents(name)
	for i := range sb.rules {
		r := &sb.rules[i]
		if len(comps) < len(r.path) || !sameComponents(comps[:len(r.path)], r.path) {
			continue
		}
		rest := comps[len(r.path):]
		if r.luaOnly && (!sb.requiring || len(rest) != 1 || !strings.HasSuffix(rest[0], ".lua")) {
			continue
		}
		if r.file != "" {
			if len(rest) > 0 {
				continue
			}
			return r, r.file, true
		}
		if len(rest) == 0 {
			return r, ".", true
		}
		return r, filepath.Join(rest...), true
	}
	return nil, "", false
}

func sameComponents(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// writes reports whether an open flag writes, creates or truncates.
func writes(flag int) bool {
	return flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0
}

// openFile is lua.Options.OpenFile in a sandbox: name is opened through
// the allowlist's os.Root, or the script gets PermissionError naming the
// path and the rule. Errors of the file system itself (no such file) are
// returned as usual.
func (sb *sandboxState) openFile(L *lua.LState, name string, flag int, perm os.FileMode) (*os.File, error) {
	f, err := sb.open(name, flag, perm)
	var r *refusal
	if errors.As(err, &r) {
		refuse(L, "%s", r.why)
	}
	return f, err
}

// A refusal is the sandbox's: the path is not one the script may use.
type refusal struct{ why string }

func (r *refusal) Error() string { return "sandbox: " + r.why }

// open opens name through the allowlist: a *refusal if the path is not
// in it, else what the file system says.
func (sb *sandboxState) open(name string, flag int, perm os.FileMode) (*os.File, error) {
	verb := "reading"
	if writes(flag) {
		verb = "writing"
	}
	rule, rel, ok := sb.match(name)
	if ok && writes(flag) && !rule.write {
		ok = false
	}
	if !ok {
		return nil, &refusal{sb.outside(verb, name, writes(flag))}
	}
	var module os.FileInfo // a module beside the script, as it is before the open
	if rule.luaOnly {
		// A module, not a link to something else (os.Root follows a link
		// that stays inside the folder: to its data, say).
		st, err := rule.root.Lstat(rel)
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, &refusal{fmt.Sprintf("%s %q refused: ", verb, name) + sb.lang.Sprintf("not a file (a symbolic link?); the modules beside a script must be files")}
		}
		module = st
	}
	f, err := rule.root.OpenFile(rel, flag, perm)
	if err == nil && module != nil {
		if st, serr := f.Stat(); serr != nil || !os.SameFile(st, module) {
			f.Close() // replaced by something else meanwhile
			return nil, &refusal{fmt.Sprintf("%s %q refused: ", verb, name) + sb.lang.Sprintf("it changed while it was opened")}
		}
	}
	if err != nil {
		if escaped(err) {
			return nil, &refusal{fmt.Sprintf("%s %q refused: ", verb, name) + sb.lang.Sprintf("the path leads out of %s (through \"..\" or a symbolic link)", rule.shown)}
		}
		return nil, err
	}
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		f.Close()
		return nil, &refusal{fmt.Sprintf("%s %q refused: ", verb, name) + sb.lang.Sprintf("not a regular file")}
	}
	return f, nil
}

// ReadFile reads a file as the runtime's scripts may: with a sandbox,
// through its allowlist (an error naming the rule for a file outside
// it). A host's helper that reads files for a script (a test runner's
// test.source) reads them this way.
func (rt *Runtime) ReadFile(name string) ([]byte, error) {
	if rt.sandbox == nil {
		return os.ReadFile(name)
	}
	f, err := rt.sandbox.open(name, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// escaped reports whether an os.Root call failed because the path leads
// out of the root: every other failure is the system call's, an Errno.
func escaped(err error) bool {
	var errno syscall.Errno
	return err != nil && !errors.As(err, &errno) && !errors.Is(err, fs.ErrNotExist)
}

// outside says why a path outside the allowlist is refused, naming what
// the script may use.
func (sb *sandboxState) outside(verb, name string, write bool) string {
	if write {
		return fmt.Sprintf("%s %q refused: ", verb, name) + sb.lang.Sprintf("files may be written only inside %s", sb.tempDirText())
	}
	allowed := []string{sb.tempDirText()}
	allowed = append(allowed, sb.cfg.Read...)
	for _, r := range sb.rules {
		if r.luaOnly && !slices.Contains(allowed, r.shown) {
			allowed = append(allowed, r.shown)
		}
	}
	if len(allowed) > 4 {
		allowed = append(allowed[:4], sb.lang.Sprintf("%s more", strconv.Itoa(len(allowed)-4)))
	}
	return fmt.Sprintf("%s %q refused: ", verb, name) + sb.lang.Sprintf("scripts may read only their own files: %s", strings.Join(allowed, ", "))
}

// inTemp resolves a path for os.remove, os.rename and AF_UNIX socket
// files: TempDir's root and the path inside it, or PermissionError.
func (sb *sandboxState) inTemp(L *lua.LState, what, name string) (*os.Root, string) {
	rule, rel, ok := sb.match(name)
	if !ok || !rule.write || rel == "." {
		refuse(L, "%s(%q) refused: %s", what, name, sb.lang.Sprintf("files may be written only inside %s", sb.tempDirText()))
	}
	return rule.root, rel
}

// unixPathRefusal says why an AF_UNIX socket file may not be used, or "":
// it must be inside TempDir. The kernel resolves the path itself when it
// binds or connects, so here ".." is refused outright, and the folder's
// real path must still be inside TempDir.
func (sb *sandboxState) unixPathRefusal(name string) string {
	rule, rel, ok := sb.match(name)
	if ok && rule.write && rel != "." {
		clean := true
		for _, c := range strings.Split(rel, string(filepath.Separator)) {
			if c == ".." {
				clean = false
			}
		}
		if clean {
			if dir, err := filepath.EvalSymlinks(filepath.Dir(filepath.Join(sb.tempReal, rel))); err == nil &&
				(dir == sb.tempReal || strings.HasPrefix(dir, sb.tempReal+string(filepath.Separator))) {
				return ""
			}
		}
	}
	return sb.lang.Sprintf("AF_UNIX socket files must be inside %s", sb.tempDirText())
}

// os.getenv(name) -> value | nil   (sandbox: only TMPDIR, TMP and TEMP, the sandbox's directory)
func (sb *sandboxState) osGetenv(L *lua.LState) int {
	switch L.CheckString(1) {
	case "TMPDIR", "TMP", "TEMP":
		if sb.tempReal != "" {
			L.Push(lua.LString(sb.tempReal))
			return 1
		}
	}
	L.Push(lua.LNil)
	return 1
}

// os.remove(path) -> true | nil, message   (sandbox: only inside the sandbox's directory)
func (sb *sandboxState) osRemove(L *lua.LState) int {
	path := L.CheckString(1)
	root, rel := sb.inTemp(L, "os.remove", path)
	return osResult(L, sb.rootCall(L, "os.remove", path, root.Remove(rel)))
}

// os.rename(from, to) -> true | nil, message   (sandbox: both inside the sandbox's directory)
func (sb *sandboxState) osRename(L *lua.LState) int {
	from, to := L.CheckString(1), L.CheckString(2)
	root, relFrom := sb.inTemp(L, "os.rename", from)
	_, relTo := sb.inTemp(L, "os.rename", to)
	return osResult(L, sb.rootCall(L, "os.rename", from, root.Rename(relFrom, relTo)))
}

// rootCall raises PermissionError if err says the path led out of
// TempDir, and returns err otherwise.
func (sb *sandboxState) rootCall(L *lua.LState, what, name string, err error) error {
	if escaped(err) {
		refuse(L, "%s(%q) refused: %s", what, name, sb.lang.Sprintf("the path leads out of %s (through \"..\" or a symbolic link)", sb.tempDirText()))
	}
	return err
}

func osResult(L *lua.LState, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(lua.LTrue)
	return 1
}

// os.tmpname() -> path   (sandbox: a new empty file in the sandbox's directory)
func (sb *sandboxState) osTmpname(L *lua.LState) int {
	if sb.tempReal == "" {
		refuse(L, "os.tmpname is not allowed: %s", sb.lang.Sprintf("this sandbox has no directory to write in"))
	}
	f, err := os.CreateTemp(sb.tempReal, "lua_")
	if err != nil {
		L.RaiseError("unable to generate a unique filename: %v", err)
	}
	f.Close()
	L.Push(lua.LString(f.Name()))
	return 1
}

// io.tmpfile() -> file   (sandbox: in the sandbox's directory)
func (sb *sandboxState) ioTmpfile(open *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		sb.osTmpname(L)
		name := L.Get(-1)
		L.SetTop(0)
		L.Push(name)
		L.Push(lua.LString("w+"))
		return callOriginal(L, open)
	}
}

// io.lines(path) -> iterator   (sandbox: a path is required: the host's standard input is not the script's)
func (sb *sandboxState) ioLines(lines lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 {
			refuse(L, "io.lines() reads the host's standard input: %s", sb.lang.Text(useInput))
		}
		L.CheckString(1)
		return callOriginal(L, lines)
	}
}

// io.input(path | file) -> file   (sandbox: not the host's standard input)
func (sb *sandboxState) ioInput(input lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.Get(1) == lua.LNil {
			refuse(L, "io.input() is the host's standard input: %s", sb.lang.Text(useInput))
		}
		return callOriginal(L, input)
	}
}

// io.output(path | file) -> file   (sandbox: a path only inside the sandbox's directory; no argument: io.stdout)
func (sb *sandboxState) ioOutput(output lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.Get(1) == lua.LNil {
			// gopher-lua's default output is the host's stdout, which
			// io.close() would close.
			L.Push(L.GetField(L.GetGlobal("io"), "stdout"))
			return 1
		}
		return callOriginal(L, output)
	}
}

// io.close(file?) -> true   (sandbox: without a file, nothing: the default output is not the host's to close)
func (sb *sandboxState) ioClose(closeFn lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 0 {
			L.Push(lua.LTrue)
			return 1
		}
		return callOriginal(L, closeFn)
	}
}

// guardPathArg wraps dofile or loadfile: a path is required (not the
// host's standard input); the file itself is opened through openFile.
func (sb *sandboxState) guardPathArg(name string, fn lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		if _, ok := L.Get(1).(lua.LString); !ok {
			refuse(L, "%s without a file name reads the host's standard input: %s", name, sb.lang.Text(nameAFile))
		}
		return callOriginal(L, fn)
	}
}

// forModule runs f, a step of require's search, with the rules of the
// modules beside a script in force; a raise inside f ends them too.
func (sb *sandboxState) forModule(f func()) {
	sb.requiring = true
	defer func() { sb.requiring = false }()
	f()
}

// luaSearcher is require's searcher for Lua files (package.loaders[2]),
// as gopher-lua's, but it looks only where the script may read: a
// candidate outside the allowlist counts as no file.
func (sb *sandboxState) luaSearcher(L *lua.LState) int {
	name := L.CheckString(1)
	path := lua.LVAsString(L.GetField(L.GetField(L.Get(lua.EnvironIndex), "package"), "path"))
	var tried []string
	for _, pat := range strings.Split(path, ";") {
		if pat == "" {
			continue
		}
		file := strings.ReplaceAll(pat, "?", strings.ReplaceAll(name, ".", string(filepath.Separator)))
		var rule *fileRule
		var rel string
		var ok bool
		sb.forModule(func() { rule, rel, ok = sb.match(file) })
		if !ok {
			tried = append(tried, "\n\tno file '"+file+"' (the sandbox reads only the script's own files)")
			continue
		}
		stat := rule.root.Stat
		if rule.luaOnly {
			stat = rule.root.Lstat // a link is no module (open refuses it)
		}
		if st, err := stat(rel); err != nil || !st.Mode().IsRegular() {
			tried = append(tried, "\n\tno file '"+file+"'")
			continue
		}
		var fn *lua.LFunction
		var err error
		sb.forModule(func() { fn, err = L.LoadFile(file) }) // through openFile
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(strings.Join(tried, "")))
	return 1
}
