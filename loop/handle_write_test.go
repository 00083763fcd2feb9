package loop

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// hsTCP returns a loopback TCP connection: an fd for a handle (closed by
// the handle) and the accepted net.Conn as the peer (closed at the end).
func hsTCP(t testing.TB) (int, net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := unix.Connect(fd, &unix.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		unix.Close(fd)
		t.Fatal(err)
	}
	c := <-accepted
	if c == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close() })
	return fd, c
}

// slowReader reads r until EOF with a pause after every read, and sends
// what it read.
func slowReader(r io.Reader, pause time.Duration) <-chan []byte {
	done := make(chan []byte, 1)
	go func() {
		var got []byte
		buf := make([]byte, 8192)
		for {
			n, err := r.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				done <- got
				return
			}
			time.Sleep(pause)
		}
	}()
	return done
}

type fdReader int

func (fd fdReader) Read(p []byte) (int, error) {
	n, err := unix.Read(int(fd), p)
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return max(n, 0), err
}

// Many writes of random sizes, copied and owned, to a slow peer: the queue
// is flushed with writev and the peer gets exactly the bytes written, then
// EOF after Shutdown.
func TestHandleWritevFlushToSlowPeer(t *testing.T) {
	for _, network := range []string{"unix", "tcp"} {
		t.Run(network, func(t *testing.T) {
			l := hsLoop(t)
			var fd int
			var peer io.Reader
			if network == "tcp" {
				var c net.Conn
				fd, c = hsTCP(t)
				peer = c
				// Loopback TCP buffers hold megabytes; keep them small so
				// that the queue fills.
				unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, 32<<10)
				c.(*net.TCPConn).SetReadBuffer(32 << 10)
			} else {
				var b int
				fd, b = hsPair(t)
				peer = fdReader(b)
			}
			done := slowReader(peer, 200*time.Microsecond)
			var ev hsEvents
			h := hsHandle(t, l, fd, &HandleOptions{OnError: ev.onError()})
			want := writeRandom(h, 8<<20)
			maxChunks := len(h.wq.chunks)
			h.Shutdown()
			hsRun(t, l, 30*time.Second, func() bool {
				maxChunks = max(maxChunks, len(h.wq.chunks))
				return h.WBufLen() == 0
			})
			got := <-done
			if !bytes.Equal(got, want) || len(ev) > 0 {
				t.Fatalf("peer got %d bytes, want %d (equal %v); events %v", len(got), len(want), bytes.Equal(got, want), ev)
			}
			if maxChunks < 2 {
				t.Fatalf("queue never held more than %d chunks: writev not exercised", maxChunks)
			}
		})
	}
}

// writeRandom writes about n bytes in pieces of random sizes, some owned,
// and returns everything written.
func writeRandom(h *Handle, n int) []byte {
	r := rand.New(rand.NewPCG(7, 8))
	var all []byte
	for len(all) < n {
		size := 1 + r.IntN(3000)
		if r.IntN(50) == 0 {
			size = 100_000 + r.IntN(200_000)
		}
		p := make([]byte, size)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		all = append(all, p...)
		if r.IntN(4) == 0 {
			h.WriteOwned(p)
		} else {
			h.Write(p)
			clear(p)
		}
	}
	return all
}

// OnDrain runs when the queue empties after a backlog, and when set with an
// empty queue it runs soon, not inside SetOnDrain.
func TestHandleOnDrain(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, nil)
	drains := 0
	h.SetOnDrain(func(*Handle) { drains++ })
	if drains != 0 {
		t.Fatal("SetOnDrain called back before returning")
	}
	hsRun(t, l, 5*time.Second, func() bool { return drains == 1 })
	h.Write(make([]byte, 4<<20))
	if drains != 1 || h.WBufLen() == 0 {
		t.Fatalf("drains %d queued %d: want a backlog and no synchronous OnDrain", drains, h.WBufLen())
	}
	done := slowReader(fdReader(b), 0)
	hsRun(t, l, 30*time.Second, func() bool { return drains >= 2 })
	if h.WBufLen() != 0 {
		t.Fatalf("OnDrain with %d bytes queued", h.WBufLen())
	}
	h.Destroy()
	if got := <-done; len(got) != 4<<20 {
		t.Fatalf("peer got %d bytes", len(got))
	}
}

// LowWaterMark lets OnDrain refill the queue before it runs dry.
func TestHandleOnDrainLowWaterMarkStreams(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	const total, piece = 8 << 20, 256 << 10
	sent := 0
	hsHandle(t, l, a, &HandleOptions{
		LowWaterMark: 64 << 10,
		OnDrain: func(h *Handle) {
			if sent < total {
				h.Write(bytes.Repeat([]byte{byte(sent / piece)}, piece))
				sent += piece
			} else {
				h.Shutdown()
			}
		},
	})
	done := slowReader(fdReader(b), 0)
	var got []byte
	hsRun(t, l, 30*time.Second, func() bool {
		select {
		case got = <-done:
			return true
		default:
			return false
		}
	})
	if len(got) != total || got[0] != 0 || got[total-1] != byte(total/piece-1) {
		t.Fatalf("peer got %d bytes", len(got))
	}
}

