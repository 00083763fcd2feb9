package httpc

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
)

// T55: two sequential GETs share one connection.
func TestReuse(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	for i := 0; i < 3; i++ {
		res := do(t, l, cl, "GET", s.URL(fmt.Sprint("/", i)), nil)
		checkStatus(t, res, 200, "OK")
	}
	if s.Accepted() != 1 || cl.Idle() != 1 {
		t.Errorf("accepted %d idle %d", s.Accepted(), cl.Idle())
	}
}

// T56: keep-alive by version and Connection header.
func TestKeepAliveByVersion(t *testing.T) {
	steps := []struct {
		resp  string
		reuse bool // whether the next request reuses the connection
	}{
		{"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", true},
		{"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", false},
		{"HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", true},
	}
	for _, st := range steps {
		l, cl := newClient(t)
		s := startServer(t, answer(st.resp))
		do(t, l, cl, "GET", s.URL("/"), nil)
		res := do(t, l, cl, "GET", s.URL("/"), nil)
		if want := map[bool]int{true: 1, false: 2}[st.reuse]; s.Accepted() != want {
			t.Errorf("%q: %d connections, want %d", st.resp, s.Accepted(), want)
		}
		if st.resp[5] == '2' && res.r.HTTPVersion != "2" {
			t.Errorf("version %q", res.r.HTTPVersion)
		}
	}
}

// retryServer answers the first request of the first connection, then
// closes (or resets) on the second; later connections answer "yes".
func retryServer(reset bool) testserver.Script {
	return func(c *testserver.Conn) {
		if c.N > 1 {
			c.Serve("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes")
			return
		}
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.ReadRequest()
		if reset {
			c.Reset()
		}
	}
}

// T57: retry once on a pooled connection closed before any response byte.
func TestRetryOnce(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, retryServer(false))
	do(t, l, cl, "GET", s.URL("/1"), nil)
	res := do(t, l, cl, "GET", s.URL("/2"), nil)
	checkStatus(t, res, 200, "OK")
	reqs := s.Requests()
	if string(res.body) != "yes" || s.Accepted() != 2 || len(reqs) != 3 {
		t.Fatalf("body %q accepted %d requests %d", res.body, s.Accepted(), len(reqs))
	}
	line, hdrs, _ := reqLines(reqs[2])
	if line != "GET /2 HTTP/1.1" || hdrs[0] != "Connection: close, Te" {
		t.Errorf("retry request %q %q", line, hdrs)
	}
}

// T58: the retry spends the redirect budget.
func TestRetryRecurseZero(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, retryServer(false))
	do(t, l, cl, "GET", s.URL("/1"), nil)
	res := do(t, l, cl, "GET", s.URL("/2"), &Options{Recurse: Int(0)})
	checkStatus(t, res, 599, "Too many redirections")
	if s.Accepted() != 1 {
		t.Errorf("accepted %d", s.Accepted())
	}
}

// T59: no retry after a reset, nor for non-idempotent methods.
func TestNoRetry(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, retryServer(true))
	do(t, l, cl, "GET", s.URL("/1"), nil)
	res := do(t, l, cl, "GET", s.URL("/2"), nil)
	checkStatus(t, res, 596, "Connection reset by peer")

	l, cl = newClient(t)
	s = startServer(t, retryServer(false))
	o := &Options{Persistent: Bool(true)}
	do(t, l, cl, "POST", s.URL("/1"), o)
	res = do(t, l, cl, "POST", s.URL("/2"), o)
	checkStatus(t, res, 596, "Broken pipe")
	if s.Accepted() != 1 {
		t.Errorf("accepted %d", s.Accepted())
	}
}

// T60: MaxPerHost queueing; the slot is released before the callback.
func TestMaxPerHostQueue(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		for {
			if _, err := c.ReadRequest(); err != nil {
				return
			}
			c.Pause(200 * time.Millisecond)
			c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}
	})
	pending, activeInFirst := 6, -1
	start := time.Now()
	var last time.Duration
	for i := 0; i < 6; i++ {
		cl.Get(s.URL("/"), nil, func(body []byte, r *Response) {
			if activeInFirst < 0 {
				activeInFirst = cl.Active()
			}
			if r.Status != 200 {
				t.Errorf("status %d %s", r.Status, r.Reason)
			}
			last = time.Since(start)
			pending--
		})
	}
	if cl.Active() != 4 {
		t.Errorf("active %d at start", cl.Active())
	}
	runUntil(t, l, 5*time.Second, &pending)
	if s.Accepted() != 4 || activeInFirst != 4 || last < 400*time.Millisecond || cl.Active() != 0 {
		t.Errorf("accepted %d active-in-first %d last %v", s.Accepted(), activeInFirst, last)
	}
}

