package socket

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
	"testing"

	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// TestTCPServer: the server accepts connections and hands over each fd
// with the peer's address; prepare sees the bound address and sets the
// backlog.
func TestTCPServer(t *testing.T) {
	l := newLoop(t)
	var local netip.AddrPort
	prepared := 0
	type conn struct {
		fd   int
		peer netip.AddrPort
	}
	var got []conn
	s, err := TCPServer(l, "127.0.0.1", "0", func(fd int, peer netip.AddrPort) {
		got = append(got, conn{fd, peer})
	}, func(fd int, addr netip.AddrPort) int {
		prepared++
		local = addr
		return 5
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if prepared != 1 || local != s.Addr() || local.Addr() != netip.MustParseAddr("127.0.0.1") || local.Port() == 0 {
		t.Fatalf("prepare ran %d times with %v; Addr %v", prepared, local, s.Addr())
	}
	var clients []net.Conn
	for range 3 {
		c, err := net.Dial("tcp", s.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
	}
	looptest.RunUntil(t, l, testLimit, func() bool { return len(got) == 3 })
	for i, c := range got {
		if want := clients[i].LocalAddr().(*net.TCPAddr).AddrPort(); c.peer != want {
			t.Errorf("connection %d: peer %v, want %v", i, c.peer, want)
		}
		if fl, _ := unix.FcntlInt(uintptr(c.fd), unix.F_GETFL, 0); fl&unix.O_NONBLOCK == 0 {
			t.Errorf("connection %d: fd is blocking", i)
		}
		unix.Close(c.fd)
	}
	if v, err := unix.GetsockoptInt(s.Fd(), unix.SOL_SOCKET, unix.SO_REUSEADDR); err != nil || v == 0 {
		t.Errorf("SO_REUSEADDR = %d, %v", v, err)
	}
	if err := s.Close(); err != nil || s.Fd() != -1 {
		t.Errorf("Close: %v, fd %d", err, s.Fd())
	}
	s.Close()
}

func TestTCPServerIPv6AndService(t *testing.T) {
	needIPv6(t)
	l := newLoop(t)
	accepted := make(chan netip.AddrPort, 1)
	s, err := TCPServer(l, "::1", "", func(fd int, peer netip.AddrPort) {
		accepted <- peer
		unix.Close(fd)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Addr().Addr() != netip.IPv6Loopback() {
		t.Errorf("Addr %v", s.Addr())
	}
	r := dial(t, l, &Dialer{}, "::1", port(s.Addr()))
	if r.err != nil {
		t.Fatal(r.err)
	}
	looptest.RunUntil(t, l, testLimit, func() bool { return len(accepted) == 1 })
	if p := <-accepted; p.Addr() != netip.IPv6Loopback() {
		t.Errorf("peer %v", p)
	}
}

func TestTCPServerErrors(t *testing.T) {
	l := newLoop(t)
	busy := listenTCP(t, "127.0.0.1:0")
	for _, tt := range []struct {
		host, service string
		is            error
		text          string
	}{
		{"localhost", "0", ErrBadAddress, `socket: listen localhost:0: cannot parse host address "localhost"`},
		{"127.0.0.1", "no-such-service", ErrUnknownService, `socket: listen 127.0.0.1:no-such-service: unknown service "no-such-service"`},
		{"127.0.0.1", "99999", errBadPort, `socket: listen 127.0.0.1:99999: port number out of range "99999"`},
		{"127.0.0.1", port(busy), syscall.EADDRINUSE, "Address already in use"},
	} {
		s, err := TCPServer(l, tt.host, tt.service, func(int, netip.AddrPort) {}, nil)
		var e *Error
		if s != nil || !errors.As(err, &e) || e.Op != "listen" || !errors.Is(err, tt.is) {
			t.Errorf("TCPServer(%q, %q) = %v, %v; want *Error matching %v", tt.host, tt.service, s, err, tt.is)
			continue
		}
		if text := loop.ErrorText(err); text != tt.text {
			t.Errorf("TCPServer(%q, %q): text %q, want %q", tt.host, tt.service, text, tt.text)
		}
	}
}

func TestListenAddress(t *testing.T) {
	for _, tt := range []struct{ host, service, network, address string }{
		{"", "", "tcp", "0.0.0.0:0"},
		{"0", "http", "tcp", "0.0.0.0:80"},
		{"::", "8080", "tcp", "[::]:8080"},
		{"::ffff:127.0.0.1", "1", "tcp", "127.0.0.1:1"},
		{"127.1", "1", "tcp", "127.0.0.1:1"},
		{Unix, "/run/x.sock", "unix", "/run/x.sock"},
	} {
		network, address, err := listenAddress(tt.host, tt.service)
		if err != nil || network != tt.network || address != tt.address {
			t.Errorf("listenAddress(%q, %q) = %q, %q, %v; want %q, %q", tt.host, tt.service, network, address, err, tt.network, tt.address)
		}
	}
}
