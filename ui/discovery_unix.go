//go:build linux || darwin

package ui

import (
	"io/fs"
	"net"
	"os"
	"syscall"
)

// ownedAlone reports whether the folder st is this user's, with no
// permission for anyone else.
func ownedAlone(st fs.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(sys.Uid) == os.Getuid() && st.Mode().Perm()&0o077 == 0
}

// samePeer reports whether the process at the other end of c runs as
// this user.
func samePeer(c *net.UnixConn) bool {
	rc, err := c.SyscallConn()
	if err != nil {
		return false
	}
	uid := -1
	rc.Control(func(fd uintptr) { uid = peerUID(int(fd)) })
	return uid == os.Getuid()
}
