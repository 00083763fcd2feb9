//go:build linux

package loop

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/sys"
	"golang.org/x/sys/unix"
)

// hsBatchLoop returns a loop that batches its Handles' calls (plain
// false) or makes each its own system call. A loop that cannot batch
// skips the test where the kernel or a sandbox refuses io_uring, and
// fails it under CI on any other setup error, which would be a bug of
// ours hiding behind the fallback.
func hsBatchLoop(t testing.TB, plain bool) *Loop {
	t.Helper()
	l, err := NewWithConfig(Config{PlainSyscalls: plain})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if !plain && l.bat == nil {
		b, err := sys.NewBatch(batchEntries)
		if b != nil {
			b.Close()
		}
		refused := errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES)
		if os.Getenv("CI") == "true" && !refused {
			t.Fatalf("the loop cannot batch system calls: %v", err)
		}
		t.Skipf("no io_uring here: %v", err)
	}
	return l
}

// hsWritePeer writes s on the blocking peer fd.
func hsWritePeer(t testing.TB, fd int, s string) {
	t.Helper()
	if _, err := unix.Write(fd, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

// The reads of the Handles that one poll finds ready are made with one
// system call, and each Handle gets its own data and then its own
// end-of-file, exactly as with a call each.
func TestBatchedReadsDeliverEachHandlesData(t *testing.T) {
	for _, plain := range []bool{false, true} {
		t.Run(fmt.Sprintf("plain=%v", plain), func(t *testing.T) {
			l := hsBatchLoop(t, plain)
			const n = 8
			got := make([]string, n)
			eofs := 0
			peers := make([]int, n)
			for i := range n {
				a, b := hsPair(t)
				peers[i] = b
				hsHandle(t, l, a, &HandleOptions{
					OnRead: func(h *Handle) {
						got[i] += string(h.RBuf())
						h.Consume(len(h.RBuf()))
					},
					OnEOF: func(*Handle) { eofs++ },
				})
			}
			if err := l.RunOnce(false); err != nil { // take the first writability reports
				t.Fatal(err)
			}
			for i, fd := range peers {
				hsWritePeer(t, fd, fmt.Sprintf("data of %d%s", i, strings.Repeat("!", i)))
			}
			before := l.Stats()
			if err := l.RunOnce(true); err != nil {
				t.Fatal(err)
			}
			st := l.Stats()
			for i := range n {
				if want := fmt.Sprintf("data of %d%s", i, strings.Repeat("!", i)); got[i] != want {
					t.Errorf("handle %d read %q, want %q", i, got[i], want)
				}
			}
			reads, batched, batches := st.Reads-before.Reads, st.Batched-before.Batched, st.Batches-before.Batches
			wantBatched, wantBatches := uint64(n), uint64(1)
			if plain {
				wantBatched, wantBatches = 0, 0
			}
			if reads != n || batched != wantBatched || batches != wantBatches {
				t.Errorf("reads %d, batched %d, batches %d; want %d, %d, %d", reads, batched, batches, n, wantBatched, wantBatches)
			}
			for _, fd := range peers {
				unix.Shutdown(fd, unix.SHUT_WR)
			}
			hsRun(t, l, 5*time.Second, func() bool { return eofs == n })
		})
	}
}

// A read made ahead for a Handle that does not read when its turn comes
// does not outlive the dispatch: its data goes into the Handle's input,
// ahead of whatever arrives later, while the next batch reuses the
// buffers. (The public methods stop a Handle's reading only from its own
// drain, so the test stops it directly.)
func TestReadAheadNotTakenBecomesInput(t *testing.T) {
	l := hsBatchLoop(t, false)
	var hs [4]*Handle
	var peers [4]int
	got := make([]string, 4)
	stopped := -1
	for i := range hs {
		a, b := hsPair(t)
		peers[i] = b
		hs[i] = hsHandle(t, l, a, &HandleOptions{OnRead: func(h *Handle) {
			got[i] += string(h.RBuf())
			h.Consume(len(h.RBuf()))
			if i < 2 && stopped < 0 {
				stopped = 1 - i
				hs[stopped].reading = false
			}
		}})
	}
	l.RunOnce(false)
	hsWritePeer(t, peers[0], "first")
	hsWritePeer(t, peers[1], "second")
	if err := l.RunOnce(true); err != nil {
		t.Fatal(err)
	}
	if stopped < 0 || got[stopped] != "" {
		t.Fatalf("stopped %d, reads %q: want one handle that did not read", stopped, got)
	}
	want := []string{"first", "second"}[stopped]
	if h := hs[stopped]; h.w.rahead.pending || string(h.rbuf[h.roff:]) != want {
		t.Fatalf("after the dispatch: read ahead pending %v, input %q; want none and %q", h.w.rahead.pending, h.rbuf[h.roff:], want)
	}
	// Newer data follows it, and the next batch reuses the buffers.
	hsWritePeer(t, peers[stopped], "+more")
	hsWritePeer(t, peers[2], "third, long enough to cover the first batch's buffers")
	hsWritePeer(t, peers[3], "fourth, long enough to cover the first batch's buffers")
	hsRun(t, l, 5*time.Second, func() bool { return got[stopped] == want+"+more" && got[2] != "" && got[3] != "" })
}

// A Handle destroyed by another's callback while its read waits ahead
// loses that read with everything else; nothing else sees it.
func TestReadAheadOfDestroyedHandle(t *testing.T) {
	l := hsBatchLoop(t, false)
	var hs [2]*Handle
	var peers [2]int
	reads := 0
	for i := range hs {
		a, b := hsPair(t)
		peers[i] = b
		hs[i] = hsHandle(t, l, a, &HandleOptions{OnRead: func(h *Handle) {
			reads++
			h.Consume(len(h.RBuf()))
			hs[1-i].Destroy()
		}})
	}
	l.RunOnce(false)
	hsWritePeer(t, peers[0], "one")
	hsWritePeer(t, peers[1], "two")
	hsRunFor(t, l, 50*time.Millisecond)
	if reads != 1 {
		t.Fatalf("%d reads, want the one of the handle that destroyed the other", reads)
	}
	for _, h := range hs {
		if h.Destroyed() && (h.w.active || h.w.rahead.pending) {
			t.Errorf("destroyed handle: watcher active %v, read ahead kept %v", h.w.active, h.w.rahead.pending)
		}
	}
}

// The corked flush of several Handles is one system call; each peer gets
// its bytes, and a send that fails is reported as a plain one would be.
func TestBatchedWritesReachEachPeer(t *testing.T) {
	l := hsBatchLoop(t, false)
	const n = 4
	var hs [n]*Handle
	var peers [n]int
	var errs [n]error
	for i := range hs {
		a, b := hsPair(t)
		peers[i] = b
		hs[i] = hsHandle(t, l, a, &HandleOptions{Autocork: true, OnError: func(_ *Handle, _ bool, err error) { errs[i] = err }})
	}
	unix.Shutdown(peers[n-1], unix.SHUT_RDWR)
	l.RunOnce(false)
	fired := false
	l.Timer(0, 0, func() {
		fired = true
		for i, h := range hs {
			h.Write([]byte(fmt.Sprintf("request %d", i)))
		}
	})
	hsRun(t, l, 5*time.Second, func() bool { return fired })
	before := l.Stats()
	if err := l.RunOnce(false); err != nil {
		t.Fatal(err)
	}
	st := l.Stats()
	if w, b, bs := st.Writes-before.Writes, st.Batched-before.Batched, st.Batches-before.Batches; w != n || b != n || bs != 1 {
		t.Errorf("writes %d, batched %d, batches %d; want %d, %d, 1", w, b, bs, n, n)
	}
	for i := range n - 1 {
		if got, want := hsPending(t, peers[i]), fmt.Sprintf("request %d", i); got != want {
			t.Errorf("peer %d got %q, want %q", i, got, want)
		}
	}
	hsRun(t, l, 5*time.Second, hs[n-1].Destroyed)
	if !errors.Is(errs[n-1], syscall.EPIPE) {
		t.Errorf("error %v on the write to a closed peer, want EPIPE", errs[n-1])
	}
	for i := range n - 1 {
		if errs[i] != nil || hs[i].WBufLen() != 0 {
			t.Errorf("handle %d: error %v, %d bytes still queued", i, errs[i], hs[i].WBufLen())
		}
	}
}

// hsTCPPair returns a connected loopback TCP pair: the first end for a
// handle, the second, blocking, for the test's peer. TCP reports write
// readiness only on an edge, which a socketpair does not show as plainly.
func hsTCPPair(t testing.TB) (int, int) {
	t.Helper()
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(ln, 1); err != nil {
		t.Fatal(err)
	}
	sa, err := unix.Getsockname(ln)
	if err != nil {
		t.Fatal(err)
	}
	c, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Connect(c, sa); err != nil {
		unix.Close(c)
		t.Fatal(err)
	}
	p, _, err := unix.Accept4(ln, unix.SOCK_CLOEXEC)
	if err != nil {
		unix.Close(c)
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(p) })
	return c, p
}

// A corked queue of several chunks (a request head and a body written
// without copy, as httpc writes a large POST) is written whole when its
// first chunk went out in a batch: the rest follows at once rather than
// waiting for a write-readiness edge that never comes.
func TestBatchedSendOfSeveralChunks(t *testing.T) {
	l := hsBatchLoop(t, false)
	const n = 2
	body := []byte(strings.Repeat("b", 5000))
	var hs [n]*Handle
	var peers [n]int
	for i := range hs {
		a, b := hsTCPPair(t)
		peers[i] = b
		hs[i] = hsHandle(t, l, a, &HandleOptions{Autocork: true})
	}
	l.RunOnce(false)
	before := l.Stats()
	l.Timer(0, 0, func() {
		for _, h := range hs {
			h.Write([]byte("POST / HTTP/1.1\r\n\r\n"))
			h.WriteOwned(body)
		}
	})
	for i := range peers {
		hsReadAll(t, l, peers[i], len("POST / HTTP/1.1\r\n\r\n")+len(body))
	}
	if st := l.Stats(); st.Batched-before.Batched < n {
		t.Errorf("%d calls batched, want the %d first sends", st.Batched-before.Batched, n)
	}
}

// When a send made ahead took the first chunk of a queue and writing the
// rest fails, the flush counts the chunk as written and reports the
// failure: it does not wait for a write-readiness edge that a broken
// socket need not bring.
func TestSendAheadThenFailedRest(t *testing.T) {
	l := hsBatchLoop(t, true)
	a, peer := hsTCPPair(t)
	var failure error
	var writes uint64 // write calls made when the failure was reported
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true, OnError: func(_ *Handle, _ bool, err error) {
		failure, writes = err, l.Stats().Writes
	}})
	head, body := []byte("POST / HTTP/1.1\r\n\r\n"), []byte(strings.Repeat("b", 5000))
	l.Timer(0, 0, func() {
		h.Write(head)
		h.WriteOwned(body)
		// What a batch does before the flush: the first chunk is
		// sent and its result waits; then the socket breaks.
		if n, err := unix.Write(a, head); n != len(head) || err != nil {
			t.Errorf("send: %d, %v", n, err)
		}
		h.w.wahead = sendResult{res: int32(len(head)), pending: true}
		unix.Shutdown(a, unix.SHUT_WR)
	})
	before := l.Stats()
	hsRun(t, l, 2*time.Second, func() bool { return failure != nil })
	if !errors.Is(failure, syscall.EPIPE) || !h.Destroyed() {
		t.Errorf("error %v, destroyed %v; want EPIPE", failure, h.Destroyed())
	}
	if w := writes - before.Writes; w != 2 {
		t.Errorf("%d write calls before the failure was reported; want 2, the send made ahead and the one that failed", w)
	}
	if got := hsPending(t, peer); got != string(head) {
		t.Errorf("peer got %q, want the first chunk only", got)
	}
}

