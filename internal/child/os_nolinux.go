//go:build !linux

package child

import "errors"

// Landlock and network namespaces are Linux's: elsewhere a child has
// neither, and Layers says so.

var errLinuxOnly = errors.New("Linux only")

func netnsFlags() uintptr         { return 0 }
func noNetNS(error)               {}
func NetNSError() error           { return errLinuxOnly }
func isNamespaceError(error) bool { return false }
func loopbackUp() error           { return nil }
func LandlockABI() int            { return 0 }
func reexecConfined(*setup) error { return nil }
