package loop

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sockAccepted collects what a listener's callback received.
type sockAccepted struct {
	fds   []int
	peers []net.Addr
}

func (a *sockAccepted) cb(fd int, peer net.Addr) {
	a.fds = append(a.fds, fd)
	a.peers = append(a.peers, peer)
}

func (a *sockAccepted) closeAll() {
	for _, fd := range a.fds {
		unix.Close(fd)
	}
}

// sockListen listens and closes the listener and what it accepted at the end
// of the test.
func sockListen(t *testing.T, l *Loop, network, address string, opts *ListenOptions) (*Listener, *sockAccepted) {
	t.Helper()
	acc := &sockAccepted{}
	ln, err := l.Listen(network, address, opts, acc.cb)
	if err != nil {
		t.Fatalf("Listen(%s, %s) = %v", network, address, err)
	}
	t.Cleanup(func() { ln.Close(); acc.closeAll() })
	return ln, acc
}

// sockDial makes n blocking client connections with package net; the
// kernel completes them from the listen queue before anything is accepted.
func sockDial(t *testing.T, network, address string, n int) []net.Conn {
	t.Helper()
	var conns []net.Conn
	for range n {
		c, err := net.DialTimeout(network, address, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		t.Cleanup(func() { c.Close() })
	}
	return conns
}

func TestListenTCPAcceptsSeveral(t *testing.T) {
	for _, tc := range []struct{ network, address string }{
		{"tcp", "127.0.0.1:0"},
		{"tcp4", "127.0.0.1:0"},
		{"tcp6", "[::1]:0"},
		{"tcp", "[::1]:0"},
	} {
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			if tc.address == "[::1]:0" {
				sockNeedIPv6(t)
			}
			l := sockLoop(t)
			ln, acc := sockListen(t, l, tc.network, tc.address, nil)
			addr, ok := ln.Addr().(*net.TCPAddr)
			if !ok || addr.Port == 0 {
				t.Fatalf("Addr() = %#v, want a *net.TCPAddr with the chosen port", ln.Addr())
			}
			conns := sockDial(t, "tcp", addr.String(), 5)
			sockRunUntil(t, l, 5*time.Second, func() bool { return len(acc.fds) == len(conns) })
			want := map[string]bool{}
			for _, c := range conns {
				want[c.LocalAddr().String()] = true
			}
			for i, fd := range acc.fds {
				sockCheckFlags(t, fd)
				if p := acc.peers[i]; !want[p.String()] {
					t.Errorf("peer %v is none of the clients %v", p, want)
				}
			}
			sockCheckServerWrites(t, acc.fds, conns)
		})
	}
}

// sockCheckServerWrites writes on each accepted fd and reads it from the
// client that has the same address pair.
func sockCheckServerWrites(t *testing.T, fds []int, conns []net.Conn) {
	t.Helper()
	byPeer := map[string]net.Conn{}
	for _, c := range conns {
		byPeer[c.LocalAddr().String()] = c
	}
	for _, fd := range fds {
		sa, err := unix.Getpeername(fd)
		if err != nil {
			t.Fatal(err)
		}
		c := byPeer[sockName(sa)]
		if c == nil {
			t.Fatalf("no client for peer %v", sockName(sa))
		}
		msg := "to " + c.LocalAddr().String()
		unix.Write(fd, []byte(msg))
		buf := make([]byte, len(msg))
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Read(buf); err != nil || string(buf) != msg {
			t.Errorf("client read %q, %v; want %q", buf, err, msg)
		}
	}
}

func sockName(sa unix.Sockaddr) string {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return (&net.TCPAddr{IP: sa.Addr[:], Port: sa.Port}).String()
	case *unix.SockaddrInet6:
		return (&net.TCPAddr{IP: sa.Addr[:], Port: sa.Port}).String()
	case *unix.SockaddrUnix:
		return sa.Name
	}
	return ""
}

func TestListenUnixAcceptsSeveral(t *testing.T) {
	l := sockLoop(t)
	path := filepath.Join(t.TempDir(), "srv.sock")
	ln, acc := sockListen(t, l, "unix", path, nil)
	if ua, ok := ln.Addr().(*net.UnixAddr); !ok || ua.Name != path || ua.Net != "unix" {
		t.Fatalf("Addr() = %#v, want unix %s", ln.Addr(), path)
	}
	sockDial(t, "unix", path, 3)
	connected := 0
	for range 2 {
		l.ConnectUnix(path, nil, func(fd int, err error) {
			if err != nil {
				t.Error(err)
				return
			}
			connected++
			t.Cleanup(func() { unix.Close(fd) })
		})
	}
	sockRunUntil(t, l, 5*time.Second, func() bool { return len(acc.fds) == 5 && connected == 2 })
	for i, fd := range acc.fds {
		sockCheckFlags(t, fd)
		if ua, ok := acc.peers[i].(*net.UnixAddr); !ok || ua.Name != "" {
			t.Errorf("peer = %#v, want an unnamed *net.UnixAddr", acc.peers[i])
		}
	}
	ln.Close()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file still there after Close: %v", err)
	}
}

