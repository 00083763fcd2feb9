//go:build linux

package sys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// ConnectDgram connects datagram socket fd to sa, an address from
// [Sockaddr]: connect(2) on a socket that is not a stream completes at
// once (it records the peer and, if the socket has no port yet, binds an
// ephemeral one), so it is made raw like [Read] (see rawio.go). EINTR is
// retried. Other kinds of address take the ordinary unix.Connect.
//
// The sockaddr is built on the stack in the kernel's layout (the port in
// network byte order) and passed by pointer, kept alive by the call as
// unsafe.Pointer rule 4 requires.
func ConnectDgram(fd int, sa unix.Sockaddr) error {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		raw := unix.RawSockaddrInet4{Family: unix.AF_INET, Addr: sa.Addr}
		putPort(&raw.Port, sa.Port)
		return rawConnect(fd, unsafe.Pointer(&raw), unsafe.Sizeof(raw))
	case *unix.SockaddrInet6:
		raw := unix.RawSockaddrInet6{Family: unix.AF_INET6, Addr: sa.Addr, Scope_id: sa.ZoneId}
		putPort(&raw.Port, sa.Port)
		return rawConnect(fd, unsafe.Pointer(&raw), unsafe.Sizeof(raw))
	}
	return unix.Connect(fd, sa)
}

func rawConnect(fd int, sa unsafe.Pointer, n uintptr) error {
	for {
		_, _, e := unix.RawSyscall(unix.SYS_CONNECT, uintptr(fd), uintptr(sa), n)
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return e
	}
}

// putPort stores port in network byte order.
func putPort(dst *uint16, port int) {
	b := (*[2]byte)(unsafe.Pointer(dst))
	b[0], b[1] = byte(port>>8), byte(port)
}
