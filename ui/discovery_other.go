//go:build !linux && !darwin

package ui

import (
	"io/fs"
	"net"
)

// On Windows the discovery folder is in the user's own temporary folder
// (%TEMP%, under the user's profile), whose access list keeps other
// users out; file modes and socket credentials say nothing there, so
// the view rests on that folder alone: a weaker guard than on Linux and
// macOS.

func ownedAlone(fs.FileInfo) bool { return true }

func samePeer(*net.UnixConn) bool { return true }
