//go:build linux || freebsd || netbsd || dragonfly

package sys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// zero is what a call given an empty buffer points at: the kernel needs a
// valid address even for zero bytes.
var zero uintptr

// bufPtr is the address the kernel is given for p: &zero for an empty p.
func bufPtr(p []byte) unsafe.Pointer {
	if len(p) > 0 {
		return unsafe.Pointer(&p[0])
	}
	return unsafe.Pointer(&zero)
}

// Read is read(2) on a non-blocking descriptor; see rawio.go. It returns
// the raw [syscall.Errno] of a failure, EINTR included.
func Read(fd int, p []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// Write is write(2) on a non-blocking descriptor; see rawio.go.
func Write(fd int, p []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(bufPtr(p)), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// Writev is writev(2) of the slices of iov on a non-blocking descriptor;
// see rawio.go. At most [MaxWritev] slices are passed, so the caller
// should offer no more. The Iovecs it builds are reused from call to call
// and cleared after each, so they keep no buffer alive.
func (v *Iovecs) Writev(fd int, iov [][]byte) (int, error) {
	vec := v.fill(iov)
	var p0 unsafe.Pointer
	if len(vec) > 0 {
		p0 = unsafe.Pointer(&vec[0])
	} else {
		p0 = unsafe.Pointer(&zero)
	}
	n, _, e := unix.RawSyscall(unix.SYS_WRITEV, uintptr(fd), uintptr(p0), uintptr(len(vec)))
	v.release(vec)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// fill builds the iovec array of at most MaxWritev slices of iov.
func (v *Iovecs) fill(iov [][]byte) []unix.Iovec {
	iov = iov[:min(len(iov), MaxWritev)]
	vec := v.v[:0]
	for _, p := range iov {
		var e unix.Iovec
		e.Base = (*byte)(bufPtr(p))
		e.SetLen(len(p))
		vec = append(vec, e)
	}
	return vec
}

// release clears vec, so that it keeps no buffer alive, and keeps it for
// the next call.
func (v *Iovecs) release(vec []unix.Iovec) {
	clear(vec)
	v.v = vec[:0]
}
