//go:build !linux

package sys

import "golang.org/x/sys/unix"

// ConnectDgram connects datagram socket fd to sa, an address from
// [Sockaddr]. Here it is the ordinary unix.Connect, with EINTR retried.
func ConnectDgram(fd int, sa unix.Sockaddr) error {
	for {
		if err := unix.Connect(fd, sa); err != unix.EINTR {
			return err
		}
	}
}
