//go:build darwin || linux || openbsd

package loop

import "golang.org/x/sys/unix"

// writevFd writes the slices of iov with one system call.
func writevFd(fd int, iov [][]byte) (int, error) { return unix.Writev(fd, iov) }