func TestListenUnixStaleSocket(t *testing.T) {
	l := sockLoop(t)
	dir := t.TempDir()

	stale := filepath.Join(dir, "stale.sock")
	fd, _ := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: stale}); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd) // the file stays, nobody listens
	_, acc := sockListen(t, l, "unix", stale, nil)
	sockDial(t, "unix", stale, 1)
	sockRunUntil(t, l, 5*time.Second, func() bool { return len(acc.fds) == 1 })

	// A live listener's socket is not taken over.
	_, err := l.Listen("unix", stale, nil, func(int, net.Addr) {})
	if !errors.Is(err, syscall.EADDRINUSE) || err.Error() != "loop: bind: Address already in use" {
		t.Errorf("Listen on a live socket = %v, want bind EADDRINUSE", err)
	}
	// The live listener still works; it also accepted the probe connection
	// the failed Listen made to tell whether anyone listens.
	sockDial(t, "unix", stale, 1)
	sockRunUntil(t, l, 5*time.Second, func() bool { return len(acc.fds) == 3 })

	// Nor is a file that is not a socket removed.
	regular := filepath.Join(dir, "regular")
	os.WriteFile(regular, []byte("keep me"), 0o600)
	if _, err := l.Listen("unix", regular, nil, nil); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("Listen on a regular file = %v, want EADDRINUSE", err)
	}
	if b, err := os.ReadFile(regular); err != nil || string(b) != "keep me" {
		t.Errorf("regular file damaged: %q, %v", b, err)
	}
}

func TestListenerClose(t *testing.T) {
	l := sockLoop(t)
	before := sockCountFds(t)
	ln, acc := sockListen(t, l, "tcp", "127.0.0.1:0", nil)
	addr := ln.Addr().String()
	sockDial(t, "tcp", addr, 1)
	sockRunUntil(t, l, 5*time.Second, func() bool { return len(acc.fds) == 1 })
	acc.closeAll()
	acc.fds = nil
	fd := ln.Fd()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ln.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if ln.Fd() != -1 {
		t.Errorf("Fd() after Close = %d", ln.Fd())
	}
	if fd < len(l.byFd) && l.byFd[fd] != nil {
		t.Error("listener fd still registered after Close")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("connect to a closed listener succeeded")
	}
	sockRunFor(t, l, 10*time.Millisecond)
	if len(acc.fds) != 0 {
		t.Errorf("accepted %d connections after Close", len(acc.fds))
	}
	for _, c := range acc.fds {
		unix.Close(c)
	}
	if after := sockCountFds(t); after > before+1 { // +1: the client conn in Cleanup
		t.Errorf("descriptors: %d before, %d after Close", before, after)
	}
}

