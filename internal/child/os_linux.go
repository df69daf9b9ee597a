package child

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"

	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// The Linux layers: process groups and rlimits (os_unix.go), dying with
// the parent, Landlock, network namespaces.

// Supported reports whether children can be started here with their
// operating-system limits.
const Supported = true

// addressSpaceLimit: the memory limit is RLIMIT_AS, from the address
// space the child had once started (/proc/self/status).
const addressSpaceLimit = true

// limitsLayer names the resource limits in Layers.String.
const limitsLayer = "rlimits"

func sysProcAttr(su setup) *syscall.SysProcAttr {
	// If the parent dies (crashes, is killed), the child dies with it.
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	// A child leads a group of its own, which its parent kills as a
	// whole; a child's own children stay in that group.
	attr.Setpgid = !su.Nested
	if su.NetNS {
		attr.Cloneflags = netnsFlags()
		if attr.Cloneflags&syscall.CLONE_NEWUSER != 0 {
			// Root inside the new user namespace, itself outside: root's
			// capabilities there are what bringing loopback up needs.
			attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
			attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
		}
	}
	return attr
}

// netns records whether this process may create network namespaces:
// unknown until a child has tried.
var netns struct {
	sync.Mutex
	err error // why not
}

// netnsFlags are the clone flags of a child in a network namespace of its
// own: root creates one; another user creates a user namespace for it.
// 0 when an earlier try showed neither works here.
func netnsFlags() uintptr {
	netns.Lock()
	defer netns.Unlock()
	if netns.err != nil {
		return 0
	}
	if os.Geteuid() == 0 {
		return syscall.CLONE_NEWNET
	}
	return syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET
}

func noNetNS(err error) {
	netns.Lock()
	defer netns.Unlock()
	netns.err = err
}

// NetNSError says why children get no network namespace of their own
// (nil: they do, or none was asked for yet).
func NetNSError() error {
	netns.Lock()
	defer netns.Unlock()
	return netns.err
}

