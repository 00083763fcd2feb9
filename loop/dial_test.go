package loop

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// sockLoop returns a new loop closed at the end of the test.
func sockLoop(t *testing.T) *Loop {
	t.Helper()
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// sockRunUntil runs l until cond holds, failing the test after limit.
// It blocks only when nothing is pending: RunOnce(true) polls with a
// blocking timeout even after its deferred step ran a callback, which would
// stall a test whose condition a deferred callback just fulfilled.
func sockRunUntil(t *testing.T, l *Loop, limit time.Duration, cond func() bool) {
	t.Helper()
	l.NowUpdate()
	expired := false
	tm := l.Timer(limit, 0, func() { expired = true })
	defer tm.Stop()
	for !cond() {
		if expired {
			t.Fatalf("condition not met within %v", limit)
		}
		if err := l.RunOnce(l.Timeout() != 0); err != nil {
			t.Fatal(err)
		}
	}
}

// sockRunFor runs l for about d.
func sockRunFor(t *testing.T, l *Loop, d time.Duration) {
	t.Helper()
	l.NowUpdate()
	done := false
	tm := l.Timer(d, 0, func() { done = true })
	defer tm.Stop()
	for !done {
		if err := l.RunOnce(l.Timeout() != 0); err != nil {
			t.Fatal(err)
		}
	}
}

// sockCountFds counts the process's open descriptors.
func sockCountFds(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(ents)
}

// sockNeedIPv6 skips the test when the machine has no IPv6 loopback.
func sockNeedIPv6(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp6", "[::1]:0")
	if err != nil {
		t.Logf("no IPv6 loopback on this machine, skipping: %v", err)
		t.Skip("no IPv6 loopback")
	}
	ln.Close()
}

// sockClosedPort returns an address on ip where nothing listens.
func sockClosedPort(t *testing.T, ip string) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Fatal(err)
	}
	ap := ln.Addr().(*net.TCPAddr).AddrPort()
	ln.Close()
	return ap
}

// sockCheckFlags asserts that fd is non-blocking and close-on-exec.
func sockCheckFlags(t *testing.T, fd int) {
	t.Helper()
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil || fl&unix.O_NONBLOCK == 0 {
		t.Errorf("fd %d: F_GETFL = %#x, %v; want O_NONBLOCK", fd, fl, err)
	}
	fdfl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	if err != nil || fdfl&unix.FD_CLOEXEC == 0 {
		t.Errorf("fd %d: F_GETFD = %#x, %v; want FD_CLOEXEC", fd, fdfl, err)
	}
}

