package loop

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Helpers of the handle tests; prefixed hs so they cannot clash with the
// helpers of other test files of the package.

func hsLoop(t testing.TB) *Loop {
	t.Helper()
	l, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// hsPair returns a connected stream socketpair: the first end for a
// handle, which closes it, the second, blocking, for the test's peer, closed
// when the test ends. Tests end the peer's side with shutdown(2), never
// close(2), so no fd is closed twice.
func hsPair(t testing.TB) (int, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// hsHandle makes a handle that is destroyed, without lingering, when the
// test ends.
func hsHandle(t testing.TB, l *Loop, fd int, o *HandleOptions) *Handle {
	t.Helper()
	h, err := NewHandle(l, fd, o)
	if err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Destroy()
		h.endLinger()
	})
	return h
}

// hsRun runs l until done reports true, failing after limit. A ticking
// timer keeps the loop from sleeping long while peers act on goroutines.
func hsRun(t testing.TB, l *Loop, limit time.Duration, done func() bool) {
	t.Helper()
	tick := l.Timer(5*time.Millisecond, 5*time.Millisecond, func() {})
	defer tick.Stop()
	deadline := time.Now().Add(limit)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not reached within %v", limit)
		}
		if err := l.RunOnce(true); err != nil {
			t.Fatal(err)
		}
	}
}

// hsRunFor runs l for about d.
func hsRunFor(t testing.TB, l *Loop, d time.Duration) {
	t.Helper()
	end := time.Now().Add(d)
	hsRun(t, l, d+5*time.Second, func() bool { return time.Now().After(end) })
}

func hsWrite(t testing.TB, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

// hsEvents records callbacks as text, in order.
type hsEvents []string

func (ev *hsEvents) add(format string, args ...any) { *ev = append(*ev, fmt.Sprintf(format, args...)) }

// onError returns an OnError that records "error fatal=<f> <ErrorText>".
func (ev *hsEvents) onError() ErrorFunc {
	return func(h *Handle, fatal bool, err error) { ev.add("error fatal=%v %s", fatal, ErrorText(err)) }
}

func (ev hsEvents) String() string { return fmt.Sprintf("%q", []string(ev)) }

func (ev hsEvents) equal(want ...string) bool {
	if len(ev) != len(want) {
		return false
	}
	for i := range want {
		if ev[i] != want[i] {
			return false
		}
	}
	return true
}

// T80: a pending line reader gets "abc" then EOF: fatal Broken pipe.
func TestHandleT80PendingReaderAtEOFIsBrokenPipe(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	var got error
	h := hsHandle(t, l, a, &HandleOptions{
		OnError: func(h *Handle, fatal bool, err error) { got = err; ev.onError()(h, fatal, err) },
		OnEOF:   func(*Handle) { ev.add("eof") },
	})
	h.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { ev.add("line %s", line) }))
	hsWrite(t, b, "abc")
	unix.Shutdown(b, unix.SHUT_WR)
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !ev.equal("error fatal=true Broken pipe") {
		t.Fatalf("events %v", ev)
	}
	if !errors.Is(got, syscall.EPIPE) {
		t.Fatalf("error %v does not match EPIPE", got)
	}
}

// T80: only OnRead, consuming everything: OnRead, then OnEOF. Data and FIN
// arrive together, in one readiness edge.
func TestHandleT80OnReadThenEOF(t *testing.T) {
	for _, pause := range []bool{false, true} {
		t.Run(fmt.Sprintf("pause=%v", pause), func(t *testing.T) {
			l := hsLoop(t)
			a, b := hsPair(t)
			var ev hsEvents
			hsHandle(t, l, a, &HandleOptions{
				OnError: ev.onError(),
				OnEOF:   func(*Handle) { ev.add("eof") },
				OnRead: func(h *Handle) {
					ev.add("read %s", h.RBuf())
					h.Consume(len(h.RBuf()))
				},
			})
			hsWrite(t, b, "xyz")
			if pause {
				hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 1 })
			}
			unix.Shutdown(b, unix.SHUT_WR)
			hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 2 })
			if !ev.equal("read xyz", "eof") {
				t.Fatalf("events %v", ev)
			}
		})
	}
}

// TestHandleEOFArrivingWithData guards against clearing read readiness
// after a short read: data and FIN in one epoll edge must still give EOF.
func TestHandleEOFArrivingWithData(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	eof := false
	var ev hsEvents
	hsHandle(t, l, a, &HandleOptions{
		OnError: ev.onError(),
		OnEOF:   func(*Handle) { eof = true },
		OnRead:  func(h *Handle) { h.Consume(len(h.RBuf())) },
	})
	hsWrite(t, b, "data and fin")
	unix.Shutdown(b, unix.SHUT_RDWR)
	hsRun(t, l, 5*time.Second, func() bool { return eof || len(ev) > 0 })
	if len(ev) > 0 {
		t.Fatalf("events %v", ev)
	}
}

