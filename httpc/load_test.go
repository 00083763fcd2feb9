package httpc

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

// loopServer is an HTTP responder on the client's own loop, so that tests
// counting goroutines and allocations see only the loop: it answers every
// GET head it reads with resp.
type loopServer struct {
	ln    *loop.Listener
	resp  []byte
	conns int
}

func startLoopServer(t testing.TB, l *loop.Loop, resp string) *loopServer {
	t.Helper()
	s := &loopServer{resp: []byte(resp)}
	ln, err := l.Listen("tcp4", "127.0.0.1:0", &loop.ListenOptions{Backlog: 4096}, s.accept(l))
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	t.Cleanup(func() { ln.Close() })
	return s
}

func (s *loopServer) accept(l *loop.Loop) func(int, net.Addr) {
	return func(fd int, _ net.Addr) {
		s.conns++
		h, err := loop.NewHandle(l, fd, &loop.HandleOptions{OnRead: s.onRead, OnEOF: func(h *loop.Handle) { h.Destroy() },
			OnError: func(h *loop.Handle, _ bool, _ error) { h.Destroy() }})
		if err != nil {
			panic(err)
		}
		_ = h
	}
}

var crlf2 = []byte("\r\n\r\n")

func (s *loopServer) onRead(h *loop.Handle) {
	for {
		buf := h.RBuf()
		i := bytes.Index(buf, crlf2)
		if i < 0 {
			return
		}
		h.Consume(i + 4)
		h.Write(s.resp)
	}
}

func (s *loopServer) url(path string) string { return "http://" + s.ln.Addr().String() + path }

const helloResp = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\nhello world\n"

// TestNoGoroutinePerRequest runs 1,000 concurrent requests on 1,000
// connections and checks that the client starts no goroutine.
func TestNoGoroutinePerRequest(t *testing.T) {
	l, cl := newClient(t)
	cl.MaxPerHost = 1000
	s := startLoopServer(t, l, helloResp)
	runtime.GC()
	base := runtime.NumGoroutine()
	const n = 1000
	pending, maxG, ok := n, 0, 0
	for i := 0; i < n; i++ {
		cl.Get(s.url("/"), nil, func(body []byte, r *Response) {
			if r.Status == 200 && string(body) == "hello world\n" {
				ok++
			} else if ok < 3 {
				t.Errorf("status %d %s", r.Status, r.Reason)
			}
			pending--
			maxG = max(maxG, runtime.NumGoroutine())
		})
	}
	if cl.Active() != n {
		t.Errorf("active %d", cl.Active())
	}
	runUntil(t, l, 20*time.Second, &pending)
	if ok != n || maxG > base || s.conns != n {
		t.Errorf("ok %d, goroutines %d (base %d), server conns %d", ok, maxG, base, s.conns)
	}
	cl.CloseIdle()
}

func countFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// TestNoFDLeak runs failing, cancelled and handed-over requests and checks
// that every descriptor is closed afterwards.
func TestNoFDLeak(t *testing.T) {
	l, cl := newClient(t)
	s := startLoopServer(t, l, helloResp)
	do(t, l, cl, "GET", s.url("/"), nil) // warm the loop's own descriptors
	cl.CloseIdle()
	runFor(t, l, 20*time.Millisecond)
	before := countFDs(t)
	refused := fmt.Sprintf("http://127.0.0.1:%d/", freePort(t))
	for i := 0; i < 20; i++ {
		do(t, l, cl, "GET", refused, nil)
		do(t, l, cl, "GET", "bogus", nil)
		call := cl.Get(s.url("/"), nil, func([]byte, *Response) { t.Error("callback after cancel") })
		call.Cancel() // while connecting
		done := false
		call = cl.Get(s.url("/"), nil, func([]byte, *Response) { done = true })
		runFor(t, l, time.Millisecond)
		call.Cancel() // connected, waiting for the head, or finished
		if cl.Active() != 0 || (done && call.state != callDone) {
			t.Errorf("active %d", cl.Active())
		}
		res := do(t, l, cl, "GET", s.url("/"), &Options{WantBodyHandle: true})
		if res.r.Handle != nil {
			res.r.Handle.Destroy()
		}
		do(t, l, cl, "GET", s.url("/"), &Options{OnHeader: func(*Response) Action { return Abort }})
		do(t, l, cl, "GET", s.url("/"), nil)
	}
	cl.CloseIdle()
	runFor(t, l, 50*time.Millisecond)
	if after := countFDs(t); after != before {
		t.Errorf("fds: %d before, %d after", before, after)
	}
}

// keepAliveGet issues one GET on a warm connection and runs the loop until
// its callback ran.
type keepAliveGet struct {
	l       *loop.Loop
	cl      *Client
	url     string
	opts    *Options
	pending int
	cb      DoneFunc
}

