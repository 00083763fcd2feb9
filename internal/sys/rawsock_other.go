//go:build !linux || 386 || s390x

package sys

// Where socket calls are not direct system calls everywhere Go runs
// (linux/386 and linux/s390x before Linux 4.3 multiplex them through
// socketcall) or where recv and send gain nothing over read and write, the
// socket calls are the file calls.

// Recv reads from a non-blocking connected stream socket; see [Read].
func Recv(fd int, p []byte) (int, error) { return Read(fd, p) }

// Send writes to a non-blocking connected stream socket; see [Write].
func Send(fd int, p []byte) (int, error) { return Write(fd, p) }

// Sendmsg writes the slices of iov to a non-blocking connected stream
// socket; see [Iovecs.Writev].
func (v *Iovecs) Sendmsg(fd int, iov [][]byte) (int, error) { return v.Writev(fd, iov) }
