//go:build linux

package sys

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// DisconnectRebinds reports whether [Disconnect] gives up the local port of
// a socket the kernel bound implicitly, so that the next connect binds a
// new one. Linux does (udp_disconnect unhashes the socket and clears its
// port unless bind(2) chose it); where it is false, Disconnect is not
// available.
const DisconnectRebinds = true

// Disconnect dissolves the association of datagram socket fd: connect(2)
// with an address of family AF_UNSPEC. If the kernel chose the socket's
// port (connect without bind), the port is released as well: until the
// socket is connected again it has no port, so it receives nothing, and
// the next connect binds a fresh ephemeral port chosen at random like the
// first. Datagrams already queued stay queued. EINTR is retried. Like
// [ConnectDgram] the call completes at once, so it is made raw (see
// rawio.go).
//
// golang.org/x/sys/unix cannot express an AF_UNSPEC address, so the
// system call is made by hand with a pointer to a 16-byte sockaddr (kept
// alive by the call, as unsafe.Pointer rule 4 requires). The raw I/O of
// rawio_raw.go and ConnectDgram are the module's other uses of unsafe.
func Disconnect(fd int) error {
	sa := unix.RawSockaddr{Family: unix.AF_UNSPEC}
	return rawConnect(fd, unsafe.Pointer(&sa), unsafe.Sizeof(sa))
}
