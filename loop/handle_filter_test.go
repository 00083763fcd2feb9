package loop

import (
	"errors"
	"io"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// xorFilter is a toy TLS engine: the client sends "HELLO", the server
// answers "OK" (anything else refuses), then a "verification" finishes on a
// goroutine that calls wake, as crypto/tls's helper would. Traffic is XOR
// with xorKey; plaintext 0x04 is close_notify and 0x15 a bad record.
type xorFilter struct {
	wake     func()
	out      []byte // ciphertext for the fd
	in       []byte // handshake bytes received
	plain    []byte // decrypted, not yet read
	state    int    // xorHello, xorVerifying, xorUp, xorFailed
	verified atomic.Bool
	err      error
	reported bool
	eof      bool // FeedEOF
	peerEnd  bool // close_notify received
	endSent  bool
	closed   bool
}

const xorKey = 0x5a

const (
	xorHello = iota
	xorVerifying
	xorUp
	xorFailed
)

func newXOR(wake func()) *xorFilter { return &xorFilter{wake: wake, out: []byte("HELLO")} }

func xorBytes(s string) string {
	b := []byte(s)
	for i := range b {
		b[i] ^= xorKey
	}
	return string(b)
}

func (f *xorFilter) fail(msg string) error {
	f.state, f.err = xorFailed, errors.New(msg)
	return f.err
}

func (f *xorFilter) Feed(p []byte) error {
	if f.state == xorHello {
		f.in = append(f.in, p...)
		if len(f.in) < 2 {
			return nil
		}
		if string(f.in[:2]) != "OK" {
			f.fail("toy: handshake refused")
			return nil
		}
		f.state, p = xorVerifying, f.in[2:]
		go func() {
			time.Sleep(5 * time.Millisecond)
			f.verified.Store(true)
			f.wake()
		}()
	}
	for _, c := range p {
		switch c ^ xorKey {
		case 0x15:
			return f.fail("toy: bad record")
		case 0x04:
			f.peerEnd = true
		default:
			f.plain = append(f.plain, c^xorKey)
		}
	}
	return nil
}

func (f *xorFilter) FeedEOF() {
	f.eof = true
	if f.state == xorHello || f.state == xorVerifying {
		f.fail("toy: EOF during handshake")
	}
}

func (f *xorFilter) Poll() FilterEvent {
	switch {
	case f.state == xorVerifying && f.verified.Load():
		f.state = xorUp
		return FilterEvent{Kind: FilterHandshakeDone}
	case f.state == xorFailed && !f.reported:
		f.reported = true
		return FilterEvent{Kind: FilterFailed, Err: f.err}
	case f.state == xorUp && f.peerEnd && !f.endSent:
		f.endSent = true
		return FilterEvent{Kind: FilterPeerClosed}
	}
	return FilterEvent{}
}

func (f *xorFilter) Read(p []byte) (int, error) {
	if f.state != xorUp {
		return 0, nil
	}
	n := copy(p, f.plain)
	f.plain = f.plain[n:]
	if n == 0 && f.peerEnd {
		return 0, io.EOF
	}
	return n, nil
}

func (f *xorFilter) Write(p []byte) (int, error) {
	if f.state != xorUp {
		return 0, nil
	}
	f.out = append(f.out, xorBytes(string(p))...)
	return len(p), nil
}

func (f *xorFilter) Outgoing() []byte { return f.out }
func (f *xorFilter) Advance(n int)    { f.out = f.out[n:] }
func (f *xorFilter) Close()           { f.closed = true }

// readFull reads exactly n bytes from fd.
func readFull(fd, n int) string {
	buf := make([]byte, n)
	got := 0
	for got < n {
		k, err := unix.Read(fd, buf[got:])
		if err != nil || k == 0 {
			break
		}
		got += k
	}
	return string(buf[:got])
}

// Bytes flow both ways through the filter: raw output queued before
// StartTLS goes first, plaintext written during the handshake waits for
// it, the handshake completes asynchronously through Wake, and ciphertext
// arriving with the handshake reply reaches the readers.
func TestHandleFilterBothWays(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{
		OnError:    ev.onError(),
		OnStartTLS: func(_ *Handle, ok bool, err error) { ev.add("starttls %v %v", ok, err) },
	})
	peer := make(chan string, 2)
	go func() {
		peer <- readFull(b, len("PLAIN\nHELLO"))
		unix.Write(b, []byte("OK"+xorBytes("hello from peer\n")))
		peer <- xorBytes(readFull(b, len("secret")))
	}()
	h.Write([]byte("PLAIN\n"))
	f := newXOR(h.Wake)
	if err := h.StartTLS(f); err != nil {
		t.Fatal(err)
	}
	if err := h.StartTLS(f); err == nil {
		t.Fatal("second StartTLS accepted")
	}
	h.Write([]byte("secret"))
	h.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { ev.add("line %s", line) }))
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 2 })
	if !ev.equal("starttls true <nil>", "line hello from peer") {
		t.Fatalf("events %v", ev)
	}
	if got := <-peer; got != "PLAIN\nHELLO" {
		t.Fatalf("peer got %q first", got)
	}
	if got := <-peer; got != "secret" {
		t.Fatalf("peer decrypted %q", got)
	}
	h.Destroy()
	if !f.closed {
		t.Fatal("Destroy did not close the filter")
	}
}

