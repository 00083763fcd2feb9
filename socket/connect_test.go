package socket

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/dns/dnstest"
	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

func port(ap netip.AddrPort) string { return strconv.Itoa(int(ap.Port())) }

// checkError checks that err is an *Error of op whose AnyEvent text is
// want.
func checkError(t *testing.T, r result, op, want string) *Error {
	t.Helper()
	var e *Error
	if r.fd != -1 || !errors.As(r.err, &e) || e.Op != op {
		t.Fatalf("got fd %d, %v; want -1 and an *Error with Op %q", r.fd, r.err, op)
	}
	if got := loop.ErrorText(r.err); got != want {
		t.Errorf("ErrorText = %q, want %q (error %v)", got, want, r.err)
	}
	if r.peer.IsValid() {
		t.Errorf("failure with peer %v", r.peer)
	}
	return e
}

func TestTCPConnectLiteral(t *testing.T) {
	l := newLoop(t)
	srv := listenTCP(t, "127.0.0.1:0")
	for _, host := range []string{"127.0.0.1", "127.1", "0x7f.0.0.1", "::ffff:127.0.0.1"} {
		t.Run(host, func(t *testing.T) {
			var r result
			returned := false
			TCPConnect(l, host, port(srv), recorder(t, &r, &returned), nil)
			returned = true
			looptest.RunUntil(t, l, testLimit, func() bool { return r.calls > 0 })
			if r.err != nil || r.fd < 0 || r.peer != srv {
				t.Fatalf("got %d, %v, %v; want a connection to %v", r.fd, r.peer, r.err, srv)
			}
			if sa, err := unix.Getpeername(r.fd); err != nil || sa.(*unix.SockaddrInet4).Port != int(srv.Port()) {
				t.Errorf("getpeername: %v, %v", sa, err)
			}
		})
	}
}

func TestTCPConnectRefused(t *testing.T) {
	l := newLoop(t)
	p := closedPort(t)
	r := dial(t, l, &Dialer{}, "127.0.0.1", strconv.Itoa(int(p)))
	e := checkError(t, r, "connect", "Connection refused")
	if !errors.Is(r.err, syscall.ECONNREFUSED) || e.Timeout() {
		t.Errorf("%v: want ECONNREFUSED and no timeout", r.err)
	}
	if want := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), p); e.Addr != want {
		t.Errorf("Addr = %v, want %v", e.Addr, want)
	}
	if got, want := r.err.Error(), "socket: connect 127.0.0.1:"+strconv.Itoa(int(p))+" (127.0.0.1:"+strconv.Itoa(int(p))+"): Connection refused"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestTCPConnectTimeout: a blackholed address (SYNs dropped) times out
// after the per-attempt timeout, set either on the Dialer or, as in
// AnyEvent, by the prepare callback (spec C.2 T14).
func TestTCPConnectTimeout(t *testing.T) {
	hole := blackhole(t)
	cases := []struct {
		name string
		d    *Dialer
	}{
		{"Dialer.Timeout", &Dialer{Timeout: 200 * time.Millisecond}},
		{"prepare", &Dialer{Prepare: func(int) time.Duration { return 200 * time.Millisecond }}},
		{"prepare overrides", &Dialer{Timeout: time.Hour, Prepare: func(int) time.Duration { return 200 * time.Millisecond }}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoop(t)
			start := time.Now()
			r := dial(t, l, tc.d, hole.Addr().String(), port(hole))
			elapsed := time.Since(start)
			e := checkError(t, r, "connect", "Connection timed out")
			if !e.Timeout() || !errors.Is(r.err, syscall.ETIMEDOUT) || !errors.Is(r.err, os.ErrDeadlineExceeded) {
				t.Errorf("%v: want Timeout(), ETIMEDOUT and os.ErrDeadlineExceeded", r.err)
			}
			if elapsed < 190*time.Millisecond || elapsed > 3*time.Second {
				t.Errorf("timed out after %v, want about 200ms", elapsed)
			}
		})
	}
}

