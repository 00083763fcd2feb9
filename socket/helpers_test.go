package socket

import (
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// testLimit bounds every wait in these tests.
const testLimit = 10 * time.Second

func newLoop(t testing.TB) *loop.Loop {
	t.Helper()
	l, err := loop.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// runFor runs l for d of real time.
func runFor(t testing.TB, l *loop.Loop, d time.Duration) {
	t.Helper()
	end := time.Now().Add(d)
	looptest.RunUntil(t, l, d+testLimit, func() bool { return time.Now().After(end) })
}

// result is what a ConnectFunc got.
type result struct {
	calls int
	fd    int
	peer  netip.AddrPort
	err   error
}

// recorder returns a ConnectFunc that records into r and checks that it
// runs only after *returned is set.
func recorder(t testing.TB, r *result, returned *bool) ConnectFunc {
	return func(fd int, peer netip.AddrPort, err error) {
		if !*returned {
			t.Error("callback ran before the call returned")
		}
		r.calls++
		r.fd, r.peer, r.err = fd, peer, err
		if err == nil {
			t.Cleanup(func() { unix.Close(fd) })
		}
	}
}

// dial runs d.Dial to completion and returns the outcome.
func dial(t testing.TB, l *loop.Loop, d *Dialer, host, service string) result {
	t.Helper()
	var r result
	returned := false
	d.Dial(l, host, service, recorder(t, &r, &returned))
	returned = true
	looptest.RunUntil(t, l, testLimit, func() bool { return r.calls > 0 })
	runFor(t, l, 10*time.Millisecond) // a second call would show up now
	if r.calls != 1 {
		t.Fatalf("callback ran %d times", r.calls)
	}
	return r
}

// listenTCP starts a plain listener on addr ("127.0.0.1:0") that accepts
// connections and closes them at once, and returns its address. (Closing
// keeps the fd count of the process steady for checkFds; the client side
// stays open.)
func listenTCP(t testing.TB, addr string) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).AddrPort()
}

// closedPort returns a loopback port nothing listens on (at the moment).
func closedPort(t testing.TB) uint16 {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return uint16(port)
}

func needIPv6(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	ln.Close()
}

// blackhole returns a loopback address whose listener has a full accept
// queue: Linux then drops further SYNs, so a connection attempt can only
// time out.
func blackhole(t testing.TB) netip.AddrPort {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux dropping SYNs to a listener with a full accept queue")
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := unix.Getsockname(fd)
	addr := netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), uint16(sa.(*unix.SockaddrInet4).Port))
	fillQueue(t, addr)
	return addr
}

// openFds returns the number of open file descriptors of the process.
func openFds(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count open fds: %v", err)
	}
	return len(ents) - 1 // the directory being read
}

// checkFds fails the test if the number of open fds does not return to
// before. Our side closes synchronously; the wait is for the accepting
// goroutines of listenTCP, which close their side on their own time.
func checkFds(t testing.TB, before int) {
	t.Helper()
	n := openFds(t)
	for deadline := time.Now().Add(2 * time.Second); n != before && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		n = openFds(t)
	}
	if n != before {
		t.Errorf("open fds: %d before, %d after", before, n)
	}
}