// sockEcho accepts on network/address and echoes every byte back.
func sockEcho(t *testing.T, l *Loop, network, address string) *Listener {
	t.Helper()
	ln, err := l.Listen(network, address, nil, func(fd int, _ net.Addr) {
		var w *IO
		w, _ = l.IO(fd, Read, func(Events) {
			var buf [512]byte
			n, err := w.Read(buf[:])
			if err == unix.EAGAIN {
				return
			}
			if n == 0 || err != nil {
				w.Stop()
				unix.Close(fd)
				return
			}
			unix.Write(fd, buf[:n])
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// sockExchange writes msg on fd and waits for it to come back.
func sockExchange(t *testing.T, l *Loop, fd int, msg string) {
	t.Helper()
	if n, err := unix.Write(fd, []byte(msg)); n != len(msg) || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	var got []byte
	w, err := l.IO(fd, Read, func(Events) {})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	sockRunUntil(t, l, 5*time.Second, func() bool {
		var buf [512]byte
		if n, err := w.Read(buf[:]); err == nil {
			got = append(got, buf[:n]...)
		}
		return len(got) >= len(msg)
	})
	if string(got) != msg {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
}

// sockConnect connects and runs the loop until the callback ran, checking
// that it did not run before Connect returned.
func sockConnect(t *testing.T, l *Loop, connect func(cb func(int, error)) *Connecting) (int, error) {
	t.Helper()
	returned, called := false, false
	var gotFd int
	var gotErr error
	connect(func(fd int, err error) {
		if !returned {
			t.Error("callback ran before Connect returned")
		}
		if called {
			t.Error("callback ran twice")
		}
		called, gotFd, gotErr = true, fd, err
	})
	returned = true
	sockRunUntil(t, l, 10*time.Second, func() bool { return called })
	if gotErr == nil {
		t.Cleanup(func() { unix.Close(gotFd) })
	}
	return gotFd, gotErr
}

func TestConnectLoopback(t *testing.T) {
	for _, tc := range []struct{ name, network, listen, connect string }{
		{"ipv4", "tcp4", "127.0.0.1:0", "127.0.0.1"},
		{"ipv6", "tcp6", "[::1]:0", "::1"},
		{"v4mapped", "tcp4", "127.0.0.1:0", "::ffff:127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.network == "tcp6" {
				sockNeedIPv6(t)
			}
			l := sockLoop(t)
			ln := sockEcho(t, l, tc.network, tc.listen)
			port := ln.Addr().(*net.TCPAddr).Port
			addr := netip.AddrPortFrom(netip.MustParseAddr(tc.connect), uint16(port))
			fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
				return l.Connect(addr, nil, cb)
			})
			if err != nil {
				t.Fatalf("Connect(%v) = %v", addr, err)
			}
			sockCheckFlags(t, fd)
			if fd < len(l.byFd) && l.byFd[fd] != nil {
				t.Errorf("fd %d still registered with the loop after hand-over", fd)
			}
			sockExchange(t, l, fd, "hello, anyevent")
		})
	}
}

func TestConnectRefused(t *testing.T) {
	for _, ip := range []string{"127.0.0.1", "::1"} {
		t.Run(ip, func(t *testing.T) {
			if ip == "::1" {
				sockNeedIPv6(t)
			}
			l := sockLoop(t)
			addr := sockClosedPort(t, ip)
			fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
				return l.Connect(addr, &ConnectOptions{Timeout: 5 * time.Second}, cb)
			})
			var oe *OpError
			if fd != -1 || !errors.As(err, &oe) || oe.Op != "connect" {
				t.Fatalf("Connect(closed port) = %d, %#v; want -1, *OpError{Op: connect}", fd, err)
			}
			if !errors.Is(err, syscall.ECONNREFUSED) {
				t.Errorf("error %v is not ECONNREFUSED", err)
			}
			if got := ErrorText(err); got != "Connection refused" {
				t.Errorf("ErrorText = %q, want %q", got, "Connection refused")
			}
			if got := err.Error(); got != "loop: connect: Connection refused" {
				t.Errorf("Error() = %q", got)
			}
			if oe.Timeout() {
				t.Error("refused connect claims to be a timeout")
			}
		})
	}
}

func TestConnectPrepare(t *testing.T) {
	l := sockLoop(t)
	ln := sockEcho(t, l, "tcp", "127.0.0.1:0")
	addr := ln.Addr().(*net.TCPAddr).AddrPort()
	const rcvbuf = 32 << 10
	prepared, prepFd, prepBuf := 0, -1, 0
	opts := &ConnectOptions{Prepare: func(fd int) time.Duration {
		prepared++
		prepFd = fd
		if _, err := unix.Getpeername(fd); err != unix.ENOTCONN {
			t.Errorf("Prepare: getpeername = %v, want ENOTCONN (not yet connected)", err)
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, rcvbuf); err != nil {
			t.Errorf("Prepare: set SO_RCVBUF: %v", err)
		}
		prepBuf, _ = unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF)
		return 0
	}}
	var c *Connecting
	fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
		c = l.Connect(addr, opts, cb)
		if prepared != 1 {
			t.Errorf("Prepare ran %d times before Connect returned, want 1", prepared)
		}
		return c
	})
	if err != nil {
		t.Fatal(err)
	}
	if fd != prepFd {
		t.Errorf("Prepare saw fd %d, callback got %d", prepFd, fd)
	}
	if prepBuf < rcvbuf {
		t.Errorf("SO_RCVBUF read back in Prepare = %d, want >= %d", prepBuf, rcvbuf)
	}
	if got, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF); got != prepBuf {
		t.Errorf("SO_RCVBUF of the connected fd = %d, want %d", got, prepBuf)
	}
	sockExchange(t, l, fd, "prepared")
}

