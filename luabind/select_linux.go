package luabind

import (
	"errors"
	"os"
	"time"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// select's system calls: poll(2) for readiness now, an epoll descriptor
// on Go's poller for the wait.

// pollNow checks readiness without waiting.
func pollNow(fds []unix.PollFd) (int, error) {
	for {
		n, err := unix.Poll(fds, 0)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// waitAny waits until one of fds is ready, timeout passes (< 0: no limit),
// one of sw's sockets is closed, or the task is cancelled, with the
// runtime lock released. The wait is on a fresh epoll descriptor,
// level-triggered, which Go's netpoller watches. Descriptors below 0 are
// left out (poll(2) skips them too).
func (rt *Runtime) waitAny(L *lua.LState, fds []unix.PollFd, timeout time.Duration, sw *selectWait) error {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return err
	}
	if err := unix.SetNonblock(epfd, true); err != nil {
		unix.Close(epfd)
		return err
	}
	ep := os.NewFile(uintptr(epfd), "epoll")
	defer ep.Close()
	// One registration per descriptor, for the union of what it is
	// watched for (it may be in several lists).
	want := make(map[int32]uint32, len(fds))
	for _, p := range fds {
		if p.Fd < 0 {
			continue
		}
		if p.Events&unix.POLLIN != 0 {
			want[p.Fd] |= unix.EPOLLIN
		}
		if p.Events&unix.POLLOUT != 0 {
			want[p.Fd] |= unix.EPOLLOUT
		}
		if p.Events&unix.POLLPRI != 0 {
			want[p.Fd] |= unix.EPOLLPRI
		}
	}
	for fd, events := range want {
		ev := unix.EpollEvent{Fd: fd, Events: events}
		if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, int(fd), &ev); err != nil {
			return err
		}
	}
	rc, err := ep.SyscallConn()
	if err != nil {
		return err
	}
	if timeout > 0 {
		ep.SetReadDeadline(time.Now().Add(timeout))
	}
	t := rt.currentTask(L)
	wake := func() { ep.SetReadDeadline(pastDeadline) }
	if !t.setWake(wake) {
		return t.ctx.Err()
	}
	sw.wake = wake
	events := make([]unix.EpollEvent, 1)
	rt.unlocked(t, func() {
		err = rc.Read(func(uintptr) bool {
			n, e := unix.EpollWait(epfd, events, 0)
			return e == nil && n > 0 || e != nil && e != unix.EINTR
		})
	})
	sw.wake = nil
	t.clearWake()
	if t.ctx.Err() != nil {
		return t.ctx.Err()
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil // the timeout passed, or a close woke it: the caller polls once more
	}
	return err
}
