package luabind

import (
	"errors"
	"os"
	"time"
	"unsafe"

	lua "github.com/sockplay/sockplay/lua"
	"golang.org/x/sys/unix"
)

// select's system calls on Linux: poll(2) for readiness now, an epoll
// descriptor on Go's poller for the wait.

// pollFds is fds as poll(2)'s structs: pollFd has their layout, and the
// bsd.POLL* bits are Linux's.
func pollFds(fds []pollFd) []unix.PollFd {
	if len(fds) == 0 {
		return nil
	}
	return unsafe.Slice((*unix.PollFd)(unsafe.Pointer(&fds[0])), len(fds))
}

// pollNow checks readiness without waiting.
func (linuxBackend) pollNow(_ *Runtime, fds []pollFd, _ []*Socket) (int, error) {
	for {
		n, err := unix.Poll(pollFds(fds), 0)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// waitAny waits on a fresh epoll descriptor, level-triggered, which Go's
// netpoller watches. Descriptors below 0 are left out (poll(2) skips them
// too).
func (linuxBackend) waitAny(L *lua.LState, rt *Runtime, fds []pollFd, _ []*Socket, timeout time.Duration, sw *selectWait) error {
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
		return nil // the timeout passed, or a close woke it: the caller polls again
	}
	return err
}

// waitOne waits through the socket's own wait (linuxFD.wait: the runtime
// lock released, the task's interrupt, other tasks' interrupts told
// apart), with a readiness check in place of the system call.
func (linuxBackend) waitOne(L *lua.LState, t *task, s *Socket, p *pollFd, wait time.Duration) (int, error) {
	probe := func(fd uintptr) bool {
		q := [1]unix.PollFd{{Fd: int32(fd), Events: p.Events}}
		for {
			n, err := unix.Poll(q[:], 0)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n > 0 {
				p.Revents = q[0].Revents
				if err != nil {
					p.Revents = unix.POLLERR
				}
				return true
			}
			return false
		}
	}
	fd := s.sys.(*linuxFD)
	savedIO, savedCtl := t.ioFn, t.ctlFn
	t.io.start(ioRead, nil, 0, 0) // no buffer: wait's read-buffer steps do nothing
	t.ioFn = probe
	t.ctlFn = func(fd uintptr) { t.io.done = probe(fd) }
	err := fd.wait(L, t, p.Events == unix.POLLOUT, wait)
	t.ioFn, t.ctlFn = savedIO, savedCtl
	switch {
	case err == nil:
		return 1, nil
	case errors.Is(err, os.ErrDeadlineExceeded), err == unix.EAGAIN:
		return 0, nil
	}
	return 0, err
}