// sockFullListener returns the address of a loopback listener whose accept
// queue is full, so that the kernel drops further SYNs and a connect to it
// can only time out. It fills the queue with connections made on l until
// one of them times out.
func sockFullListener(t *testing.T, l *Loop) netip.AddrPort {
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
	addr := netip.AddrPortFrom(netip.AddrFrom4(sa.(*unix.SockaddrInet4).Addr), uint16(sa.(*unix.SockaddrInet4).Port))
	for range 16 {
		cfd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
			return l.Connect(addr, &ConnectOptions{Timeout: 300 * time.Millisecond}, cb)
		})
		if errors.Is(err, ErrTimeout) {
			return addr
		}
		if err != nil {
			t.Fatalf("filling the accept queue: %v", err)
		}
		_ = cfd // kept open (closed at cleanup) so it stays queued
	}
	t.Fatal("accept queue never filled up: the kernel did not drop SYNs")
	return addr
}

func sockCheckTimeout(t *testing.T, fd int, err error) {
	t.Helper()
	var oe *OpError
	if fd != -1 || !errors.As(err, &oe) || oe.Op != "connect" {
		t.Fatalf("got %d, %v; want -1, *OpError{Op: connect}", fd, err)
	}
	if !errors.Is(err, syscall.ETIMEDOUT) || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.Is(err, ErrTimeout) {
		t.Errorf("%v does not match ETIMEDOUT, os.ErrDeadlineExceeded and ErrTimeout", err)
	}
	if !oe.Timeout() {
		t.Error("Timeout() = false")
	}
	if got := ErrorText(err); got != "Connection timed out" {
		t.Errorf("ErrorText = %q, want %q", got, "Connection timed out")
	}
	if got := err.Error(); got != "loop: connect: Connection timed out" {
		t.Errorf("Error() = %q", got)
	}
}

func TestConnectTimeout(t *testing.T) {
	l := sockLoop(t)
	addr := sockFullListener(t, l)
	const timeout = 200 * time.Millisecond
	l.NowUpdate()
	start := time.Now()
	fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
		return l.Connect(addr, &ConnectOptions{Timeout: timeout}, cb)
	})
	sockCheckTimeout(t, fd, err)
	if el := time.Since(start); el < timeout || el > timeout+2*time.Second {
		t.Errorf("timed out after %v, want about %v", el, timeout)
	}
}

func TestConnectPrepareTimeout(t *testing.T) {
	l := sockLoop(t)
	addr := sockFullListener(t, l)
	const timeout = 150 * time.Millisecond
	opts := &ConnectOptions{
		Timeout: time.Hour,
		Prepare: func(int) time.Duration { return timeout },
	}
	l.NowUpdate()
	start := time.Now()
	fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
		return l.Connect(addr, opts, cb)
	})
	sockCheckTimeout(t, fd, err)
	if el := time.Since(start); el < timeout || el > 5*time.Second {
		t.Errorf("timed out after %v, want about %v (Prepare's result)", el, timeout)
	}

	opts.Prepare = func(int) time.Duration { return -1 }
	c := l.Connect(addr, opts, func(int, error) { t.Error("callback of a cancelled attempt ran") })
	if c.timer != nil {
		t.Error("a negative Prepare result left a timeout armed")
	}
	c.Cancel()
}

