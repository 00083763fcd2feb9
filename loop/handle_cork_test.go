package loop

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// hsPending reads what is waiting on the blocking peer fd without
// blocking; "" when nothing is.
func hsPending(t testing.TB, fd int) string {
	t.Helper()
	buf := make([]byte, 256)
	n, _, err := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
	if err == unix.EAGAIN {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(buf[:n])
}

// hsReadAll runs l while the peer fd reads until want bytes arrived,
// failing after 10 s: output the handle cannot write at once must follow.
func hsReadAll(t testing.TB, l *Loop, fd, want int) {
	t.Helper()
	total := 0
	buf := make([]byte, 1<<16)
	hsRun(t, l, 10*time.Second, func() bool {
		n, _, _ := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
		total += max(n, 0)
		return total == want
	})
}

// The writes that the callbacks of one iteration make on corked handles
// leave at the start of the next iteration, before the loop polls: every
// handle's output at once, coalesced, and nothing before.
func TestCorkFlushesBeforePoll(t *testing.T) {
	l := hsLoop(t)
	a1, b1 := hsPair(t)
	a2, b2 := hsPair(t)
	h1 := hsHandle(t, l, a1, &HandleOptions{Autocork: true})
	h2 := hsHandle(t, l, a2, &HandleOptions{Autocork: true})
	fired := false
	l.Timer(0, 0, func() {
		fired = true
		h1.Write([]byte("GET /1 "))
		h2.Write([]byte("GET /2 "))
		h1.Write([]byte("HTTP/1.1"))
		h2.Write([]byte("HTTP/1.1"))
	})
	hsRun(t, l, 5*time.Second, func() bool { return fired })
	if got := hsPending(t, b1) + hsPending(t, b2); got != "" {
		t.Fatalf("corked output left before the iteration ended: %q", got)
	}
	if l.Timeout() != 0 {
		t.Fatalf("Timeout() = %v with corked output pending, want 0", l.Timeout())
	}
	if len(h1.wq.chunks) != 1 || len(h2.wq.chunks) != 1 {
		t.Fatalf("chunks queued: %d, %d; want the writes of each handle coalesced", len(h1.wq.chunks), len(h2.wq.chunks))
	}
	if err := l.RunOnce(false); err != nil {
		t.Fatal(err)
	}
	if got := hsPending(t, b1); got != "GET /1 HTTP/1.1" {
		t.Fatalf("peer 1 got %q", got)
	}
	if got := hsPending(t, b2); got != "GET /2 HTTP/1.1" {
		t.Fatalf("peer 2 got %q", got)
	}
	if h1.WBufLen() != 0 || h2.WBufLen() != 0 || l.Timeout() != -1 {
		t.Fatalf("after the flush: queued %d, %d, Timeout %v", h1.WBufLen(), h2.WBufLen(), l.Timeout())
	}
}

// A write error found by the flush is reported like one found by Write:
// fatal, through OnError, in a later step, never from inside the flush.
func TestCorkFlushErrorIsDeferred(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got error
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true, OnError: func(_ *Handle, fatal bool, err error) {
		if !fatal {
			t.Error("non-fatal write error")
		}
		got = err
	}})
	unix.Shutdown(b, unix.SHUT_RDWR)
	h.Write([]byte("into the void"))
	l.flushCorked()
	if got != nil {
		t.Fatal("the flush called OnError itself")
	}
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !errors.Is(got, syscall.EPIPE) {
		t.Fatalf("error %v, want EPIPE", got)
	}
}

// A corked handle destroyed before the flush is not written by it: with
// Linger negative its output is dropped, the peer sees only end-of-file;
// with lingering it is still delivered.
func TestCorkDestroyBeforeFlush(t *testing.T) {
	for _, linger := range []time.Duration{-1, time.Second} {
		l := hsLoop(t)
		a, b := hsPair(t)
		h := hsHandle(t, l, a, &HandleOptions{Autocork: true, Linger: linger})
		h.Write([]byte("last words"))
		h.Destroy()
		want := "last words"
		if linger < 0 {
			want = ""
		}
		var got []byte
		buf := make([]byte, 64)
		hsRun(t, l, 5*time.Second, func() bool {
			n, _, err := unix.Recvfrom(b, buf, unix.MSG_DONTWAIT)
			got = append(got, buf[:max(n, 0)]...)
			return n == 0 && err == nil // end-of-file
		})
		if string(got) != want {
			t.Fatalf("linger %v: peer got %q, want %q", linger, got, want)
		}
	}
}