// When a batch fails, no call in it was made: each Handle makes its own,
// nothing is lost, and the loop stops batching.
func TestFailedBatchFallsBack(t *testing.T) {
	l := hsBatchLoop(t, false)
	const n = 3
	got := make([]string, n)
	peers := make([]int, n)
	for i := range n {
		a, b := hsPair(t)
		peers[i] = b
		hsHandle(t, l, a, &HandleOptions{OnRead: func(h *Handle) {
			got[i] += string(h.RBuf())
			h.Consume(len(h.RBuf()))
		}})
	}
	l.RunOnce(false)
	l.bat.b.Close() // its next Submit fails
	for i, fd := range peers {
		hsWritePeer(t, fd, fmt.Sprintf("data %d", i))
	}
	hsRun(t, l, 5*time.Second, func() bool { return got[0] != "" && got[1] != "" && got[2] != "" })
	for i := range n {
		if want := fmt.Sprintf("data %d", i); got[i] != want {
			t.Errorf("handle %d read %q, want %q", i, got[i], want)
		}
	}
	if l.bat != nil {
		t.Error("the loop still batches after a failed batch")
	}
}

// Data read ahead for a Handle that starts TLS before its turn is
// ciphertext: a Handle that does not read it in that dispatch keeps it,
// out of the reused buffers, for its filter. (Only a filter at end of
// file skips its turn; the test sets that directly.)
func TestReadAheadForAFilterStartedSince(t *testing.T) {
	l := hsBatchLoop(t, false)
	var hs [4]*Handle
	var peers [4]int
	filters := map[int]*xorFilter{}
	tlsd := -1
	for i := range hs {
		a, b := hsPair(t)
		peers[i] = b
		hs[i] = hsHandle(t, l, a, &HandleOptions{OnRead: func(h *Handle) {
			h.Consume(len(h.RBuf()))
			if i < 2 && tlsd < 0 {
				tlsd = 1 - i
				other := hs[tlsd]
				filters[tlsd] = newXOR(other.Wake)
				if err := other.StartTLS(filters[tlsd]); err != nil {
					t.Error(err)
				}
				other.fs.fdEOF = true
			}
		}})
	}
	l.RunOnce(false)
	hsWritePeer(t, peers[0], "OK")
	hsWritePeer(t, peers[1], "OK")
	if err := l.RunOnce(true); err != nil {
		t.Fatal(err)
	}
	if tlsd < 0 || !hs[tlsd].w.rahead.pending || filters[tlsd].state != xorHello {
		t.Fatalf("handle %d: read ahead kept %v, filter state %d; want kept, unread", tlsd, tlsd >= 0 && hs[tlsd].w.rahead.pending, filters[tlsd].state)
	}
	hsWritePeer(t, peers[2], "third, long enough to cover the first batch's buffers")
	hsWritePeer(t, peers[3], "fourth, long enough to cover the first batch's buffers")
	hsRunFor(t, l, 20*time.Millisecond)
	hs[tlsd].fs.fdEOF = false
	hs[tlsd].updateInterest()
	hsRun(t, l, 5*time.Second, func() bool { return filters[tlsd].state != xorHello })
	if f := filters[tlsd]; f.state == xorFailed || string(f.in) != "OK" {
		t.Fatalf("the filter got %q (state %d), want the handshake answer OK", f.in, f.state)
	}
}
