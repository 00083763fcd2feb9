//go:build linux || freebsd || dragonfly

package sys

import (
	"golang.org/x/sys/unix"
)

// Socket creates a non-blocking, close-on-exec socket in one system call.
func Socket(family, sotype, proto int) (int, error) {
	for {
		fd, err := unix.Socket(family, sotype|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, proto)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// Accept takes one connection from listening socket fd and returns it
// non-blocking and close-on-exec (accept4), with the peer's address. It
// returns EAGAIN when none is pending. EINTR is retried.
func Accept(fd int) (int, unix.Sockaddr, error) {
	for {
		nfd, sa, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != unix.EINTR {
			return nfd, sa, err
		}
	}
}
