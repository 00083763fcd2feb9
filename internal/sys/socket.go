package sys

import (
	"golang.org/x/sys/unix"
)

// SocketError returns the pending error of socket fd (getsockopt SO_ERROR),
// which also clears it: nil when there is none, else the [syscall.Errno].
// After a non-blocking connect reports writable, this is the outcome of the
// connection attempt.
func SocketError(fd int) error {
	v, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return err
	}
	if v != 0 {
		return unix.Errno(v)
	}
	return nil
}

// SetNoDelay turns Nagle's algorithm off (on true) or on for a TCP socket
// (TCP_NODELAY; AnyEvent::Handle no_delay).
func SetNoDelay(fd int, on bool) error {
	return setBool(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, on)
}

// SetKeepAlive enables or disables TCP keep-alive probes (SO_KEEPALIVE;
// AnyEvent::Handle keepalive).
func SetKeepAlive(fd int, on bool) error {
	return setBool(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, on)
}

// SetReuseAddr allows binding to an address that still has connections in
// TIME_WAIT (SO_REUSEADDR; AnyEvent tcp_server sets it on every Internet
// listener).
func SetReuseAddr(fd int, on bool) error {
	return setBool(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, on)
}

// SetV6Only restricts an AF_INET6 socket to IPv6 (on true), or lets it also
// carry IPv4 through v4-mapped addresses (IPV6_V6ONLY).
func SetV6Only(fd int, on bool) error {
	return setBool(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, on)
}

func setBool(fd, level, opt int, on bool) error {
	v := 0
	if on {
		v = 1
	}
	return unix.SetsockoptInt(fd, level, opt, v)
}

// Connect starts connecting fd to sa. A non-blocking socket that cannot
// connect at once returns EINPROGRESS; an interrupted call (EINTR) goes on
// asynchronously as well, so it is reported as EINPROGRESS, and EALREADY
// too. Either way the caller waits for writability and reads
// [SocketError].
func Connect(fd int, sa unix.Sockaddr) error {
	switch err := unix.Connect(fd, sa); err {
	case unix.EINTR, unix.EALREADY:
		return unix.EINPROGRESS
	default:
		return err
	}
}