// T80: OnRead that consumes nothing: OnRead twice, then fatal Broken pipe.
func TestHandleT80OnReadWithoutProgressAtEOF(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{
		OnError: ev.onError(),
		OnEOF:   func(*Handle) { ev.add("eof") },
		OnRead:  func(h *Handle) { ev.add("read %s", h.RBuf()) },
	})
	hsWrite(t, b, "xyz")
	unix.Shutdown(b, unix.SHUT_WR)
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !ev.equal("read xyz", "read xyz", "error fatal=true Broken pipe") {
		t.Fatalf("events %v", ev)
	}
}

// T80: an idle handle does not notice EOF; installing OnRead later yields
// OnEOF at once.
func TestHandleT80IdleHandleNoticesEOFOnlyWithOnRead(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{
		OnError: ev.onError(),
		OnEOF:   func(*Handle) { ev.add("eof") },
	})
	unix.Shutdown(b, unix.SHUT_RDWR)
	hsRunFor(t, l, 300*time.Millisecond)
	if len(ev) != 0 || h.Destroyed() || h.w.Interest()&Read != 0 {
		t.Fatalf("idle handle reacted: events %v destroyed %v", ev, h.Destroyed())
	}
	h.SetOnRead(func(h *Handle) { ev.add("read %q", h.RBuf()) })
	if len(ev) != 0 {
		t.Fatal("SetOnRead called back before returning")
	}
	for i := 0; i < 3 && len(ev) == 0; i++ {
		l.RunOnce(false)
	}
	if !ev.equal("eof") {
		t.Fatalf("events %v, want eof within three iterations", ev)
	}
}

// T80: Timeout on an idle handle without OnTimeout raises non-fatal
// "Connection timed out" repeatedly until disabled.
func TestHandleT80IdleTimeoutRepeatsUntilDisabled(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	var errs []error
	var h *Handle
	h = hsHandle(t, l, a, &HandleOptions{
		Timeout: 40 * time.Millisecond,
		OnError: func(_ *Handle, fatal bool, err error) {
			if fatal {
				t.Errorf("fatal timeout error %v", err)
			}
			errs = append(errs, err)
			if len(errs) == 3 {
				h.SetTimeout(0)
			}
		},
	})
	hsRun(t, l, 5*time.Second, func() bool { return len(errs) == 3 })
	hsRunFor(t, l, 200*time.Millisecond)
	if len(errs) != 3 || h.Destroyed() {
		t.Fatalf("%d errors after disabling (destroyed %v), want 3", len(errs), h.Destroyed())
	}
	for _, err := range errs {
		var op *OpError
		if ErrorText(err) != "Connection timed out" || !errors.As(err, &op) || !op.Timeout() ||
			!errors.Is(err, syscall.ETIMEDOUT) {
			t.Fatalf("error %v (%q)", err, ErrorText(err))
		}
	}
}

func TestHandleEOFWithoutOnEOFIsUnexpectedEOF(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got error
	h := hsHandle(t, l, a, &HandleOptions{
		OnError: func(_ *Handle, fatal bool, err error) { got = err },
		OnRead:  func(h *Handle) { h.Consume(len(h.RBuf())) },
	})
	unix.Shutdown(b, unix.SHUT_WR)
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !errors.Is(got, io.ErrUnexpectedEOF) || got.Error() != "loop: read: Unexpected end-of-file" {
		t.Fatalf("error %v", got)
	}
}

func TestHandleWithoutOnErrorDestroysOnError(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, nil)
	h.PushRead(ReadChunk(10, func(*Handle, []byte) { t.Error("chunk delivered") }))
	hsWrite(t, b, "abc")
	unix.Shutdown(b, unix.SHUT_WR)
	hsRun(t, l, 5*time.Second, h.Destroyed)
}

func TestHandleRejectsDatagramSocket(t *testing.T) {
	l := hsLoop(t)
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fds[0])
	defer unix.Close(fds[1])
	if h, err := NewHandle(l, fds[0], nil); err == nil {
		h.Destroy()
		t.Fatal("NewHandle accepted a datagram socket")
	}
	if h, err := NewHandle(l, -1, nil); err == nil {
		h.Destroy()
		t.Fatal("NewHandle accepted fd -1")
	}
}

func TestHandleWorksOnPipes(t *testing.T) {
	l := hsLoop(t)
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	var lines []string
	r := hsHandle(t, l, p[0], &HandleOptions{
		OnEOF:  func(*Handle) { lines = append(lines, "eof") },
		OnRead: func(h *Handle) { h.Consume(len(h.RBuf())) },
	})
	w := hsHandle(t, l, p[1], nil)
	r.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { lines = append(lines, string(line)) }))
	w.Write([]byte("through a pipe\n"))
	w.Destroy()
	hsRun(t, l, 5*time.Second, func() bool { return len(lines) == 2 })
	if lines[0] != "through a pipe" || lines[1] != "eof" {
		t.Fatalf("got %q", lines)
	}
	r.Destroy()
}

