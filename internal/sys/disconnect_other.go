//go:build !linux

package sys

import "golang.org/x/sys/unix"

// DisconnectRebinds reports whether [Disconnect] gives up the local port of
// a socket the kernel bound implicitly. On this system it is not known to,
// so Disconnect is not offered.
const DisconnectRebinds = false

// Disconnect is not implemented here: it returns ENOTSUP.
func Disconnect(fd int) error { return unix.ENOTSUP }
