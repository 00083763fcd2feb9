package sys

import (
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

// TestConnectDgram: a UDP socket connected by ConnectDgram has the peer it
// was given (the port in network byte order), IPv4 and IPv6, and a
// datagram it sends arrives from its new port.
func TestConnectDgram(t *testing.T) {
	for _, addr := range []string{"127.0.0.1", "::1"} {
		ap := netip.AddrPortFrom(netip.MustParseAddr(addr), 0)
		sa, family, err := Sockaddr(ap)
		if err != nil {
			t.Fatal(err)
		}
		peer, err := Socket(family, unix.SOCK_DGRAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(peer)
		if err := unix.Bind(peer, sa); err != nil {
			if family == unix.AF_INET6 {
				t.Skipf("no IPv6 loopback: %v", err)
			}
			t.Fatal(err)
		}
		psa, err := unix.Getsockname(peer)
		if err != nil {
			t.Fatal(err)
		}
		want := AddrPort(psa)
		sa, _, _ = Sockaddr(want)

		fd, err := Socket(family, unix.SOCK_DGRAM, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		if err := ConnectDgram(fd, sa); err != nil {
			t.Fatalf("%s: ConnectDgram: %v", addr, err)
		}
		got, err := unix.Getpeername(fd)
		if err != nil || AddrPort(got) != want {
			t.Fatalf("%s: peer %v, %v; want %v", addr, AddrPort(got), err, want)
		}
		if _, err := unix.Write(fd, []byte("hi")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 8)
		n, from, err := readFromWait(t, peer, buf)
		local, _ := unix.Getsockname(fd)
		if err != nil || string(buf[:n]) != "hi" || AddrPort(from) != AddrPort(local) {
			t.Fatalf("%s: got %q from %v, %v; want \"hi\" from %v", addr, buf[:n], AddrPort(from), err, AddrPort(local))
		}
	}
}

// readFromWait is recvfrom on non-blocking fd, waiting up to a second.
func readFromWait(t *testing.T, fd int, buf []byte) (int, unix.Sockaddr, error) {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	if _, err := unix.Poll(fds, 1000); err != nil {
		return 0, nil, err
	}
	return unix.Recvfrom(fd, buf, 0)
}
