package sys

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// udpPeer returns a UDP socket bound to 127.0.0.1 and its address.
func udpPeer(t *testing.T) (int, *unix.SockaddrInet4) {
	t.Helper()
	fd, err := Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return fd, sa.(*unix.SockaddrInet4)
}

func localPort(t *testing.T, fd int) int {
	t.Helper()
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	return sa.(*unix.SockaddrInet4).Port
}

// readWait reads one datagram from non-blocking fd, waiting up to a second.
func readWait(t *testing.T, fd int) ([]byte, error) {
	t.Helper()
	buf := make([]byte, 64)
	for range 100 {
		n, err := unix.Read(fd, buf)
		if err != unix.EAGAIN {
			if err != nil {
				return nil, err
			}
			return buf[:n], nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil, unix.EAGAIN
}

// TestDisconnectRebinds: after Disconnect a socket has no port and gets
// nothing sent to its old one; connecting again binds a new port (random,
// so it differs from the old one almost always: 20 tries) that works.
func TestDisconnectRebinds(t *testing.T) {
	if !DisconnectRebinds {
		if err := Disconnect(0); err != unix.ENOTSUP {
			t.Errorf("Disconnect = %v, want ENOTSUP", err)
		}
		t.Skip("Disconnect is Linux only")
	}
	peer, peerAddr := udpPeer(t)
	fd, err := Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Connect(fd, peerAddr); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	changed := false
	for i := range 20 {
		old := localPort(t, fd)
		seen[old] = true
		if err := Disconnect(fd); err != nil {
			t.Fatal(err)
		}
		if p := localPort(t, fd); p != 0 {
			t.Fatalf("port %d still bound after Disconnect", p)
		}
		to := &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: old}
		if err := unix.Sendto(peer, []byte("stale"), 0, to); err != nil && err != unix.ECONNREFUSED {
			t.Fatal(err)
		}
		if err := unix.Connect(fd, peerAddr); err != nil {
			t.Fatal(err)
		}
		p := localPort(t, fd)
		changed = changed || !seen[p]
		msg := []byte{byte(i)}
		if err := unix.Sendto(peer, msg, 0, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: p}); err != nil {
			t.Fatal(err)
		}
		got, err := readWait(t, fd)
		if err != nil || len(got) != 1 || got[0] != byte(i) {
			t.Fatalf("round %d: read %q, %v; want the datagram sent to the new port only", i, got, err)
		}
	}
	if !changed {
		t.Errorf("20 reconnections kept port(s) %v", seen)
	}
}
