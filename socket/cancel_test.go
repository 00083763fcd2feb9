package socket

import (
	"net/netip"
	"strconv"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// TestCancelEveryPhase cancels a connection in each phase it can be in and
// checks that its callback never runs and that the process has exactly
// the file descriptors it had before (counted in /proc/self/fd).
func TestCancelEveryPhase(t *testing.T) {
	needIPv6(t)
	hole := blackhole(t)
	blackhole6(t, hole.Port())
	silent := silentDNS(t)
	open := listenTCP(t, "127.0.0.1:0")
	l := newLoop(t)
	res := testResolver(t, l, silent)
	lookupServiceName("http") // load the services database before counting
	cases := []struct {
		name string
		d    Dialer
		host string
		svc  string
		wait time.Duration // how long to run the loop before cancelling
		fds  bool          // sockets are open in that phase
	}{
		{"resolve, literal", Dialer{}, "127.0.0.1", port(open), 0, false},
		{"resolve, DNS lookup", Dialer{Resolver: res}, "www.example.test", "80", 100 * time.Millisecond, true},
		{"resolve, SRV lookup", Dialer{Resolver: res}, "www.example.test", "http", 100 * time.Millisecond, true},
		{"connect", Dialer{}, hole.Addr().String(), port(hole), 100 * time.Millisecond, true},
		{"connect, two attempts", Dialer{HappyEyeballs: true, AttemptDelay: 20 * time.Millisecond},
			"localhost", port(hole), 100 * time.Millisecond, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := openFds(t)
			calls := 0
			c := tc.d.Dial(l, tc.host, tc.svc, func(int, netip.AddrPort, error) { calls++ })
			if tc.wait > 0 {
				runFor(t, l, tc.wait)
			}
			if c.phase != phaseResolve && c.phase != phaseConnect {
				t.Fatalf("phase %v before Cancel", c.phase)
			}
			switch tc.name {
			case "resolve, DNS lookup":
				if c.res == nil || c.res.srv != nil || len(c.res.lookups) != 1 {
					t.Fatal("not waiting for the address lookup")
				}
			case "resolve, SRV lookup":
				if c.res == nil || c.res.srv == nil {
					t.Fatal("not waiting for the SRV lookup")
				}
			case "connect, two attempts":
				if len(c.inflight) != 2 {
					t.Fatalf("%d attempts in flight, want 2", len(c.inflight))
				}
			}
			if tc.fds && openFds(t) == before {
				t.Error("no fd open before Cancel: the phase was not reached")
			}
			c.Cancel()
			c.Cancel()
			checkFds(t, before)
			runFor(t, l, 50*time.Millisecond)
			if calls != 0 {
				t.Errorf("callback ran %d times after Cancel", calls)
			}
		})
	}
}

// TestCancelPending cancels in phasePending, where the failure is known
// and its delivery deferred: a function deferred right after Dial runs in
// the same pass as the resolution's answer, before the delivery.
func TestCancelPending(t *testing.T) {
	l := newLoop(t)
	calls := 0
	var seen phase
	c := (&Dialer{}).Dial(l, "127.0.0.1", "no-such-service", func(int, netip.AddrPort, error) { calls++ })
	l.Defer(func() { seen = c.phase; c.Cancel() })
	runFor(t, l, 50*time.Millisecond)
	if seen != phasePending || calls != 0 {
		t.Errorf("cancelled in %v; callback ran %d times", seen, calls)
	}
}

// TestCancelAfterConnect: once the callback has the fd, Cancel leaves it
// alone.
func TestCancelAfterConnect(t *testing.T) {
	open := listenTCP(t, "127.0.0.1:0")
	l := newLoop(t)
	before := openFds(t)
	fd := -1
	c := TCPConnect(l, "127.0.0.1", port(open), func(f int, _ netip.AddrPort, err error) {
		if err != nil {
			t.Fatal(err)
		}
		fd = f
	}, nil)
	looptest.RunUntil(t, l, testLimit, func() bool { return fd >= 0 })
	c.Cancel()
	if _, err := unix.Getsockname(fd); err != nil {
		t.Errorf("fd %d unusable after Cancel: %v", fd, err)
	}
	unix.Close(fd)
	checkFds(t, before)
}

// TestCancelInPrepare: prepare may cancel; the socket it got is closed
// and the callback never runs.
func TestCancelInPrepare(t *testing.T) {
	open := listenTCP(t, "127.0.0.1:0")
	l := newLoop(t)
	before := openFds(t)
	var c *Connecting
	calls := 0
	d := &Dialer{Prepare: func(int) time.Duration { c.Cancel(); return 0 }}
	c = d.Dial(l, "127.0.0.1", port(open), func(int, netip.AddrPort, error) { calls++ })
	runFor(t, l, 50*time.Millisecond)
	if calls != 0 || c.phase != phaseDone {
		t.Errorf("callback ran %d times, phase %v", calls, c.phase)
	}
	checkFds(t, before)
}

// TestCancelInCallback: cancelling the guard from the callback itself,
// after a connection or a failure, is harmless.
func TestCancelInCallback(t *testing.T) {
	l := newLoop(t)
	var c *Connecting
	calls := 0
	c = TCPConnect(l, "127.0.0.1", strconv.Itoa(int(closedPort(t))), func(int, netip.AddrPort, error) {
		calls++
		c.Cancel()
		c.Retry()
	}, nil)
	looptest.RunUntil(t, l, testLimit, func() bool { return calls > 0 })
	runFor(t, l, 20*time.Millisecond)
	if calls != 1 {
		t.Errorf("callback ran %d times", calls)
	}
}

// blackhole6 makes a full-queue listener on [::1] at port, like
// blackhole.
func blackhole6(t testing.TB, port uint16) netip.AddrPort {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET6, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	sa := &unix.SockaddrInet6{Port: int(port), Addr: netip.IPv6Loopback().As16()}
	if err := unix.Bind(fd, sa); err != nil {
		t.Skipf("cannot bind [::1]:%d: %v", port, err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	addr := netip.AddrPortFrom(netip.IPv6Loopback(), port)
	fillQueue(t, addr)
	return addr
}

// fillQueue connects to addr until a connection times out: its listener's
// accept queue is then full. The connections stay open until the test
// ends.
func fillQueue(t testing.TB, addr netip.AddrPort) {
	t.Helper()
	l := newLoop(t)
	for range 16 {
		var fd int
		var err error
		done := false
		l.Connect(addr, &loop.ConnectOptions{Timeout: 300 * time.Millisecond}, func(f int, e error) {
			fd, err, done = f, e, true
		})
		looptest.RunUntil(t, l, testLimit, func() bool { return done })
		if err != nil {
			return
		}
		t.Cleanup(func() { unix.Close(fd) })
	}
	t.Fatal("accept queue never filled up: the kernel did not drop SYNs")
}
