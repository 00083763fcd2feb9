package sys

import (
	"bytes"
	"os"
	"os/signal"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Recv and Send move bytes like Read and Write, report EAGAIN and EPIPE
// as raw errnos, accept empty buffers, and a Send to a peer that is gone
// fails with EPIPE instead of raising SIGPIPE.
func TestRawSocketIO(t *testing.T) {
	a, b := rawPair(t)
	buf := make([]byte, 64)
	if _, err := Recv(a, buf); err != unix.EAGAIN {
		t.Fatalf("recv of an empty socket: %v, want EAGAIN", err)
	}
	if n, err := Send(b, []byte("hello")); n != 5 || err != nil {
		t.Fatalf("send: %d, %v", n, err)
	}
	if n, err := Send(b, nil); n != 0 || err != nil {
		t.Fatalf("empty send: %d, %v", n, err)
	}
	n, err := Recv(a, buf)
	if err != nil || !bytes.Equal(buf[:n], []byte("hello")) {
		t.Fatalf("recv %q, %v", buf[:n], err)
	}
	if _, err := Recv(-1, buf); err != unix.EBADF {
		t.Fatalf("recv from -1: %v, want EBADF", err)
	}
	var v Iovecs
	if n, err := v.Sendmsg(b, [][]byte{[]byte("multi"), nil, []byte("-slice")}); n != 11 || err != nil {
		t.Fatalf("sendmsg: %d, %v", n, err)
	}
	if n, err := Recv(a, buf); err != nil || string(buf[:n]) != "multi-slice" {
		t.Fatalf("recv after sendmsg %q, %v", buf[:n], err)
	}
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, unix.SIGPIPE)
	defer signal.Stop(sigpipe)
	unix.Shutdown(a, unix.SHUT_RDWR)
	if _, err := Send(b, []byte("gone")); err != unix.EPIPE {
		t.Fatalf("send to a closed peer: %v, want EPIPE", err)
	}
	if _, err := v.Sendmsg(b, [][]byte{[]byte("gone"), []byte("too")}); err != unix.EPIPE {
		t.Fatalf("sendmsg to a closed peer: %v, want EPIPE", err)
	}
	select {
	case <-sigpipe:
		if runtime.GOOS == "linux" && runtime.GOARCH != "386" && runtime.GOARCH != "s390x" {
			t.Fatal("Send or Sendmsg raised SIGPIPE")
		}
	case <-time.After(100 * time.Millisecond):
	}
	if n, err := Recv(b, buf); n != 0 || err != nil {
		t.Fatalf("recv after the peer's shutdown: %d, %v; want end-of-file", n, err)
	}
}

// Recv and Send allocate nothing.
func TestRawSocketIOAllocs(t *testing.T) {
	a, b := rawPair(t)
	buf := make([]byte, 16)
	allocs := testing.AllocsPerRun(100, func() {
		Send(b, buf)
		Recv(a, buf)
		Recv(a, buf) // EAGAIN
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per round, want 0", allocs)
	}
}

// BenchmarkLoopbackRoundTrip is one request and one response over a
// loopback TCP connection on one thread: 4 calls, with read/write and with
// recv/send.
func BenchmarkLoopbackRoundTrip(b *testing.B) {
	for _, c := range []struct {
		name        string
		read, write func(int, []byte) (int, error)
	}{{"read-write", Read, Write}, {"recv-send", Recv, Send}} {
		b.Run(c.name, func(b *testing.B) {
			x, y := tcpPair(b)
			req, buf := make([]byte, 80), make([]byte, 4096)
			for b.Loop() {
				c.write(x, req)
				c.read(y, buf)
				c.write(y, req)
				c.read(x, buf)
			}
		})
	}
}

// tcpPair returns the two ends of a loopback TCP connection, non-blocking.
func tcpPair(tb testing.TB) (int, int) {
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		tb.Fatal(err)
	}
	unix.Listen(ln, 1)
	sa, _ := unix.Getsockname(ln)
	x, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { unix.Close(x) })
	if err := unix.Connect(x, sa); err != nil {
		tb.Fatal(err)
	}
	y, _, err := unix.Accept(ln)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { unix.Close(y) })
	unix.SetNonblock(x, true)
	unix.SetNonblock(y, true)
	return x, y
}