// T61, T62: idle timeout and sessions.
func TestIdleTimeoutAndSessions(t *testing.T) {
	l, cl := newClient(t)
	cl.PersistentTimeout = 500 * time.Millisecond
	var eofs atomic.Int32
	s := startServer(t, func(c *testserver.Conn) {
		c.Serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		eofs.Add(1)
	})
	do(t, l, cl, "GET", s.URL("/"), &Options{SessionID: "a"})
	do(t, l, cl, "GET", s.URL("/"), &Options{SessionID: "b"})
	do(t, l, cl, "GET", s.URL("/"), &Options{SessionID: "a"})
	if s.Accepted() != 2 || cl.Idle() != 2 {
		t.Errorf("accepted %d idle %d", s.Accepted(), cl.Idle())
	}
	runFor(t, l, 700*time.Millisecond)
	for i := 0; i < 200 && eofs.Load() != 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if cl.Idle() != 0 || eofs.Load() != 2 {
		t.Errorf("after idle timeout: idle %d, server saw %d EOFs", cl.Idle(), eofs.Load())
	}
	do(t, l, cl, "GET", s.URL("/"), &Options{SessionID: "a"})
	if s.Accepted() != 3 {
		t.Errorf("accepted %d", s.Accepted())
	}
}

// T63: slots are per host, not per port.
func TestSlotsPerHost(t *testing.T) {
	l, cl := newClient(t)
	cl.MaxPerHost = 1
	slow := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Pause(300 * time.Millisecond)
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		c.WaitEOF(time.Second)
	})
	fast := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	pending := 2
	start := time.Now()
	var fastAt time.Duration
	cl.Get(slow.URL("/"), nil, func([]byte, *Response) { pending-- })
	cl.Get(fast.URL("/"), nil, func([]byte, *Response) { fastAt = time.Since(start); pending-- })
	runUntil(t, l, 3*time.Second, &pending)
	if fastAt < 250*time.Millisecond {
		t.Errorf("second host request finished after %v, before the slot was free", fastAt)
	}
}

// An idle pooled connection that receives unsolicited bytes is dropped.
func TestIdleUnsolicited(t *testing.T) {
	l, cl := newClient(t)
	send := make(chan struct{})
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		<-send
		c.Write("junk")
		c.WaitEOF(5 * time.Second)
	})
	do(t, l, cl, "GET", s.URL("/"), nil)
	if cl.Idle() != 1 {
		t.Fatalf("idle %d", cl.Idle())
	}
	close(send)
	for i := 0; i < 500 && cl.Idle() != 0; i++ {
		runFor(t, l, 10*time.Millisecond)
	}
	if cl.Idle() != 0 {
		t.Errorf("idle %d after unsolicited bytes", cl.Idle())
	}
}

// An idle pooled connection closed by the server is noticed and dropped;
// the next request opens a new connection without a retry.
func TestIdleClosedByServer(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.Pause(30 * time.Millisecond)
	})
	do(t, l, cl, "GET", s.URL("/"), nil)
	for i := 0; i < 500 && cl.Idle() != 0; i++ {
		runFor(t, l, 10*time.Millisecond)
	}
	if cl.Idle() != 0 {
		t.Fatalf("idle %d after the server closed", cl.Idle())
	}
	res := do(t, l, cl, "GET", s.URL("/2"), nil)
	checkStatus(t, res, 200, "OK")
	if s.Accepted() != 2 || len(s.Requests()) != 2 {
		t.Errorf("accepted %d requests %d", s.Accepted(), len(s.Requests()))
	}
}

// A pooled connection idle for longer than the next request's timeout
// serves that request: the idle time does not count against it.
func TestReuseAfterIdleLongerThanTimeout(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	o := &Options{Timeout: 100 * time.Millisecond}
	do(t, l, cl, "GET", s.URL("/"), o)
	runFor(t, l, 250*time.Millisecond)
	res := do(t, l, cl, "GET", s.URL("/"), o)
	checkStatus(t, res, 200, "OK")
	if s.Accepted() != 1 {
		t.Errorf("accepted %d", s.Accepted())
	}
}
