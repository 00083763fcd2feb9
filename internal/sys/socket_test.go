package sys

import (
	"testing"

	"golang.org/x/sys/unix"
)

func checkFlags(t *testing.T, fd int) {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil || fl&unix.O_NONBLOCK == 0 {
		t.Errorf("fd %d not non-blocking: %#x, %v", fd, fl, err)
	}
	fdfl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil || fdfl&unix.FD_CLOEXEC == 0 {
		t.Errorf("fd %d not close-on-exec: %#x, %v", fd, fdfl, err)
	}
}

func TestSocketAcceptConnect(t *testing.T) {
	ln, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ln)
	checkFlags(t, ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(ln, 8); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Accept(ln); err != unix.EAGAIN {
		t.Fatalf("Accept with nothing pending = %v, want EAGAIN", err)
	}
	sa, _ := unix.Getsockname(ln)
	c, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(c)
	if err := Connect(c, sa); err != nil && err != unix.EINPROGRESS {
		t.Fatalf("Connect = %v", err)
	}
	pfd := []unix.PollFd{{Fd: int32(c), Events: unix.POLLOUT}}
	if _, err := unix.Poll(pfd, 5000); err != nil {
		t.Fatal(err)
	}
	if err := SocketError(c); err != nil {
		t.Fatalf("SocketError after connect = %v", err)
	}
	pfd = []unix.PollFd{{Fd: int32(ln), Events: unix.POLLIN}}
	unix.Poll(pfd, 5000)
	nfd, peer, err := Accept(ln)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(nfd)
	checkFlags(t, nfd)
	local, _ := unix.Getsockname(c)
	if AddrPort(peer) != AddrPort(local) {
		t.Errorf("accepted peer %v, client is %v", AddrPort(peer), AddrPort(local))
	}
}

func TestSocketErrorRefused(t *testing.T) {
	ln, _ := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	sa, _ := unix.Getsockname(ln)
	unix.Close(ln) // bound, never listened: the port refuses
	c, err := Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(c)
	err = Connect(c, sa)
	if err == unix.EINPROGRESS {
		pfd := []unix.PollFd{{Fd: int32(c), Events: unix.POLLOUT}}
		unix.Poll(pfd, 5000)
		err = SocketError(c)
	}
	if err != unix.ECONNREFUSED {
		t.Fatalf("connect to a closed port: %v, want ECONNREFUSED", err)
	}
}

func TestSockopts(t *testing.T) {
	fd, err := Socket(unix.AF_INET6, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Skipf("no IPv6 sockets: %v", err)
	}
	defer unix.Close(fd)
	for _, tt := range []struct {
		name       string
		set        func(int, bool) error
		level, opt int
	}{
		{"TCP_NODELAY", SetNoDelay, unix.IPPROTO_TCP, unix.TCP_NODELAY},
		{"SO_KEEPALIVE", SetKeepAlive, unix.SOL_SOCKET, unix.SO_KEEPALIVE},
		{"SO_REUSEADDR", SetReuseAddr, unix.SOL_SOCKET, unix.SO_REUSEADDR},
		{"IPV6_V6ONLY", SetV6Only, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY},
	} {
		for _, on := range []bool{true, false} {
			if err := tt.set(fd, on); err != nil {
				t.Fatalf("%s %v: %v", tt.name, on, err)
			}
			v, err := unix.GetsockoptInt(fd, tt.level, tt.opt)
			if err != nil || (v != 0) != on {
				t.Errorf("%s after setting %v reads %d, %v", tt.name, on, v, err)
			}
		}
	}
}
