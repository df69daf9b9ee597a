package child

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
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

// String lists the layers, as `sockplay test -v` prints them.
func (ls Layers) String() string {
	var limits []string
	l := ls.Limits
	switch {
	case ls.AddressSpace && runtime.GOOS == "windows":
		limits = append(limits, "committed memory "+Size(l.Memory))
	case ls.AddressSpace:
		limits = append(limits, "memory "+Size(l.Memory))
	case l.Memory > 0 && runtime.GOOS == "darwin":
		limits = append(limits, "memory: the Go runtime's soft limit only (macOS does not enforce RLIMIT_AS)")
	case l.Memory > 0:
		limits = append(limits, "memory: none under the race detector")
	}
	switch {
	case l.CPU > 0 && runtime.GOOS == "windows":
		limits = append(limits, fmt.Sprintf("CPU %v of user time", cpuSeconds(l.CPU)))
	case l.CPU > 0:
		limits = append(limits, fmt.Sprintf("CPU %v", cpuSeconds(l.CPU)))
	}
	if l.Files > 0 && filesLimited {
		limits = append(limits, fmt.Sprintf("%d open files", l.Files))
	}
	if l.FileSize > 0 && filesLimited {
		limits = append(limits, "files up to "+Size(l.FileSize))
	}
	if (l.Files > 0 || l.FileSize > 0) && !filesLimited {
		limits = append(limits, "no limit on files (none on Windows)")
	}
	if l.Wall > 0 {
		limits = append(limits, fmt.Sprintf("killed after %v", l.Wall+Grace))
	}
	parts := []string{"child process", limitsLayer + " (" + strings.Join(limits, ", ") + ")"}
	switch {
	case ls.LandlockABI > 0:
		parts = append(parts, fmt.Sprintf("Landlock ABI %d", ls.LandlockABI))
	case runtime.GOOS == "linux":
		parts = append(parts, "no Landlock (not in this kernel)")
	default:
		parts = append(parts, "no Landlock (Linux only)")
	}
	switch {
	case ls.NetNS:
		parts = append(parts, "netns (loopback only)")
	case ls.NetNSError != "":
		parts = append(parts, "no netns ("+ls.NetNSError+")")
	default:
		parts = append(parts, "no netns")
	}
	return strings.Join(append(parts, "in-process policy"), ", ")
}
