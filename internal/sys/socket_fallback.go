//go:build darwin || netbsd || openbsd

package sys

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Socket creates a non-blocking, close-on-exec socket. This system has no
// SOCK_NONBLOCK/SOCK_CLOEXEC flags, so the flags are set after socket(2),
// under syscall.ForkLock so that no child started meanwhile inherits the
// descriptor (the os/exec convention).
func Socket(family, sotype, proto int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, sotype, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// Accept takes one connection from listening socket fd and returns it
// non-blocking and close-on-exec, with the peer's address. This system has
// no accept4, so the flags are set after accept(2) as in [Socket]. It
// returns EAGAIN when none is pending. EINTR is retried.
func Accept(fd int) (int, unix.Sockaddr, error) {
	for {
		syscall.ForkLock.RLock()
		nfd, sa, err := unix.Accept(fd)
		if err == nil {
			unix.CloseOnExec(nfd)
		}
		syscall.ForkLock.RUnlock()
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return -1, nil, err
		}
		if err := unix.SetNonblock(nfd, true); err != nil {
			unix.Close(nfd)
			return -1, nil, err
		}
		return nfd, sa, nil
	}
}
