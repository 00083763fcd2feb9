//go:build darwin || openbsd

package sys

import "golang.org/x/sys/unix"

// On macOS and OpenBSD, programs must make system calls through libc
// (OpenBSD enforces it with pinsyscalls), and golang.org/x/sys/unix does;
// these are its ordinary calls, with the scheduler's hooks.

// Read is read(2) on a non-blocking descriptor; see rawio.go.
func Read(fd int, p []byte) (int, error) { return unix.Read(fd, p) }

// Write is write(2) on a non-blocking descriptor; see rawio.go.
func Write(fd int, p []byte) (int, error) { return unix.Write(fd, p) }

// Writev is writev(2) of the slices of iov, at most [MaxWritev] of them;
// see rawio.go.
func (v *Iovecs) Writev(fd int, iov [][]byte) (int, error) {
	return unix.Writev(fd, iov[:min(len(iov), MaxWritev)])
}