func TestConnectCancel(t *testing.T) {
	l := sockLoop(t)
	full := sockFullListener(t, l)
	dir := t.TempDir()
	unixLn := sockEcho(t, l, "unix", filepath.Join(dir, "s"))
	unixPath := unixLn.Addr().String()
	cases := []struct {
		name  string
		start func(cb func(int, error)) *Connecting
	}{
		{"waiting", func(cb func(int, error)) *Connecting {
			return l.Connect(full, &ConnectOptions{Timeout: 50 * time.Millisecond}, cb)
		}},
		{"immediate success", func(cb func(int, error)) *Connecting {
			return l.ConnectUnix(unixPath, nil, cb)
		}},
		{"immediate error", func(cb func(int, error)) *Connecting {
			return l.ConnectUnix(filepath.Join(dir, "missing"), nil, cb)
		}},
		{"invalid address", func(cb func(int, error)) *Connecting {
			return l.Connect(netip.AddrPort{}, nil, cb)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sockRunFor(t, l, 10*time.Millisecond)
			before := sockCountFds(t)
			c := tc.start(func(int, error) { t.Error("callback ran after Cancel") })
			if tc.name == "waiting" {
				if err := l.RunOnce(false); err != nil {
					t.Fatal(err)
				}
				if c.state != connWaiting {
					t.Fatalf("state = %d, want connWaiting", c.state)
				}
			}
			c.Cancel()
			c.Cancel()
			sockRunFor(t, l, 100*time.Millisecond) // past the 50ms timeout
			if after := sockCountFds(t); after != before {
				t.Errorf("open descriptors: %d before, %d after Cancel", before, after)
			}
		})
	}
}

func TestConnectCancelAfterCallback(t *testing.T) {
	l := sockLoop(t)
	ln := sockEcho(t, l, "tcp", "127.0.0.1:0")
	var c *Connecting
	fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
		c = l.Connect(ln.Addr().(*net.TCPAddr).AddrPort(), nil, cb)
		return c
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Cancel()
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
		t.Fatalf("Cancel after the callback closed the caller's fd: %v", err)
	}
	sockExchange(t, l, fd, "still mine")
}

func TestConnectUnix(t *testing.T) {
	l := sockLoop(t)
	path := filepath.Join(t.TempDir(), "echo.sock")
	sockEcho(t, l, "unix", path)
	fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
		return l.ConnectUnix(path, nil, cb)
	})
	if err != nil {
		t.Fatal(err)
	}
	sockCheckFlags(t, fd)
	sockExchange(t, l, fd, "over a unix socket")

	_, err = sockConnect(t, l, func(cb func(int, error)) *Connecting {
		return l.ConnectUnix(path+".missing", nil, cb)
	})
	if !errors.Is(err, syscall.ENOENT) || err.Error() != "loop: connect: No such file or directory" {
		t.Errorf("ConnectUnix(missing) error = %v", err)
	}
}

func TestConnectInvalidAddress(t *testing.T) {
	l := sockLoop(t)
	fd, err := sockConnect(t, l, func(cb func(int, error)) *Connecting {
		return l.Connect(netip.AddrPort{}, nil, cb)
	})
	var oe *OpError
	if fd != -1 || !errors.As(err, &oe) || oe.Op != "connect" || !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("Connect(zero AddrPort) = %d, %v; want -1, connect EINVAL", fd, err)
	}
	if got := ErrorText(err); got != "Invalid argument" {
		t.Errorf("ErrorText = %q", got)
	}
}

// BenchmarkConnect measures one non-blocking loopback connect, its accept
// and both closes, all on one loop (PERFORMANCE.md P7).
func BenchmarkConnect(b *testing.B) {
	l, err := New()
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	ln, err := l.Listen("tcp", "127.0.0.1:0", nil, func(fd int, _ net.Addr) { unix.Close(fd) })
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().(*net.TCPAddr).AddrPort()
	done := false
	cb := func(fd int, err error) {
		if err != nil {
			b.Fatal(err)
		}
		unix.Close(fd)
		done = true
	}
	b.ReportAllocs()
	for b.Loop() {
		done = false
		l.Connect(addr, nil, cb)
		for !done {
			if err := l.RunOnce(l.Timeout() != 0); err != nil {
				b.Fatal(err)
			}
		}
	}
}