// WBufMax: a write that leaves more queued than allowed is a fatal ENOSPC,
// reported after Write returns.
func TestHandleWBufMax(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	var ev hsEvents
	h := hsHandle(t, l, a, &HandleOptions{OnError: ev.onError(), WBufMax: 64 << 10})
	h.Write(make([]byte, 4<<20))
	if len(ev) != 0 || h.Destroyed() {
		t.Fatal("Write called back synchronously")
	}
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !ev.equal("error fatal=true No space left on device") {
		t.Fatalf("events %v", ev)
	}
}

// A write error (the peer is gone) is fatal and reported after Write
// returns.
func TestHandleWriteErrorIsFatal(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	var got error
	h := hsHandle(t, l, a, &HandleOptions{OnError: func(_ *Handle, fatal bool, err error) {
		if !fatal {
			t.Error("non-fatal write error")
		}
		got = err
	}})
	unix.Shutdown(b, unix.SHUT_RDWR)
	h.Write([]byte("into the void"))
	if got != nil {
		t.Fatal("Write called back synchronously")
	}
	hsRun(t, l, 5*time.Second, h.Destroyed)
	if !errors.Is(got, syscall.EPIPE) || ErrorText(got) != "Broken pipe" {
		t.Fatalf("error %v", got)
	}
}

// Shutdown half-closes after the queued data: the peer reads everything,
// then EOF, and can still answer on its half.
func TestHandleShutdownHalfClose(t *testing.T) {
	l := hsLoop(t)
	fd, c := hsTCP(t)
	var got []string
	h := hsHandle(t, l, fd, &HandleOptions{OnEOF: func(*Handle) { got = append(got, "eof") }})
	h.Write(make([]byte, 8<<20))
	h.Shutdown()
	h.PushRead(ReadLine(func(_ *Handle, line, _ []byte) { got = append(got, string(line)) }))
	done := make(chan int, 1)
	go func() {
		data, _ := io.ReadAll(c)
		c.Write([]byte("reply after your FIN\n"))
		c.(*net.TCPConn).CloseWrite()
		done <- len(data)
	}()
	hsRun(t, l, 30*time.Second, func() bool { return len(got) == 1 })
	if n := <-done; n != 8<<20 {
		t.Fatalf("peer read %d bytes before EOF", n)
	}
	if got[0] != "reply after your FIN" {
		t.Fatalf("got %q", got)
	}
	h.SetOnRead(func(h *Handle) {})
	hsRun(t, l, 5*time.Second, func() bool { return len(got) == 2 })
}

// Autocork queues writes until the loop runs, then sends them in one go.
func TestHandleAutocork(t *testing.T) {
	l := hsLoop(t)
	a, b := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true})
	h.Write([]byte("one "))
	h.Write([]byte("two"))
	unix.SetNonblock(b, true)
	buf := make([]byte, 64)
	if _, err := unix.Read(b, buf); err != unix.EAGAIN {
		t.Fatalf("corked write went out at once: %v", err)
	}
	if len(h.wq.chunks) != 1 {
		t.Fatalf("%d chunks queued, want small writes coalesced into 1", len(h.wq.chunks))
	}
	hsRun(t, l, 5*time.Second, func() bool { return h.WBufLen() == 0 })
	n, _ := unix.Read(b, buf)
	if string(buf[:n]) != "one two" {
		t.Fatalf("peer got %q", buf[:n])
	}
}

// Written counts the bytes that reached the fd: a corked write counts once
// the loop has flushed it, a plain one at once.
func TestHandleWrittenCountsBytesOut(t *testing.T) {
	l := hsLoop(t)
	a, _ := hsPair(t)
	h := hsHandle(t, l, a, &HandleOptions{Autocork: true})
	h.Write([]byte("corked"))
	if n := h.Written(); n != 0 {
		t.Fatalf("Written %d before the flush", n)
	}
	hsRun(t, l, 5*time.Second, func() bool { return h.WBufLen() == 0 })
	h.SetAutocork(false)
	h.Write([]byte("plain"))
	if n := h.Written(); n != 11 {
		t.Fatalf("Written %d, want 11", n)
	}
}

