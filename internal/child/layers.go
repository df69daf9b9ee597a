package child

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"github.com/sockplay/sockplay/internal/i18n"
)

// Layers are what confines a child on this machine, as a probe child
// found them.
type Layers struct {
	// Limits are the resource limits set. AddressSpace: the memory limit
	// holds as RLIMIT_AS (Linux, not under the race detector), or as the
	// job's committed memory (Windows).
	Limits       Limits
	AddressSpace bool
	// LandlockABI is the Landlock ABI the child restricted itself with;
	// 0: none (no Landlock in this kernel).
	LandlockABI int
	// NetNS: the child ran in a network namespace of its own;
	// NetNSError says why not.
	NetNS      bool
	NetNSError string
}

// memoryLimited: Limits.Memory holds here (an rlimit not under the race
// detector, whose shadow memory it would count; a job's committed
// memory on Windows).
const memoryLimited = addressSpaceLimit && !raceDetector || runtime.GOOS == "windows"

// filesLimited: Limits.Files and FileSize hold here (rlimits; Windows has
// neither).
const filesLimited = runtime.GOOS != "windows"

type probeReport struct {
	NetNS       bool
	LandlockABI int
}

// probeRole is the built-in role of Probe's child.
func probeRole(json.RawMessage) (any, int) {
	return probeReport{NetNS: inChild.NetNS, LandlockABI: inChild.LandlockABI}, 0
}

// Probe starts a child with limits l, a Landlock allowlist and a network
// namespace, and reports which of them it got.
func Probe(l Limits) (Layers, error) {
	dir, err := os.MkdirTemp("", "sockplay-probe-")
	if err != nil {
		return Layers{}, err
	}
	defer os.RemoveAll(dir)
	p, err := Start(Spec{Role: "probe", Limits: l, Access: &Access{Write: []string{dir}}, NetNS: true})
	if err != nil {
		return Layers{}, err
	}
	out := p.Wait()
	var r probeReport
	if err := json.Unmarshal(out.Report, &r); err != nil {
		return Layers{}, fmt.Errorf("the probe child %s", out.Reason)
	}
	ls := Layers{Limits: l, AddressSpace: l.Memory > 0 && memoryLimited, LandlockABI: r.LandlockABI, NetNS: r.NetNS}
	if err := NetNSError(); err != nil {
		ls.NetNSError = err.Error()
	}
	return ls, nil
}

// String lists the layers in English.
func (ls Layers) String() string { return ls.In(i18n.English) }

// In lists the layers in l, as `sockplay test -v` prints them: the
// mechanisms' own names (rlimits, Landlock) as they are. Numbers are
// formatted before the printer sees them, which would group their digits.
func (ls Layers) In(l i18n.Lang) string {
	var limits []string
	lim := ls.Limits
	switch {
	case ls.AddressSpace && runtime.GOOS == "windows":
		limits = append(limits, l.Sprintf("committed memory %s", Size(lim.Memory)))
	case ls.AddressSpace:
		limits = append(limits, l.Sprintf("memory %s", Size(lim.Memory)))
	case lim.Memory > 0 && runtime.GOOS == "darwin":
		limits = append(limits, l.Sprintf("memory: the Go runtime's soft limit only (macOS does not enforce RLIMIT_AS)"))
	case lim.Memory > 0:
		limits = append(limits, l.Sprintf("memory: none under the race detector"))
	}
	cpu := cpuSeconds(lim.CPU).String()
	switch {
	case lim.CPU > 0 && runtime.GOOS == "windows":
		limits = append(limits, l.Sprintf("CPU %s of user time", cpu))
	case lim.CPU > 0:
		limits = append(limits, l.Sprintf("CPU %s", cpu))
	}
	if lim.Files > 0 && filesLimited {
		files := strconv.Itoa(lim.Files)
		limits = append(limits, l.Sprintf("%s open files", files))
	}
	if lim.FileSize > 0 && filesLimited {
		limits = append(limits, l.Sprintf("files up to %s", Size(lim.FileSize)))
	}
	if (lim.Files > 0 || lim.FileSize > 0) && !filesLimited {
		limits = append(limits, l.Sprintf("no limit on files (none on Windows)"))
	}
	if lim.Wall > 0 {
		kill := (lim.Wall + Grace).String()
		limits = append(limits, l.Sprintf("killed after %s", kill))
	}
	layer, list := limitsLayer, joinIn(l, limits)
	parts := []string{l.Sprintf("child process"), l.Sprintf("%s (%s)", layer, list)}
	switch {
	case ls.LandlockABI > 0:
		abi := strconv.Itoa(ls.LandlockABI)
		parts = append(parts, l.Sprintf("Landlock ABI %s", abi))
	case runtime.GOOS == "linux":
		parts = append(parts, l.Sprintf("no Landlock (not in this kernel)"))
	default:
		parts = append(parts, l.Sprintf("no Landlock (Linux only)"))
	}
	switch {
	case ls.NetNS:
		parts = append(parts, l.Sprintf("netns (loopback only)"))
	case ls.NetNSError != "":
		why := ls.NetNSError
		parts = append(parts, l.Sprintf("no netns (%s)", why))
	default:
		parts = append(parts, l.Sprintf("no netns"))
	}
	return joinIn(l, append(parts, l.Sprintf("in-process policy")))
}

// joinIn lists items as l separates them (", " or "，").
func joinIn(l i18n.Lang, items []string) string {
	if len(items) == 0 {
		return ""
	}
	list := items[0]
	for _, item := range items[1:] {
		list = l.Sprintf("%s, %s", list, item)
	}
	return list
}