// TestPrepare: prepare sees each fresh socket before connect and can set
// options that the connected socket keeps (AnyEvent's prepare_cb).
func TestPrepare(t *testing.T) {
	l := newLoop(t)
	srv := listenTCP(t, "127.0.0.1:0")
	var seen []int
	prepare := func(fd int) time.Duration {
		seen = append(seen, fd)
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1); err != nil {
			t.Error(err)
		}
		return 0
	}
	var r result
	returned := false
	TCPConnect(l, "127.0.0.1", port(srv), recorder(t, &r, &returned), prepare)
	returned = true
	looptest.RunUntil(t, l, testLimit, func() bool { return r.calls > 0 })
	if r.err != nil || len(seen) != 1 || seen[0] != r.fd {
		t.Fatalf("prepare saw %v, callback got %d, %v", seen, r.fd, r.err)
	}
	if v, err := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE); err != nil || v == 0 {
		t.Errorf("SO_KEEPALIVE set in prepare is %d, %v on the connected socket", v, err)
	}
}

// TestTCPConnectNoAddress: a host without any address fails with ENXIO,
// "No such device or address" (spec C.2 T11), and the lookup's error is
// kept.
func TestTCPConnectNoAddress(t *testing.T) {
	s := dnstest.Start(t, "")
	l := newLoop(t)
	r := dial(t, l, &Dialer{Resolver: testResolver(t, l, s.Addr)}, "nonexistent.test", "80")
	e := checkError(t, r, "resolve", "No such device or address")
	if !errors.Is(r.err, syscall.ENXIO) || !errors.Is(r.err, dns.ErrNXDomain) || e.Lookup == nil {
		t.Errorf("%v: want ENXIO and dns.ErrNXDomain", r.err)
	}

	// No nameserver at all: the same error.
	r = dial(t, l, &Dialer{Resolver: testResolver(t, l)}, "www.example.test", "80")
	checkError(t, r, "resolve", "No such device or address")
	if !errors.Is(r.err, dns.ErrNoServers) {
		t.Errorf("%v: want dns.ErrNoServers", r.err)
	}
}

