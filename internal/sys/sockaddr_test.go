package sys

import (
	"net"
	"net/netip"
	"reflect"
	"testing"

	"golang.org/x/sys/unix"
)

func loopbackIndex(t *testing.T) (uint32, string) {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Skipf("no interface list: %v", err)
	}
	for _, ifi := range ifs {
		if ifi.Flags&net.FlagLoopback != 0 {
			return uint32(ifi.Index), ifi.Name
		}
	}
	t.Skip("no loopback interface")
	return 0, ""
}

func TestSockaddr(t *testing.T) {
	loIndex, loName := loopbackIndex(t)
	for _, tt := range []struct {
		name   string
		in     string
		family int
		want   unix.Sockaddr
	}{
		{"ipv4", "127.0.0.1:80", unix.AF_INET,
			&unix.SockaddrInet4{Port: 80, Addr: [4]byte{127, 0, 0, 1}}},
		{"ipv4 port 0", "0.0.0.0:0", unix.AF_INET, &unix.SockaddrInet4{}},
		{"ipv6", "[::1]:443", unix.AF_INET6,
			&unix.SockaddrInet6{Port: 443, Addr: netip.IPv6Loopback().As16()}},
		{"v4-mapped becomes ipv4", "[::ffff:10.1.2.3]:8080", unix.AF_INET,
			&unix.SockaddrInet4{Port: 8080, Addr: [4]byte{10, 1, 2, 3}}},
		{"numeric zone", "[fe80::1%7]:1", unix.AF_INET6,
			&unix.SockaddrInet6{Port: 1, ZoneId: 7, Addr: netip.MustParseAddr("fe80::1").As16()}},
		{"named zone", "[fe80::1%" + loName + "]:1", unix.AF_INET6,
			&unix.SockaddrInet6{Port: 1, ZoneId: loIndex, Addr: netip.MustParseAddr("fe80::1").As16()}},
		{"highest port", "[2001:db8::2]:65535", unix.AF_INET6,
			&unix.SockaddrInet6{Port: 65535, Addr: netip.MustParseAddr("2001:db8::2").As16()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sa, family, err := Sockaddr(netip.MustParseAddrPort(tt.in))
			if err != nil || family != tt.family || !reflect.DeepEqual(sa, tt.want) {
				t.Fatalf("Sockaddr(%s) = %#v, %d, %v; want %#v, %d", tt.in, sa, family, err, tt.want, tt.family)
			}
		})
	}
}

func TestSockaddrErrors(t *testing.T) {
	bad := []netip.AddrPort{
		{},
		netip.AddrPortFrom(netip.MustParseAddr("fe80::1").WithZone("no-such-interface0"), 1),
	}
	for _, ap := range bad {
		if sa, _, err := Sockaddr(ap); err != unix.EINVAL {
			t.Errorf("Sockaddr(%v) = %v, %v; want EINVAL", ap, sa, err)
		}
	}
}

func TestAddrPortAndNetAddr(t *testing.T) {
	loIndex, loName := loopbackIndex(t)
	mapped := netip.MustParseAddr("::ffff:192.0.2.7").As16()
	for _, tt := range []struct {
		name string
		sa   unix.Sockaddr
		ap   string // "" for the zero AddrPort
		addr net.Addr
	}{
		{"ipv4", &unix.SockaddrInet4{Port: 80, Addr: [4]byte{127, 0, 0, 1}}, "127.0.0.1:80",
			&net.TCPAddr{IP: net.IP{127, 0, 0, 1}, Port: 80}},
		{"ipv6", &unix.SockaddrInet6{Port: 9, Addr: netip.IPv6Loopback().As16()}, "[::1]:9",
			&net.TCPAddr{IP: net.IPv6loopback, Port: 9}},
		{"v4-mapped", &unix.SockaddrInet6{Port: 5, Addr: mapped}, "[::ffff:192.0.2.7]:5",
			&net.TCPAddr{IP: net.IP{192, 0, 2, 7}, Port: 5}},
		{"zone", &unix.SockaddrInet6{Port: 1, ZoneId: loIndex, Addr: netip.MustParseAddr("fe80::1").As16()},
			"[fe80::1%" + loName + "]:1",
			&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 1, Zone: loName}},
		{"unix path", &unix.SockaddrUnix{Name: "/tmp/s"}, "", &net.UnixAddr{Name: "/tmp/s", Net: "unix"}},
		{"nil", nil, "", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var wantAP netip.AddrPort
			if tt.ap != "" {
				wantAP = netip.MustParseAddrPort(tt.ap)
			}
			if got := AddrPort(tt.sa); got != wantAP {
				t.Errorf("AddrPort = %v, want %v", got, wantAP)
			}
			if got := NetAddr(tt.sa); !reflect.DeepEqual(got, tt.addr) {
				t.Errorf("NetAddr = %#v, want %#v", got, tt.addr)
			}
		})
	}
}

func TestSockaddrRoundTrip(t *testing.T) {
	for _, s := range []string{"127.0.0.1:1", "[::1]:2", "[2001:db8::1]:65535", "192.0.2.1:0"} {
		ap := netip.MustParseAddrPort(s)
		sa, _, err := Sockaddr(ap)
		if err != nil {
			t.Fatal(err)
		}
		if got := AddrPort(sa); got != ap {
			t.Errorf("AddrPort(Sockaddr(%v)) = %v", ap, got)
		}
	}
}