func isNamespaceError(err error) bool {
	for _, e := range []error{syscall.EPERM, syscall.EINVAL, syscall.ENOSPC, syscall.EUSERS, syscall.EACCES} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// loopbackUp brings up "lo", down in a new network namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// addressSpace is the process's mapped address space now (VmSize).
func addressSpace() (uint64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmSize in /proc/self/status")
}

// LandlockABI is the Landlock ABI version of this kernel; 0 without
// Landlock.
func LandlockABI() int {
	v, err := llsys.LandlockGetABIVersion()
	if err != nil {
		return 0
	}
	return v
}

// systemLibraries are what the dynamic loader reads to start this
// program.
var systemLibraries = []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache"}

// handledFS are the file-system access rights Landlock ABI abi knows:
// all of them are restricted, what is allowed is what the rules grant.
func handledFS(abi int) uint64 {
	switch {
	case abi >= 9:
		return 1<<17 - 1 // + connecting to pathname Unix sockets
	case abi >= 5:
		return 1<<16 - 1 // + ioctl on devices
	case abi >= 3:
		return 1<<15 - 1 // + truncate
	case abi == 2:
		return 1<<14 - 1 // + refer (rename and link across folders)
	case abi == 1:
		return 1<<13 - 1
	}
	return 0
}

// fileRights are the rights that apply to a file (the others are a
// folder's: listing it, creating and removing in it).
const fileRights = llsys.AccessFSExecute | llsys.AccessFSWriteFile | llsys.AccessFSReadFile |
	llsys.AccessFSTruncate | llsys.AccessFSIoctlDev

// restrictThread restricts the calling OS thread (and what it executes)
// to the allowlist a, as far as Landlock ABI abi allows: files by a's
// rules, abstract Unix sockets and signals scoped to its own domain
// (ABI 6). The network is left alone: loopback is the namespace's and
// the in-process policy's.
//
// One thread, then execve: the new program's every thread descends from
// this one. (Restricting a running Go program's every thread needs libpsx,
// which reads /proc/PID/task, and a child's child cannot: its parent's
// domain hides /proc.)
func restrictThread(a Access, abi int, exe string) error {
	const (
		read    = llsys.AccessFSReadFile | llsys.AccessFSReadDir
		execute = llsys.AccessFSExecute
	)
	handled := handledFS(abi)
	attr := llsys.RulesetAttr{HandledAccessFS: handled}
	if abi >= 6 {
		attr.Scoped = llsys.ScopeAbstractUnixSocket | llsys.ScopeSignal
	}
	ruleset, err := llsys.LandlockCreateRuleset(&attr, 0)
	if err != nil {
		return fmt.Errorf("creating a ruleset: %v", err)
	}
	defer unix.Close(ruleset)
	allow := func(path string, rights uint64) error {
		fd, err := unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			if errors.Is(err, unix.ENOENT) {
				return nil // nothing there to allow
			}
			return fmt.Errorf("%s: %v", path, err)
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			rights &= fileRights
		}
		rights &= handled
		if rights == 0 {
			return nil
		}
		if err := llsys.LandlockAddPathBeneathRule(ruleset, &llsys.PathBeneathAttr{AllowedAccess: rights, ParentFd: fd}, 0); err != nil {
			return fmt.Errorf("allowing %s: %v", path, err)
		}
		return nil
	}
	var rules []func() error
	add := func(paths []string, rights uint64) {
		for _, p := range paths {
			rules = append(rules, func() error { return allow(p, rights) })
		}
	}
	add(a.Read, read)
	// The folder of a file it may read may be listed, not read: the
	// in-process allowlist opens the file through an os.Root of its
	// folder.
	for _, p := range a.Read {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			add([]string{filepath.Dir(p)}, llsys.AccessFSReadDir)
		}
	}
	// Its folder: everything but running programs and device ioctls.
	add(a.Write, handled&^(execute|llsys.AccessFSIoctlDev))
	// This program, to start again confined (and start children), and
	// what the dynamic loader reads for it. (execve opens the file for
	// reading too: it stays readable. It holds nothing secret: no
	// solutions are embedded in it.)
	add([]string{exe}, execute|llsys.AccessFSReadFile)
	add(systemLibraries, read|execute)
	// Standard streams may be /dev/null; the local time zone is no secret.
	add([]string{"/dev/null"}, llsys.AccessFSReadFile|llsys.AccessFSWriteFile)
	add([]string{"/etc/localtime"}, llsys.AccessFSReadFile)
	for _, r := range rules {
		if err := r(); err != nil {
			return err
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("no_new_privs: %v", err)
	}
	if err := llsys.LandlockRestrictSelf(ruleset, 0); err != nil {
		return fmt.Errorf("restrict_self: %v", err)
	}
	return nil
}

// reexecConfined restricts this thread to su.Access and starts this
// program again on it, with su (marked Landlocked) as its setup: the
// new program runs confined from its first instruction. It returns only
// on failure; without Landlock in the kernel it returns nil at once.
func reexecConfined(su *setup) error {
	abi := LandlockABI()
	if abi == 0 {
		return nil
	}
	// The new program could not read /proc to measure itself.
	if su.Limits.Memory > 0 && su.BaseAS == 0 {
		if base, err := addressSpace(); err == nil {
			su.BaseAS = base
		}
	}
	runtime.LockOSThread() // for good: this thread becomes the new program
	if err := restrictThread(*su.Access, abi, su.Exe); err != nil {
		return err
	}
	su.Landlocked, su.LandlockABI = true, abi
	data, err := json.Marshal(su)
	if err != nil {
		return err
	}
	fd, err := unix.MemfdCreate("sockplay-setup", 0)
	if err != nil {
		return err
	}
	if _, err := unix.Pwrite(fd, data, 0); err != nil {
		return err
	}
	if fd != 3 { // fd 3 is free: the setup read from it is closed
		if err := unix.Dup3(fd, 3, 0); err != nil {
			return err
		}
	}
	if _, err := unix.FcntlInt(4, unix.F_SETFD, 0); err != nil {
		return err
	}
	return syscall.Exec(su.Exe, os.Args, os.Environ())
}