// A handle whose socket is full is not put on the cork list: its queue
// waits for write readiness, and what the flush cannot write stays queued.
func TestCorkFullSocketWaitsForReadiness(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true})
	big := make([]byte, 4<<20)
	h.Write(big)
	if err := l.RunOnce(false); err != nil {
		t.Fatal(err)
	}
	if h.WBufLen() == 0 || !h.wblocked {
		t.Fatalf("4 MiB fit into a socketpair: queued %d", h.WBufLen())
	}
	h.Write([]byte("tail"))
	if h.corked || len(h.sh.corked) != 0 {
		t.Fatal("a blocked handle went onto the cork list")
	}
	hsReadAll(t, l, b, len(big)+len("tail"))
}

// A warm corked handle queues and flushes without allocating: the chunk
// and the chunk list come from the loop's free lists.
func TestCorkAllocs(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true})
	msg := []byte("GET / HTTP/1.1\r\n\r\n")
	buf := make([]byte, 64)
	round := func() {
		h.Write(msg)
		l.flushCorked()
		unix.Read(b, buf)
	}
	round()
	if allocs := testing.AllocsPerRun(1000, round); allocs != 0 {
		t.Fatalf("%v allocations per corked write", allocs)
	}
}

// A corked handle that something else flushes until its socket is full
// (here Write after SetAutocork(false); StartTLS's flush is the other way)
// must not lose its write interest: the rest goes out as the peer reads.
func TestCorkedThenBlockedKeepsWriting(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true})
	h.Write([]byte("x"))
	h.SetAutocork(false)
	big := make([]byte, 4<<20)
	h.Write(big)
	if !h.wblocked {
		t.Fatal("4 MiB fit into a socketpair")
	}
	hsReadAll(t, l, b, 1+len(big))
}

// A write made on a corked handle by a callback that runs before the I/O
// dispatch of the same iteration (here a posted function) is not made by
// that dispatch either, though the socket is known to be writable: it
// waits for the flush of the next iteration.
func TestCorkHoldsWritesFromPostedFunctions(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true})
	if err := l.RunOnce(false); err != nil { // learn that a is writable
		t.Fatal(err)
	}
	l.Post(func() { h.Write([]byte("posted")) })
	if err := l.RunOnce(true); err != nil {
		t.Fatal(err)
	}
	if got := hsPending(t, b); got != "" {
		t.Fatalf("written in the iteration that queued it: %q", got)
	}
	if err := l.RunOnce(false); err != nil {
		t.Fatal(err)
	}
	if got := hsPending(t, b); got != "posted" {
		t.Fatalf("peer got %q after the flush", got)
	}
}

// A corked handle destroyed before the flush is left alone by it, even
// with a Shutdown pending: the flush must not half-close the fd number,
// which a new socket may already use.
func TestCorkDestroyedHandleLeavesReusedFd(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true, Linger: -1})
	h.Write([]byte("never sent"))
	h.Shutdown()
	h.Destroy()
	x, y := hsPair(t)
	defer unix.Close(x)
	if x != a {
		t.Skipf("the fd number was not reused (%d, then %d)", a, x)
	}
	if err := l.RunOnce(false); err != nil {
		t.Fatal(err)
	}
	hsWrite(t, y, "still open")
	buf := make([]byte, 64)
	if n, err := unix.Read(x, buf); err != nil || string(buf[:n]) != "still open" {
		t.Fatalf("new socket on the reused fd: %q, %v", buf[:max(n, 0)], err)
	}
	if _, _, err := unix.Recvfrom(y, buf, unix.MSG_DONTWAIT); err != unix.EAGAIN {
		t.Fatalf("the new socket's peer sees %v, want nothing (EAGAIN), not end-of-file", err)
	}
}