// StartTLS from a read callback starts at the current stream position:
// input already buffered is ciphertext.
func TestHandleFilterStartsAtStreamPosition(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{OnError: ev.onError()})
	hsWrite(t, b, "PROXY OK\nOK"+xorBytes("inner\n"))
	h.PushRead(ReadLine(func(h *Handle, line, _ []byte) {
		ev.add("outer %s", line)
		h.StartTLS(newXOR(h.Wake))
		h.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { ev.add("inner %s", line) }))
	}))
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 2 })
	if !ev.equal("outer PROXY OK", "inner inner") {
		t.Fatalf("events %v", ev)
	}
}

// A refused handshake goes to OnStartTLS(false) and the handle goes on
// without the filter; without OnStartTLS it is a fatal EPROTO error.
func TestHandleFilterHandshakeFailure(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{
		OnError:    ev.onError(),
		OnStartTLS: func(_ *Handle, ok bool, err error) { ev.add("starttls %v %v", ok, err) },
	})
	f := newXOR(h.Wake)
	h.StartTLS(f)
	h.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { ev.add("line %s", line) }))
	hsWrite(t, b, "NO")
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 1 })
	if !ev.equal("starttls false toy: handshake refused") || !f.closed || h.Destroyed() {
		t.Fatalf("events %v closed %v destroyed %v", ev, f.closed, h.Destroyed())
	}
	hsWrite(t, b, "plain\n")
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 2 })
	if ev[1] != "line plain" {
		t.Fatalf("events %v", ev)
	}

	var got error
	h.SetOnStartTLS(nil)
	h.SetOnError(func(_ *Handle, fatal bool, err error) { got = err })
	h.StartTLS(newXOR(h.Wake))
	hsWrite(t, b, "NO")
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !errors.Is(got, syscall.EPROTO) || !strings.Contains(got.Error(), "toy: handshake refused") {
		t.Fatalf("error %v", got)
	}
}

// End-of-file during the handshake fails it.
func TestHandleFilterEOFDuringHandshake(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{
		OnStartTLS: func(_ *Handle, ok bool, err error) { ev.add("starttls %v %v", ok, err) },
		OnEOF:      func(*Handle) { ev.add("eof") },
	})
	h.StartTLS(newXOR(h.Wake))
	unix.Shutdown(b, unix.SHUT_WR)
	h.SetOnRead(func(*Handle) {})
	hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 2 })
	if !ev.equal("starttls false toy: EOF during handshake", "eof") {
		t.Fatalf("events %v", ev)
	}
}

// The peer's close_notify ends the stream like EOF; a bad record after the
// handshake is a fatal EPROTO error.
func TestHandleFilterPeerCloseAndBadRecord(t *testing.T) {
	for _, tail := range []string{"\x04", "\x15"} {
		l := hsLoop(t)
		a, b := hsPair(t)
		var ev hsEvents
		h := hsHandle(t, l, a, &HandleOptions{
			OnError: func(_ *Handle, fatal bool, err error) {
				ev.add("error fatal=%v eproto=%v", fatal, errors.Is(err, syscall.EPROTO))
			},
			OnEOF:      func(*Handle) { ev.add("eof") },
			OnStartTLS: func(_ *Handle, ok bool, err error) { ev.add("starttls %v", ok) },
		})
		h.StartTLS(newXOR(h.Wake))
		h.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { ev.add("line %s", line) }))
		hsWrite(t, b, "OK")
		hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 1 })
		hsWrite(t, b, xorBytes("bye\n"))
		hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 2 })
		hsWrite(t, b, xorBytes(tail))
		hsRun(t, l, 5*time.Second, func() bool { return len(ev) == 3 })
		want := "eof"
		if tail == "\x15" {
			want = "error fatal=true eproto=true"
		}
		if !ev.equal("starttls true", "line bye", want) {
			t.Fatalf("tail %q: events %v", tail, ev)
		}
	}
}

// Wake from many goroutines at once is coalesced and race-free.
func TestHandleWakeFromGoroutines(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	h := hsHandle(t, l, a, nil)
	h.StartTLS(newXOR(h.Wake))
	done := make(chan struct{})
	for range 8 {
		go func() {
			for range 100 {
				h.Wake()
			}
			done <- struct{}{}
		}()
	}
	for range 8 {
		<-done
	}
	hsRunFor(t, l, 20*time.Millisecond)
	if h.Destroyed() {
		t.Fatal("wake-ups destroyed the handle")
	}
}
