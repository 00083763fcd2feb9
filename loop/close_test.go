package loop

import (
	"bytes"
	"net"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Loop.Close closes every fd its objects hold: a live Handle, one destroyed
// in a timer callback (whose close waits for the end of an iteration), one
// lingering with output the peer does not read, a connection attempt and
// a Listener. The Handles' peers see end-of-file; the other fds are gone.
func TestLoopCloseReleasesFds(t *testing.T) {
	l := hsLoop(t)
	a1, b1 := hsPair(t)
	hsHandle(t, l, a1, nil) // live
	a2, b2 := hsPair(t)
	h2 := hsHandle(t, l, a2, nil)
	l.Timer(0, 0, h2.Destroy)
	if err := l.RunOnce(false); err != nil || !h2.Destroyed() {
		t.Fatalf("RunOnce: %v, destroyed %v", err, h2.Destroyed())
	}
	a3, b3 := hsPair(t)
	h3 := hsHandle(t, l, a3, &HandleOptions{Linger: time.Hour})
	h3.Write(bytes.Repeat([]byte("L"), 4<<20)) // more than the socket takes
	h3.Destroy()

	ln, err := l.Listen("tcp4", "127.0.0.1:0", nil, func(int, net.Addr) { t.Error("accepted") })
	if err != nil {
		t.Fatal(err)
	}
	lnAddr := ln.Addr().String()
	c := l.Connect(netip.MustParseAddrPort(lnAddr), nil, func(int, error) { t.Error("connect callback") })
	cfd := c.fd
	if cfd < 0 {
		t.Fatal("the attempt holds no fd")
	}
	l.Close()

	for i, b := range []int{b1, b2, b3} {
		unix.SetNonblock(b, true)
		buf := make([]byte, 64<<10)
		for k := 0; ; k++ {
			n, err := unix.Read(b, buf)
			if n == 0 && err == nil {
				break // end-of-file
			}
			if err != nil || k > 1000 {
				t.Errorf("handle %d: %v after %d reads: its fd is still open", i+1, err, k)
				break
			}
		}
	}
	if _, err := unix.FcntlInt(uintptr(cfd), unix.F_GETFD, 0); err != unix.EBADF {
		t.Errorf("the connection attempt's fd is still open: %v", err)
	}
	if ln.Fd() != -1 {
		t.Error("the listener is still open")
	}
	if conn, err := net.Dial("tcp4", lnAddr); err == nil {
		conn.Close()
		t.Error("the listening socket still accepts connections")
	}
}

// Close called from a callback ends the iteration: the callbacks still due
// in it do not run, RunOnce returns without touching the closed poller, and
// the loop refuses further iterations.
func TestLoopCloseFromCallback(t *testing.T) {
	for _, where := range []string{"timer", "defer"} {
		t.Run(where, func(t *testing.T) {
			l := hsLoop(t)
			ran := 0
			switch where {
			case "timer":
				l.Timer(0, 0, func() { l.Close() })
				l.Timer(0, 0, func() { ran++ })
			case "defer":
				l.Defer(func() { l.Close() })
				l.Defer(func() { ran++ })
			}
			l.Timer(0, 0, func() { ran++ })
			if err := l.RunOnce(false); err != nil {
				t.Errorf("RunOnce: %v", err)
			}
			if ran != 0 {
				t.Errorf("%d callbacks ran after Close", ran)
			}
			if err := l.RunOnce(false); err != ErrClosed {
				t.Errorf("RunOnce after Close: %v", err)
			}
		})
	}
	l := hsLoop(t)
	l.Timer(time.Millisecond, 0, func() { l.Close() })
	if err := l.Run(); err != nil {
		t.Errorf("Run closed by a callback: %v", err)
	}
	// A Unix socket connects at once: the attempt would hold its socket
	// for a delivery that never runs.
	path := filepath.Join(t.TempDir(), "s")
	lfd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(lfd)
	if err := unix.Bind(lfd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(lfd, 8); err != nil {
		t.Fatal(err)
	}
	c := l.ConnectUnix(path, nil, func(int, error) { t.Error("callback on a closed loop") })
	if c.fd != -1 {
		t.Errorf("Connect on a closed loop made fd %d", c.fd)
	}
}
