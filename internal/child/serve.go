package child

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
)

// childArg is the hidden first argument that makes a program a child.
const childArg = "__child"

// A Role is what a child runs: it reads its payload, does its work and
// returns what the parent's Outcome.Report will hold (marshalled as
// JSON) and the child's exit status.
type Role func(payload json.RawMessage) (report any, status int)

// inChild is this process's setup when it is a child (Role "" if not).
var inChild setup

// InChild reports whether this process is a child started by Start.
func InChild() bool { return inChild.Role != "" }

func inChildNested() bool { return inChild.Nested }

// Serve makes this process a child if it was started as one: it reads
// its setup, applies the limits, the network namespace's loopback and
// the Landlock allowlist, runs the role and exits with its status. In
// any other process it returns at once. Call it first thing in main, and
// in TestMain for a test binary whose tests start children.
func Serve(roles map[string]Role) {
	if len(os.Args) < 3 || os.Args[1] != childArg {
		return
	}
	setupFile, report := childFiles()
	if setupFile == nil || report == nil {
		fmt.Fprintln(os.Stderr, "sockplay: __child is for sockplay's own use")
		os.Exit(2)
	}
	var su setup
	err := json.NewDecoder(setupFile).Decode(&su)
	setupFile.Close()
	if err != nil {
		fail("reading its setup: %v", err)
	}
	if su.Access != nil && !su.Landlocked {
		if err := reexecConfined(&su); err != nil {
			fail("restricting its files (Landlock): %v", err)
		}
	}
	// Not inherited by this child's own children.
	keepFromChildren(report)
	role, ok := roles[su.Role]
	if su.Role == "probe" {
		role, ok = probeRole, true
	}
	if !ok {
		fail("no role %q in this program", su.Role)
	}
	if err := confine(&su); err != nil {
		fail("%v", err)
	}
	inChild = su
	result, status := role(su.Payload)
	if result != nil {
		json.NewEncoder(report).Encode(result)
	}
	report.Close()
	exit(status)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "sockplay child: "+format+"\n", args...)
	os.Exit(3)
}

// confine applies a child's other layers to itself (Landlock is on
// already: reexecConfined), before any untrusted code runs: loopback up in
// its network namespace, the Go runtime's memory target, the resource
// limits.
func confine(su *setup) error {
	if su.NetNS {
		if err := loopbackUp(); err != nil {
			return fmt.Errorf("bringing up loopback in its network namespace: %v", err)
		}
	}
	if m := su.Limits.Memory; m > 0 {
		debug.SetMemoryLimit(m * 3 / 4)
	}
	if err := setLimits(su); err != nil {
		return fmt.Errorf("setting its limits: %v", err)
	}
	return nil
}

// executable is the program to run as a child: this one.
func executable() (string, error) {
	if inChild.Exe != "" {
		return inChild.Exe, nil
	}
	return os.Executable()
}