// testResolver returns a resolver of l asking servers, without a cache or
// hosts file, with short timeouts.
func testResolver(t testing.TB, l *loop.Loop, servers ...netip.AddrPort) *dns.Resolver {
	t.Helper()
	cfg := dns.DefaultConfig()
	cfg.Servers = servers
	cfg.CacheSize = 0
	cfg.Timeouts = []time.Duration{2 * time.Second}
	r, err := dns.NewResolver(l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTCPConnectFirstAddressFails: a name with two addresses, 127.0.0.2
// where nothing listens and 127.0.0.1 where the server does, on the same
// port. Whatever order DNS gives them in (dnsmasq rotates them), the
// connection ends at 127.0.0.1; when 127.0.0.2 comes first it is tried
// first and refuses.
func TestTCPConnectFirstAddressFails(t *testing.T) {
	srv := listenTCP(t, "127.0.0.1:0")
	s := dnstest.Start(t, "127.0.0.2 multi.test\n127.0.0.1 multi.test\n")
	l := newLoop(t)
	res := testResolver(t, l, s.Addr)
	fallbacks := 0
	for range 4 {
		attempts := 0
		d := &Dialer{Resolver: res, Prepare: func(int) time.Duration { attempts++; return 0 }}
		r := dial(t, l, d, "multi.test", port(srv))
		if r.err != nil || r.peer != srv {
			t.Fatalf("got %v, %v; want a connection to %v", r.peer, r.err, srv)
		}
		if attempts == 2 {
			fallbacks++
		} else if attempts != 1 {
			t.Errorf("%d attempts for two addresses", attempts)
		}
	}
	if fallbacks == 0 {
		t.Error("127.0.0.2 never came first: the fallback was not exercised")
	}
}

// TestTCPConnectLocalhost is spec C.2 T13: "localhost" is 127.0.0.1 then
// ::1 without any lookup; with the server on [::1] only, 127.0.0.1
// refuses and ::1 connects.
func TestTCPConnectLocalhost(t *testing.T) {
	needIPv6(t)
	srv := listenTCP(t, "[::1]:0")
	l := newLoop(t)
	attempts := 0
	d := &Dialer{Prepare: func(int) time.Duration { attempts++; return 0 }}
	r := dial(t, l, d, "localhost", port(srv))
	if r.err != nil || r.peer != srv || attempts != 2 {
		t.Fatalf("got %v, %v after %d attempts; want %v after 2", r.peer, r.err, attempts, srv)
	}

	// With only IPv4 enabled, the refusal is the answer.
	r = dial(t, l, &Dialer{Protocols: []Protocol{IPv4}}, "localhost", port(srv))
	checkError(t, r, "connect", "Connection refused")
}

func TestTCPConnectBadService(t *testing.T) {
	l := newLoop(t)
	r := dial(t, l, &Dialer{}, "127.0.0.1", "no-such-service")
	checkError(t, r, "resolve", `socket: resolve 127.0.0.1:no-such-service: unknown service "no-such-service"`)
	if !errors.Is(r.err, ErrUnknownService) {
		t.Errorf("%v: want ErrUnknownService", r.err)
	}
}

// TestRetry: the retry callback of tcp_connect continues with the next
// address; once none is left the callback gets a failure.
func TestRetry(t *testing.T) {
	needIPv6(t)
	v4 := listenTCP(t, "127.0.0.1:0")
	listenTCP(t, "[::1]:"+port(v4))
	l := newLoop(t)
	var peers []netip.AddrPort
	var errs []error
	var c *Connecting
	c = TCPConnect(l, "localhost", port(v4), func(fd int, peer netip.AddrPort, err error) {
		peers, errs = append(peers, peer), append(errs, err)
		if err == nil {
			unix.Close(fd)
			c.Retry()
		}
	}, nil)
	looptest.RunUntil(t, l, testLimit, func() bool { return len(errs) == 3 })
	runFor(t, l, 20*time.Millisecond)
	want := []string{"127.0.0.1:" + port(v4), "[::1]:" + port(v4), "invalid AddrPort"}
	if len(peers) != 3 || peers[0].String() != want[0] || peers[1].String() != want[1] || peers[2].IsValid() {
		t.Fatalf("peers %v, want %v", peers, want)
	}
	if errs[0] != nil || errs[1] != nil || !errors.Is(errs[2], syscall.ENXIO) {
		t.Errorf("errors %v, want nil, nil, ENXIO", errs)
	}
	c.Retry() // after the failure: nothing
	c.Cancel()
	runFor(t, l, 20*time.Millisecond)
	if len(errs) != 3 {
		t.Errorf("callback ran again: %v", errs)
	}
}

// TestHappyEyeballs: with 127.0.0.1 blackholed and ::1 listening,
// happy eyeballs connects over IPv6 one AttemptDelay after starting,
// cancelling the IPv4 attempt; AnyEvent's sequential order waits for the
// IPv4 timeout first.
func TestHappyEyeballs(t *testing.T) {
	needIPv6(t)
	hole := blackhole(t)
	v6 := listenTCP(t, "[::1]:"+port(hole))
	l := newLoop(t)
	before := openFds(t)

	start := time.Now()
	r := dial(t, l, &Dialer{HappyEyeballs: true, AttemptDelay: 50 * time.Millisecond}, "localhost", port(hole))
	if r.err != nil || r.peer != v6 {
		t.Fatalf("happy eyeballs: got %v, %v; want %v", r.peer, r.err, v6)
	}
	if d := time.Since(start); d < 45*time.Millisecond || d > 2*time.Second {
		t.Errorf("happy eyeballs connected after %v, want about 50ms", d)
	}
	unix.Close(r.fd)
	checkFds(t, before) // the IPv4 attempt's socket is closed

	start = time.Now()
	r = dial(t, l, &Dialer{Timeout: 300 * time.Millisecond}, "localhost", port(hole))
	if r.err != nil || r.peer != v6 {
		t.Fatalf("sequential: got %v, %v; want %v", r.peer, r.err, v6)
	}
	if d := time.Since(start); d < 290*time.Millisecond {
		t.Errorf("sequential connected after %v, before the IPv4 timeout", d)
	}
}

func TestInterleave(t *testing.T) {
	ap := func(s string) netip.AddrPort { return netip.AddrPortFrom(netip.MustParseAddr(s), 1) }
	in := []netip.AddrPort{ap("10.0.0.1"), ap("10.0.0.2"), ap("10.0.0.3"), ap("::1"), ap("::2")}
	want := []netip.AddrPort{ap("10.0.0.1"), ap("::1"), ap("10.0.0.2"), ap("::2"), ap("10.0.0.3")}
	got := interleave(in)
	for i := range want {
		if i >= len(got) || got[i] != want[i] {
			t.Fatalf("interleave = %v, want %v", got, want)
		}
	}
}

// TestTotalTimeout: TotalTimeout bounds the whole connect, name lookup
// included.
func TestTotalTimeout(t *testing.T) {
	hole := blackhole(t)
	l := newLoop(t)
	r := dial(t, l, &Dialer{TotalTimeout: 150 * time.Millisecond}, hole.Addr().String(), port(hole))
	if e := checkError(t, r, "connect", "Connection timed out"); !e.Timeout() {
		t.Errorf("%v: Timeout() is false", r.err)
	}

	silent := silentDNS(t)
	r = dial(t, l, &Dialer{Resolver: testResolver(t, l, silent), TotalTimeout: 150 * time.Millisecond}, "www.example.test", "80")
	if e := checkError(t, r, "resolve", "Connection timed out"); !e.Timeout() {
		t.Errorf("%v: Timeout() is false", r.err)
	}
}

// silentDNS returns the address of a UDP socket that never answers.
func silentDNS(t testing.TB) netip.AddrPort {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc.LocalAddr().(*net.UDPAddr).AddrPort()
}

func TestUnix(t *testing.T) {
	l := newLoop(t)
	path := t.TempDir() + "/sock"
	accepted := 0
	s, err := TCPServer(l, Unix, path, func(fd int, peer netip.AddrPort) {
		accepted++
		if peer.IsValid() {
			t.Errorf("unix peer %v", peer)
		}
		unix.Close(fd)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := dial(t, l, &Dialer{}, Unix, path)
	if r.err != nil || r.peer.IsValid() {
		t.Fatalf("got %v, %v; want a connection", r.peer, r.err)
	}
	looptest.RunUntil(t, l, testLimit, func() bool { return accepted == 1 })

	r = dial(t, l, &Dialer{}, Unix, "relative/sock")
	checkError(t, r, "resolve", "No such device or address")
}

func TestDialHandle(t *testing.T) {
	l := newLoop(t)
	s, err := TCPServer(l, "127.0.0.1", "0", func(fd int, _ netip.AddrPort) {
		unix.Write(fd, []byte("hello\n"))
		unix.Close(fd)
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var line string
	var h *loop.Handle
	d := &Dialer{}
	d.DialHandle(l, "127.0.0.1", port(s.Addr()), nil, func(hd *loop.Handle, peer netip.AddrPort, err error) {
		if err != nil || peer != s.Addr() {
			t.Fatalf("DialHandle: %v, %v", peer, err)
		}
		h = hd
		h.PushRead(loop.ReadLine(func(_ *loop.Handle, l, _ []byte) { line = string(l) }))
	})
	looptest.RunUntil(t, l, testLimit, func() bool { return line != "" })
	if line != "hello" || h.Peername() != "127.0.0.1" {
		t.Errorf("read %q, peername %q", line, h.Peername())
	}
	h.Destroy()
}
