package ui

import "golang.org/x/sys/unix"

// peerUID is the user of the socket's peer (SO_PEERCRED); -1 unknown.
func peerUID(fd int) int {
	if cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED); err == nil {
		return int(cred.Uid)
	}
	return -1
}
