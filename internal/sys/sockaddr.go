package sys

import (
	"net"
	"net/netip"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// Sockaddr converts ap into a socket address and returns the family of the
// socket that can use it, AF_INET or AF_INET6.
//
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the plain IPv4
// address with family AF_INET, as AnyEvent's parse_address does: connecting
// to it then works whatever IPV6_V6ONLY says and on hosts without IPv6. A
// zone ("fe80::1%eth0" or "fe80::1%2") becomes the interface index. An
// invalid address or an unknown zone is EINVAL.
func Sockaddr(ap netip.AddrPort) (unix.Sockaddr, int, error) {
	ip := ap.Addr().Unmap()
	switch {
	case ip.Is4():
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ip.As4()}, unix.AF_INET, nil
	case ip.Is6():
		zone, err := zoneIndex(ip.Zone())
		if err != nil {
			return nil, 0, err
		}
		sa := &unix.SockaddrInet6{Port: int(ap.Port()), ZoneId: zone, Addr: ip.As16()}
		return sa, unix.AF_INET6, nil
	}
	return nil, 0, unix.EINVAL
}

// zoneIndex returns the interface index a zone names: a decimal number or
// an interface name; "" is 0, no zone.
func zoneIndex(zone string) (uint32, error) {
	if zone == "" {
		return 0, nil
	}
	if n, err := strconv.ParseUint(zone, 10, 32); err == nil {
		return uint32(n), nil
	}
	ifi, err := net.InterfaceByName(zone)
	if err != nil {
		return 0, unix.EINVAL
	}
	return uint32(ifi.Index), nil
}

// zoneName returns the interface name of index, or the decimal index when
// the interface is unknown; 0 is "".
func zoneName(index uint32) string {
	if index == 0 {
		return ""
	}
	if ifi, err := net.InterfaceByIndex(int(index)); err == nil {
		return ifi.Name
	}
	return strconv.FormatUint(uint64(index), 10)
}

// AddrPort returns the address and port of an AF_INET or AF_INET6 socket
// address exactly as the kernel gave them (a v4-mapped address stays
// mapped), and the zero AddrPort for any other kind.
func AddrPort(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		ip := netip.AddrFrom16(sa.Addr).WithZone(zoneName(sa.ZoneId))
		return netip.AddrPortFrom(ip, uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// NetAddr converts the address of a stream socket into a [net.Addr]: a
// *[net.TCPAddr] for AF_INET and AF_INET6, with v4-mapped addresses shown as
// IPv4 (AnyEvent format_address), or a *[net.UnixAddr] for AF_UNIX, whose
// Name is "" for an unnamed socket such as an accepted client's. Other
// kinds and nil give nil.
func NetAddr(sa unix.Sockaddr) net.Addr {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4, *unix.SockaddrInet6:
		ap := AddrPort(sa)
		return net.TCPAddrFromAddrPort(netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
	case *unix.SockaddrUnix:
		name := sa.Name
		if name == "@" && runtime.GOOS == "linux" {
			// x/sys shows the NUL that starts an abstract name as "@";
			// an unnamed socket's empty path comes out the same way.
			name = ""
		}
		return &net.UnixAddr{Name: name, Net: "unix"}
	}
	return nil
}