func TestListenerCloseInsideCallback(t *testing.T) {
	l := sockLoop(t)
	var ln *Listener
	calls := 0
	ln, err := l.Listen("tcp", "127.0.0.1:0", nil, func(fd int, _ net.Addr) {
		calls++
		unix.Close(fd)
		ln.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	sockDial(t, "tcp", ln.Addr().String(), 3)
	sockRunUntil(t, l, 5*time.Second, func() bool { return calls > 0 })
	sockRunFor(t, l, 20*time.Millisecond)
	if calls != 1 {
		t.Errorf("callback ran %d times, want 1: Close inside it must stop accepting", calls)
	}
}

func TestListenAcceptBudget(t *testing.T) {
	l := sockLoop(t)
	const pending = 2*maxAcceptBatch + 8
	ln1, acc1 := sockListen(t, l, "tcp", "127.0.0.1:0", nil)
	ln2, acc2 := sockListen(t, l, "tcp", "127.0.0.1:0", nil)
	sockDial(t, "tcp", ln1.Addr().String(), pending)
	sockDial(t, "tcp", ln2.Addr().String(), pending)
	time.Sleep(20 * time.Millisecond) // let the loopback handshakes settle
	iterations := 0
	for len(acc1.fds) < pending || len(acc2.fds) < pending {
		n1, n2 := len(acc1.fds), len(acc2.fds)
		if err := l.RunOnce(false); err != nil {
			t.Fatal(err)
		}
		iterations++
		if d := len(acc1.fds) - n1; d > maxAcceptBatch {
			t.Fatalf("listener 1 accepted %d in one iteration, budget %d", d, maxAcceptBatch)
		}
		if d := len(acc2.fds) - n2; d > maxAcceptBatch {
			t.Fatalf("listener 2 accepted %d in one iteration, budget %d", d, maxAcceptBatch)
		}
		if iterations == 1 && (len(acc1.fds) != maxAcceptBatch || len(acc2.fds) != maxAcceptBatch) {
			t.Errorf("first iteration accepted %d and %d, want %d each: both listeners progress",
				len(acc1.fds), len(acc2.fds), maxAcceptBatch)
		}
		if iterations > 100 {
			t.Fatalf("accepted only %d and %d of %d after %d iterations", len(acc1.fds), len(acc2.fds), pending, iterations)
		}
	}
	if iterations < 3 {
		t.Errorf("accepted %d connections each in %d iterations; the budget should need 3", pending, iterations)
	}
}

func TestListenAcceptPausesOnEMFILE(t *testing.T) {
	l := sockLoop(t)
	calls, fail := 0, true
	unixAccept := acceptFunc
	acceptFunc = func(fd int) (int, unix.Sockaddr, error) {
		calls++
		if fail {
			return -1, nil, unix.EMFILE
		}
		return unixAccept(fd)
	}
	t.Cleanup(func() { acceptFunc = unixAccept })
	var reported []error
	ln, acc := sockListen(t, l, "tcp", "127.0.0.1:0", &ListenOptions{
		OnError: func(err error) { reported = append(reported, err) },
	})
	sockDial(t, "tcp", ln.Addr().String(), 1)
	sockRunUntil(t, l, 5*time.Second, func() bool { return calls > 0 })
	sockRunFor(t, l, acceptPause/2)
	if calls != 1 {
		t.Errorf("accept called %d times during the pause, want 1 (no spinning)", calls)
	}
	if len(reported) != 1 || !errors.Is(reported[0], syscall.EMFILE) ||
		reported[0].Error() != "loop: accept: Too many open files" {
		t.Fatalf("OnError got %v, want one accept EMFILE", reported)
	}
	fail = false
	sockRunUntil(t, l, 5*time.Second, func() bool { return len(acc.fds) == 1 })
}

func TestListenPrepareAndOptions(t *testing.T) {
	l := sockLoop(t)
	prepared := 0
	ln, _ := sockListen(t, l, "tcp", "127.0.0.1:0", &ListenOptions{
		Prepare: func(fd int) int {
			prepared++
			if v, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); v != 0 {
				t.Error("Prepare ran after listen(2)")
			}
			if sa, err := unix.Getsockname(fd); err != nil || sa.(*unix.SockaddrInet4).Port == 0 {
				t.Errorf("Prepare: socket not bound: %v, %v", sa, err)
			}
			return 7
		},
	})
	if prepared != 1 {
		t.Errorf("Prepare ran %d times", prepared)
	}
	if v, _ := unix.GetsockoptInt(ln.Fd(), unix.SOL_SOCKET, unix.SO_ACCEPTCONN); v == 0 {
		t.Error("not listening after Listen")
	}
	if v, _ := unix.GetsockoptInt(ln.Fd(), unix.SOL_SOCKET, unix.SO_REUSEADDR); v == 0 {
		t.Error("SO_REUSEADDR not set by default")
	}
	ln2, _ := sockListen(t, l, "tcp", "127.0.0.1:0", &ListenOptions{ReuseAddr: new(false)})
	if v, _ := unix.GetsockoptInt(ln2.Fd(), unix.SOL_SOCKET, unix.SO_REUSEADDR); v != 0 {
		t.Error("SO_REUSEADDR set despite ReuseAddr false")
	}
}

func TestListenErrors(t *testing.T) {
	l := sockLoop(t)
	busy, _ := sockListen(t, l, "tcp", "127.0.0.1:0", nil)
	for _, tc := range []struct {
		network, address, op, text string
	}{
		{"udp", ":0", "listen", "loop: listen: unknown network udp"},
		{"tcp", "localhost:80", "listen", "loop: listen: address localhost: not an IP address"},
		{"tcp", "127.0.0.1", "listen", "loop: listen: address 127.0.0.1: missing port in address"},
		{"tcp", "127.0.0.1:http", "listen", "loop: listen: address 127.0.0.1:http: invalid port"},
		{"tcp4", "[::1]:0", "listen", "loop: listen: address ::1: non-IPv4 address"},
		{"tcp6", "127.0.0.1:0", "listen", "loop: listen: address 127.0.0.1: non-IPv6 address"},
		{"tcp", busy.Addr().String(), "bind", "loop: bind: Address already in use"},
		{"unix", "", "listen", "loop: listen: empty socket path"},
	} {
		ln, err := l.Listen(tc.network, tc.address, nil, nil)
		var oe *OpError
		if ln != nil || !errors.As(err, &oe) || oe.Op != tc.op || err.Error() != tc.text {
			t.Errorf("Listen(%q, %q) = %v, %v; want *OpError %q", tc.network, tc.address, ln, err, tc.text)
		}
	}
}
