package ui

import "golang.org/x/sys/unix"

// peerUID is the user of the socket's peer (LOCAL_PEERCRED); -1 unknown.
func peerUID(fd int) int {
	if cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED); err == nil {
		return int(cred.Uid)
	}
	return -1
}