// Destroy inside a read callback: no callback runs again, the watcher is
// stopped and the fd closed, so the peer sees EOF.
func TestHandleDestroyInsideCallback(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{
		OnError: ev.onError(),
		OnEOF:   func(*Handle) { ev.add("eof") },
		Timeout: 20 * time.Millisecond,
		OnDrain: func(*Handle) { ev.add("drain") },
		OnRead: func(h *Handle) {
			ev.add("read %s", h.RBuf())
			h.Write([]byte("last words"))
			h.Destroy()
			h.Destroy()
			h.PushRead(ReadChunk(1, func(*Handle, []byte) { ev.add("chunk") }))
			h.Write([]byte("ignored"))
			h.SetTimeout(time.Millisecond)
		},
	})
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) > 0 })
	ev = ev[:0]
	hsWrite(t, b, "one")
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) > 0 })
	if !ev.equal("read one") || !h.Destroyed() || h.Fd() != -1 || h.w.active {
		t.Fatalf("events %v destroyed %v fd %d watcher active %v", ev, h.Destroyed(), h.Fd(), h.w.active)
	}
	hsRunFor(t, l, 100*time.Millisecond)
	if _, err := unix.FcntlInt(uintptr(a), unix.F_GETFD, 0); err != unix.EBADF {
		t.Fatalf("fd still open after Destroy: %v", err)
	}
	buf := make([]byte, 64)
	n, _ := unix.Read(b, buf)
	m, _ := unix.Read(b, buf[n:])
	if string(buf[:n+m]) != "last words" {
		t.Fatalf("peer read %q, want the lingered write then EOF", buf[:n+m])
	}
	if !ev.equal("read one") {
		t.Fatalf("callbacks after Destroy: %v", ev)
	}
}

// NewHandle never calls back: neither the initial OnDrain (set with an
// empty queue) nor OnRead for data already waiting.
func TestHandleNoCallbackBeforeNewHandleReturns(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	hsWrite(t, b, "early")
	called := false
	h := hsHandle(t, l, a, &HandleOptions{
		OnDrain: func(*Handle) { called = true },
		OnRead:  func(h *Handle) { called = true; h.Consume(len(h.RBuf())) },
	})
	if called {
		t.Fatal("callback ran inside NewHandle")
	}
	hsRun(t, l, 5*time.Second, func() bool { return called })
	h.Destroy()
}

// TestHandleIdleMemory checks PERFORMANCE.md P5: an idle handle that waits
// for data (OnRead set) holds at most 1 KiB of Go heap and no buffer.
func TestHandleIdleMemory(t *testing.T) {
	l := hsLoop(t)
	const n = 200
	fds := make([]int, 0, 2*n)
	for range n {
		a, b := hsPair(t)
		fds = append(fds, a, b)
	}
	hsHandle(t, l, fds[0], nil).Destroy()
	onRead := func(h *Handle) { h.Consume(len(h.RBuf())) }
	hs := make([]*Handle, 0, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 1; i < n; i++ {
		h, err := NewHandle(l, fds[2*i], &HandleOptions{OnRead: onRead})
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte("x"))
		hs = append(hs, h)
	}
	for range 3 {
		l.RunOnce(false)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(len(hs))
	allocated := (after.TotalAlloc - before.TotalAlloc) / uint64(len(hs))
	t.Logf("%d bytes of heap held per idle handle (%d allocated)", per, allocated)
	if allocated > 1024 {
		t.Fatalf("%d bytes allocated per idle handle, want ≤ 1024", allocated)
	}
	for _, h := range hs {
		if h.rbuf != nil || h.wq.chunks != nil || h.onScratch {
			t.Fatal("idle handle holds a buffer")
		}
	}
	for _, h := range hs {
		h.Destroy()
	}
}

// Every method of a destroyed handle is a no-op.
func TestHandleMethodsAfterDestroyAreNoOps(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	called := false
	cb := func(*Handle) { called = true }
	h := hsHandle(t, l, a, nil)
	h.Destroy()
	h.Write([]byte("x"))
	h.WriteOwned([]byte("x"))
	h.PushRead(ReadChunk(1, func(*Handle, []byte) { called = true }))
	h.UnshiftRead(ReadChunk(1, func(*Handle, []byte) { called = true }))
	h.SetOnRead(cb)
	h.SetOnEOF(cb)
	h.SetOnDrain(cb)
	h.SetOnError(func(*Handle, bool, error) { called = true })
	h.SetOnStartTLS(func(*Handle, bool, error) { called = true })
	h.SetTimeout(time.Millisecond)
	h.SetRTimeout(time.Millisecond)
	h.SetWTimeout(time.Millisecond)
	h.SetOnTimeout(cb)
	h.TimeoutReset()
	h.Consume(1)
	h.Shutdown()
	h.SetRBufMax(1)
	h.SetWBufMax(1)
	h.SetLowWaterMark(1)
	h.SetAutocork(true)
	if err := h.SetNoDelay(true); err != nil {
		t.Fatal(err)
	}
	if err := h.StartTLS(newXOR(h.Wake)); err != ErrClosed {
		t.Fatalf("StartTLS on a destroyed handle: %v", err)
	}
	h.Wake()
	unix.Write(b, []byte("data"))
	hsRunFor(t, l, 50*time.Millisecond)
	if called || h.RBuf() != nil || h.WBufLen() != 0 || h.Fd() != -1 || !h.Destroyed() {
		t.Fatal("a destroyed handle reacted")
	}
}