// A peer that answers without reading and resets the connection makes the
// next write fail; what it sent is read first, so the readers see the
// answer before OnError sees the write error.
func TestHandleReadsBeforeWriteError(t *testing.T) {
	l := hsLoop(t)
	fd, peer := hsTCP(t)
	var got []byte
	var failure error
	var gotAtFailure int
	h := hsHandle(t, l, fd, &HandleOptions{
		OnRead: func(h *Handle) {
			got = append(got, h.RBuf()...)
			h.Consume(len(h.RBuf()))
		},
		OnError: func(_ *Handle, _ bool, err error) { failure, gotAtFailure = err, len(got) },
	})
	h.Write(bytes.Repeat([]byte("w"), 16<<20)) // far more than the sockets hold
	peer.Write([]byte("answer"))
	peer.(*net.TCPConn).SetLinger(0)
	peer.Close()
	hsRun(t, l, 10*time.Second, func() bool { return failure != nil })
	if string(got) != "answer" || gotAtFailure != len("answer") {
		t.Errorf("read %q, %d bytes of it before the error %v", got, gotAtFailure, failure)
	}
	var oe *OpError
	if !errors.As(failure, &oe) || oe.Op != "write" && oe.Op != "read" {
		t.Errorf("error %v", failure)
	}
}

// Linger: output queued at Destroy is still delivered, then the fd is
// closed; with Linger negative it is dropped.
func TestHandleLingerAfterDestroy(t *testing.T) {
	for _, linger := range []time.Duration{0, -1} {
		l := hsLoop(t)
		a, b := hsPair(t)
		h := hsHandle(t, l, a, &HandleOptions{Linger: linger, OnError: func(*Handle, bool, error) {
			t.Error("callback after Destroy")
		}})
		const n = 4 << 20
		h.Write(bytes.Repeat([]byte("L"), n))
		h.Destroy()
		done := slowReader(fdReader(b), 0)
		var got []byte
		hsRun(t, l, 30*time.Second, func() bool {
			select {
			case got = <-done:
				return true
			default:
				return false
			}
		})
		if linger == 0 && len(got) != n {
			t.Fatalf("lingering delivered %d bytes of %d", len(got), n)
		}
		if linger < 0 && len(got) >= n {
			t.Fatal("no linger, yet everything was delivered")
		}
		if h.lingering || h.w.active {
			t.Fatal("still lingering after the fd closed")
		}
	}
}

// Fairness: two connections that always have data both make progress,
// and one readiness callback reads at most about handleReadBudget bytes
// before it lets the other handles of the loop have their turn.
func TestHandleFairness(t *testing.T) {
	l := hsLoop(t)
	const total = 16 << 20
	var got [2]int
	started := make(chan bool, len(got))
	for i := range got {
		a, b := hsPair(t)
		hsHandle(t, l, a, &HandleOptions{OnRead: func(h *Handle) {
			got[i] += len(h.RBuf())
			h.Consume(len(h.RBuf()))
		}})
		go func() {
			p := make([]byte, 1<<20)
			started <- writeAll(b, p[:32<<10]) == nil
			for sent := 32 << 10; sent < total; sent += len(p) {
				if writeAll(b, p[:min(len(p), total-sent)]) != nil {
					return
				}
			}
		}()
	}
	for range got {
		if !<-started {
			t.Fatal("peer write failed")
		}
	}
	maxStep := 0
	for got[0] < total || got[1] < total {
		before := got
		if err := l.RunOnce(true); err != nil {
			t.Fatal(err)
		}
		maxStep = max(maxStep, got[0]-before[0], got[1]-before[1])
		if (got[0] >= total/2 && got[1] == 0) || (got[1] >= total/2 && got[0] == 0) {
			t.Fatalf("a connection starved: %v", got)
		}
	}
	if maxStep > handleReadBudget+DefaultMaxReadSize {
		t.Fatalf("one iteration read %d bytes from one handle, budget %d", maxStep, handleReadBudget)
	}
}

// writeAll writes p to the blocking fd, going on after the partial writes
// that a signal (such as the runtime's preemption signal) can cause.
func writeAll(fd int, p []byte) error {
	for len(p) > 0 {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// NoDelay and KeepAlive reach the socket; Peername is kept.
func TestHandleSocketOptions(t *testing.T) {
	l := hsLoop(t)
	fd, _ := hsTCP(t)
	h := hsHandle(t, l, fd, &HandleOptions{NoDelay: true, KeepAlive: true, Peername: "example.org"})
	nodelay, _ := unix.GetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY)
	keepalive, _ := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE)
	if nodelay == 0 || keepalive == 0 || h.Peername() != "example.org" {
		t.Fatalf("nodelay %d keepalive %d peername %q", nodelay, keepalive, h.Peername())
	}
	if err := h.SetNoDelay(false); err != nil {
		t.Fatal(err)
	}
	if nodelay, _ = unix.GetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY); nodelay != 0 {
		t.Fatal("SetNoDelay(false) had no effect")
	}
}
