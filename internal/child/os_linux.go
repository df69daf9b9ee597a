package child

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/landlock-lsm/go-landlock/landlock"
	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
	"golang.org/x/sys/unix"
)

// The Linux layers: process groups, rlimits, Landlock, network
// namespaces.

// Supported reports whether children can be started here with their
// operating-system limits.
const Supported = true

func closeOnExec(fd int) { syscall.CloseOnExec(fd) }

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

func killTree(pid int, group bool) {
	if group {
		syscall.Kill(-pid, syscall.SIGKILL)
	} else {
		syscall.Kill(pid, syscall.SIGKILL)
	}
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

// setLimits sets the child's own resource limits, soft and hard: it
// cannot raise them again (unless it runs as root: run graders as a user).
func setLimits(l Limits) error {
	set := func(what int, n uint64, max uint64) error {
		return syscall.Setrlimit(what, &syscall.Rlimit{Cur: n, Max: max})
	}
	if l.Memory > 0 && !raceDetector {
		// The Go runtime reserves address space it never touches (a
		// gigabyte or so for its heap's indexes): the limit is on what
		// comes beyond that.
		base, err := addressSpace()
		if err != nil {
			return err
		}
		if err := set(syscall.RLIMIT_AS, base+uint64(l.Memory), base+uint64(l.Memory)); err != nil {
			return fmt.Errorf("address space: %v", err)
		}
	}
	if l.CPU > 0 {
		s := uint64(cpuSeconds(l.CPU).Seconds())
		// SIGXCPU at the soft limit (Go ignores it), SIGKILL a second on.
		if err := set(syscall.RLIMIT_CPU, s, s+1); err != nil {
			return fmt.Errorf("CPU time: %v", err)
		}
	}
	if l.Files > 0 {
		if err := set(syscall.RLIMIT_NOFILE, uint64(l.Files), uint64(l.Files)); err != nil {
			return fmt.Errorf("open files: %v", err)
		}
	}
	if l.FileSize > 0 {
		if err := set(syscall.RLIMIT_FSIZE, uint64(l.FileSize), uint64(l.FileSize)); err != nil {
			return fmt.Errorf("file size: %v", err)
		}
	}
	return nil
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
// program again: a child that starts children needs them.
var systemLibraries = []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64", "/etc/ld.so.cache"}

// restrictFiles applies the Landlock allowlist to the whole process (all
// its threads), best effort: the strongest the kernel offers, nothing on
// a kernel without Landlock. The network is left alone (loopback is the
// namespace's and the in-process policy's), abstract Unix sockets and
// signals are scoped to the child's own domain.
func restrictFiles(a Access) error {
	const (
		readFile = llsys.AccessFSReadFile
		readDir  = llsys.AccessFSReadDir
		execute  = llsys.AccessFSExecute
	)
	var rules []landlock.Rule
	for _, p := range a.Read {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			rules = append(rules, landlock.PathAccess(readFile|readDir, p))
		} else if err == nil {
			rules = append(rules, landlock.PathAccess(readFile, p))
		}
	}
	for _, p := range a.Write {
		rules = append(rules, landlock.RWDirs(p).WithRefer().WithResolveUnix())
	}
	for _, p := range a.Exec {
		rules = append(rules, landlock.PathAccess(execute|readFile, p))
	}
	if len(a.Exec) > 0 {
		for _, p := range systemLibraries {
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				rules = append(rules, landlock.RODirs(p))
			} else if err == nil {
				rules = append(rules, landlock.ROFiles(p))
			}
		}
	}
	// Standard streams may be /dev/null.
	rules = append(rules, landlock.PathAccess(readFile|llsys.AccessFSWriteFile, "/dev/null").IgnoreIfMissing())
	cfg := landlock.Config{
		HandledAccessFS: landlock.V11.HandledAccessFS,
		Scoped:          landlock.V11.Scoped,
	}
	return cfg.BestEffort().DisableLoggingForOriginatingProcess().Restrict(rules...)
}
