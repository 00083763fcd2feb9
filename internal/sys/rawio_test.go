package sys

import (
	"bytes"
	"testing"

	"golang.org/x/sys/unix"
)

func rawPair(t *testing.T) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// Read, Write and Writev move bytes, report EAGAIN as the raw errno, and
// accept empty buffers.
func TestRawIO(t *testing.T) {
	a, b := rawPair(t)
	buf := make([]byte, 64)
	if _, err := Read(a, buf); err != unix.EAGAIN {
		t.Fatalf("read of an empty socket: %v, want EAGAIN", err)
	}
	if n, err := Write(b, []byte("hello")); n != 5 || err != nil {
		t.Fatalf("write: %d, %v", n, err)
	}
	if n, err := Write(b, nil); n != 0 || err != nil {
		t.Fatalf("empty write: %d, %v", n, err)
	}
	var v Iovecs
	if n, err := v.Writev(b, [][]byte{[]byte(", "), nil, []byte("world")}); n != 7 || err != nil {
		t.Fatalf("writev: %d, %v", n, err)
	}
	n, err := Read(a, buf)
	if err != nil || !bytes.Equal(buf[:n], []byte("hello, world")) {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	if n, err := Read(a, nil); n != 0 || err != nil {
		t.Fatalf("empty read: %d, %v", n, err)
	}
	if _, err := Write(-1, buf); err != unix.EBADF {
		t.Fatalf("write to -1: %v, want EBADF", err)
	}
}

// Writev fills the socket and then reports EAGAIN; more slices than
// MaxWritev are cut, not refused.
func TestRawWritevFull(t *testing.T) {
	a, b := rawPair(t)
	chunk := make([]byte, 1024)
	iov := make([][]byte, MaxWritev+10)
	for i := range iov {
		iov[i] = chunk
	}
	var v Iovecs
	total := 0
	for {
		n, err := v.Writev(a, iov)
		if err == unix.EAGAIN {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n > MaxWritev*len(chunk) {
			t.Fatalf("wrote %d bytes, more than %d slices", n, MaxWritev)
		}
		total += n
	}
	if total == 0 {
		t.Fatal("nothing written")
	}
	_ = b
	for _, e := range v.v[:cap(v.v)] {
		if e.Base != nil {
			t.Fatal("Iovecs keeps a buffer alive")
		}
	}
}

// Read and Write allocate nothing.
func TestRawIOAllocs(t *testing.T) {
	a, b := rawPair(t)
	buf := make([]byte, 16)
	allocs := testing.AllocsPerRun(100, func() {
		Write(b, buf)
		Read(a, buf)
		Read(a, buf) // EAGAIN
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per round, want 0", allocs)
	}
}