// newKeepAliveGet prepares the measurement. With explicitPort the URL
// names the server's port; without, the URL has the default port and a
// TCPConnect override dials the server.
func newKeepAliveGet(t testing.TB, explicitPort bool) *keepAliveGet {
	l, cl := newClient(t)
	s := startLoopServer(t, l, helloResp)
	k := &keepAliveGet{l: l, cl: cl, url: s.url("/")}
	if !explicitPort {
		k.url = "http://127.0.0.1/"
		ap := netip.MustParseAddrPort(s.ln.Addr().String())
		k.opts = &Options{TCPConnect: func(l *loop.Loop, _ string, _ int, _ PrepareFunc, cb func(int, error)) Canceler {
			return l.Connect(ap, nil, cb)
		}}
	}
	k.cb = func(body []byte, r *Response) {
		if r.Status != 200 || len(body) != 12 {
			panic(fmt.Sprint("bad response ", r.Status, r.Reason))
		}
		k.pending--
	}
	return k
}

func (k *keepAliveGet) run() {
	k.pending = 1
	k.cl.Get(k.url, k.opts, k.cb)
	for k.pending > 0 {
		k.l.RunOnce(true)
	}
}

// TestKeepAliveAllocs reports the allocations of a keep-alive GET on a
// warm connection, body delivered to the callback (PERFORMANCE.md P4),
// including the loop and the on-loop server's share, for a URL with and
// without a port.
func TestKeepAliveAllocs(t *testing.T) {
	for _, explicitPort := range []bool{true, false} {
		k := newKeepAliveGet(t, explicitPort)
		for i := 0; i < 10; i++ {
			k.run()
		}
		n := testing.AllocsPerRun(500, k.run)
		t.Logf("allocations per keep-alive GET (%s): %.2f", k.url, n)
		if k.cl.Idle() != 1 {
			t.Errorf("%s: idle %d", k.url, k.cl.Idle())
		}
		if n > 2 {
			t.Errorf("%s: %.2f allocations per request, want ≤ 2", k.url, n)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		const runs = 500
		for i := 0; i < runs; i++ {
			k.run()
		}
		runtime.ReadMemStats(&after)
		perReq := (after.TotalAlloc - before.TotalAlloc) / runs
		t.Logf("bytes per keep-alive GET (%s): %d", k.url, perReq)
		// The Call (352 B: urlParts keeps no substring it can derive,
		// the scheme is a flag, the flags share a word) and the
		// head+body allocation (64 B here).
		if perReq > 416 && !raceEnabled {
			t.Errorf("%s: %d bytes per request, want ≤ 416", k.url, perReq)
		}
	}
}

func BenchmarkKeepAliveGet(b *testing.B) {
	k := newKeepAliveGet(b, false)
	k.run()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		k.run()
	}
}

// TestIdleConnMemory reports the Go heap held per idle pooled connection
// (PERFORMANCE.md P5). The figure includes the on-loop server's handle for
// the connection and a pool entry per connection (each has its own
// SessionID), so the client's own share is lower.
func TestIdleConnMemory(t *testing.T) {
	l, cl := newClient(t)
	const n = 500
	cl.MaxPerHost = n
	s := startLoopServer(t, l, helloResp)
	pending := n
	for i := 0; i < n; i++ {
		cl.Get(s.url("/"), &Options{SessionID: strconv.Itoa(i)}, func([]byte, *Response) { pending-- })
	}
	runUntil(t, l, 10*time.Second, &pending)
	runFor(t, l, 10*time.Millisecond)
	if cl.Idle() != n {
		t.Fatalf("idle %d", cl.Idle())
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	withIdle := heap()
	cl.CloseIdle()
	runFor(t, l, 50*time.Millisecond) // the server handles see EOF and go
	without := heap()
	t.Logf("heap per idle connection (client and on-loop server handle): %d B", (withIdle-without)/n)
}

// TestNoFDLeakFaults extends TestNoFDLeak to timeouts, resets, broken
// bodies and cancellation in the middle of a body, against scripted
// servers that are closed before counting.
func TestNoFDLeakFaults(t *testing.T) {
	l, cl := newClient(t)
	runFor(t, l, 10*time.Millisecond)
	before := countFDs(t)
	func() {
		s, err := testserver.Start("tcp4", func(c *testserver.Conn) {
			req, _ := c.ReadRequest()
			switch {
			case strings.HasPrefix(req, "GET /stall"):
				c.Stall()
			case strings.HasPrefix(req, "GET /reset"):
				c.Reset()
			case strings.HasPrefix(req, "GET /partial"):
				c.Write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab")
			case strings.HasPrefix(req, "GET /slowbody"):
				c.Write("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab")
				c.Stall()
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		o := &Options{Timeout: 50 * time.Millisecond}
		for i := 0; i < 5; i++ {
			do(t, l, cl, "GET", s.URL("/stall"), o)
			do(t, l, cl, "GET", s.URL("/reset"), o)
			do(t, l, cl, "GET", s.URL("/partial"), o)
			got := false
			call := cl.Get(s.URL("/slowbody"), &Options{OnBody: func([]byte, *Response) Action { got = true; return Continue }}, func([]byte, *Response) {})
			for j := 0; j < 200 && !got; j++ {
				l.RunOnce(true)
			}
			call.Cancel() // in the middle of the body
		}
		cl.CloseIdle()
		runFor(t, l, 20*time.Millisecond)
	}()
	if after := countFDs(t); after != before {
		t.Errorf("fds: %d before, %d after", before, after)
	}
}
