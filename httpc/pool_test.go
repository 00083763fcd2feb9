package httpc

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

// T55: sequential GETs share one connection; exact requests and results.
func TestReuse(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	hp := s.URL("")[len("http://"):]
	for i := 0; i < 3; i++ {
		url := s.URL(fmt.Sprint("/", i))
		res := do(t, l, cl, "GET", url, nil)
		checkExact(t, res, want{body: "ok", status: 200, reason: "OK", version: "1.1", url: url,
			hdr: map[string]string{"content-length": "2"}})
		checkRequest(t, s.Requests()[i], fmt.Sprintf("GET /%d HTTP/1.1", i), defaultHeaders(hp, url, "keep-alive, Te"), "")
	}
	if s.Accepted() != 1 || cl.Idle() != 1 || len(s.Requests()) != 3 {
		t.Errorf("accepted %d idle %d requests %d", s.Accepted(), cl.Idle(), len(s.Requests()))
	}
}

// T56: keep-alive by version and Connection header; exact requests and
// results.
func TestKeepAliveByVersion(t *testing.T) {
	steps := []struct {
		resp, version string
		hdr           map[string]string
		reuse         bool // whether the next request reuses the connection
	}{
		{"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", "1.0",
			map[string]string{"content-length": "0"}, false},
		{"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", "1.0",
			map[string]string{"connection": "Keep-Alive", "content-length": "0"}, true},
		{"HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", "1.1",
			map[string]string{"connection": "Close", "content-length": "0"}, false},
		{"HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", "2",
			map[string]string{"content-length": "0"}, true},
		// Versions compare as numbers: 1.05 is below 1.1, 1.10 is not.
		{"HTTP/1.05 200 OK\r\nContent-Length: 0\r\n\r\n", "1.05",
			map[string]string{"content-length": "0"}, false},
		{"HTTP/1.10 200 OK\r\nContent-Length: 0\r\n\r\n", "1.10",
			map[string]string{"content-length": "0"}, true},
		// A Connection trailer replaces the head's and closes.
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nConnection: close\r\n\r\n", "1.1",
			map[string]string{"transfer-encoding": "chunked", "content-length": "0", "connection": "close"}, false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: 1\r\n\r\n", "1.1",
			map[string]string{"transfer-encoding": "chunked", "content-length": "0", "x-t": "1"}, true},
		// Ambiguous framing is read as AnyEvent reads it, never pooled.
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "1.1",
			map[string]string{"transfer-encoding": "chunked", "content-length": "0"}, false},
		{"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "1.0",
			map[string]string{"transfer-encoding": "chunked", "content-length": "0", "connection": "keep-alive"}, false},
	}
	for _, st := range steps {
		l, cl := newClient(t)
		s := startServer(t, answer(st.resp))
		url := s.URL("/")
		for range 2 {
			res := do(t, l, cl, "GET", url, nil)
			checkExact(t, res, want{body: "", status: 200, reason: "OK", version: st.version, url: url, hdr: st.hdr})
		}
		if want := map[bool]int{true: 1, false: 2}[st.reuse]; s.Accepted() != want {
			t.Errorf("%q: %d connections, want %d", st.resp, s.Accepted(), want)
		}
		for _, req := range s.Requests() {
			checkRequest(t, req, "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
		}
	}
}

// retryServer answers the first request of the first connection, then
// closes (or resets) on the second; later connections answer "yes".
func retryServer(reset bool) testserver.Script {
	return staleServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", reset,
		answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nyes"))
}

// staleServer answers the first request of its first connection with
// first, then reads the next one and closes that connection (with an RST
// if reset): a client reusing it finds it stale. Later connections run
// then.
func staleServer(first string, reset bool, then testserver.Script) testserver.Script {
	return func(c *testserver.Conn) {
		if c.N > 1 {
			then(c)
			return
		}
		c.ReadRequest()
		c.Write(first)
		c.ReadRequest()
		if reset {
			c.Reset()
		}
	}
}

// T57: retry once on a pooled connection closed before any response
// byte: the retry goes on a new connection with "Connection: close, Te".
func TestRetryOnce(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, retryServer(false))
	hp := s.URL("")[len("http://"):]
	res := do(t, l, cl, "GET", s.URL("/1"), nil)
	checkExact(t, res, want{body: "ok", status: 200, reason: "OK", version: "1.1", url: s.URL("/1"),
		hdr: map[string]string{"content-length": "2"}})
	res = do(t, l, cl, "GET", s.URL("/2"), nil)
	checkExact(t, res, want{body: "yes", status: 200, reason: "OK", version: "1.1", url: s.URL("/2"),
		hdr: map[string]string{"content-length": "3"}})
	reqs := s.Requests()
	if s.Accepted() != 2 || len(reqs) != 3 {
		t.Fatalf("accepted %d requests %d", s.Accepted(), len(reqs))
	}
	checkRequest(t, reqs[0], "GET /1 HTTP/1.1", defaultHeaders(hp, s.URL("/1"), "keep-alive, Te"), "")
	checkRequest(t, reqs[1], "GET /2 HTTP/1.1", defaultHeaders(hp, s.URL("/2"), "keep-alive, Te"), "")
	checkRequest(t, reqs[2], "GET /2 HTTP/1.1", defaultHeaders(hp, s.URL("/2"), "close, Te"), "")
}

// T58: the retry spends the redirect budget: with Recurse 0 it is 599
// "Too many redirections" and no second connection is made.
func TestRetryRecurseZero(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, retryServer(false))
	hp := s.URL("")[len("http://"):]
	do(t, l, cl, "GET", s.URL("/1"), nil)
	res := do(t, l, cl, "GET", s.URL("/2"), &Options{Recurse: Int(0)})
	checkExact(t, res, want{nilBody: true, status: 599, reason: "Too many redirections", url: s.URL("/2")})
	reqs := s.Requests()
	if s.Accepted() != 1 || len(reqs) != 2 {
		t.Fatalf("accepted %d requests %d", s.Accepted(), len(reqs))
	}
	checkRequest(t, reqs[1], "GET /2 HTTP/1.1", defaultHeaders(hp, s.URL("/2"), "keep-alive, Te"), "")
}

// T59: no retry after a reset, nor for non-idempotent methods (a POST
// with Persistent on a reused connection); exact requests and results.
func TestNoRetry(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, retryServer(true))
	hp := s.URL("")[len("http://"):]
	do(t, l, cl, "GET", s.URL("/1"), nil)
	res := do(t, l, cl, "GET", s.URL("/2"), nil)
	checkExact(t, res, want{nilBody: true, status: 596, reason: "Connection reset by peer", url: s.URL("/2")})
	reqs := s.Requests()
	if s.Accepted() != 1 || len(reqs) != 2 {
		t.Fatalf("reset: accepted %d requests %d", s.Accepted(), len(reqs))
	}
	checkRequest(t, reqs[1], "GET /2 HTTP/1.1", defaultHeaders(hp, s.URL("/2"), "keep-alive, Te"), "")

	l, cl = newClient(t)
	s = startServer(t, retryServer(false))
	hp = s.URL("")[len("http://"):]
	o := &Options{Persistent: Bool(true)}
	do(t, l, cl, "POST", s.URL("/1"), o)
	res = do(t, l, cl, "POST", s.URL("/2"), o)
	checkExact(t, res, want{nilBody: true, status: 596, reason: "Broken pipe", url: s.URL("/2")})
	reqs = s.Requests()
	if s.Accepted() != 1 || len(reqs) != 2 {
		t.Fatalf("POST: accepted %d requests %d", s.Accepted(), len(reqs))
	}
	checkRequest(t, reqs[0], "POST /1 HTTP/1.1", defaultHeaders(hp, s.URL("/1"), "keep-alive, Te"), "")
	checkRequest(t, reqs[1], "POST /2 HTTP/1.1", defaultHeaders(hp, s.URL("/2"), "keep-alive, Te"), "")
}

// W8: bytes that arrive on a reused connection before any byte of the
// request went out are no answer to it. Here the server sends a 512-byte
// response and a stray one in one write; with 512-byte reads the read
// that ends the first response is followed, in the same read loop, by one
// that finds the stray response, after the first request's callback has
// issued the next request on the pooled connection (still corked,
// unsent). The next request, of any method, goes again on a fresh
// connection, as the retry of spec §5.6 does, but without spending a
// redirect (it has none here); its queued bytes are dropped, not sent on
// the old connection, although the first request asked for a linger.
func TestStrayResponseBeforeRequestSent(t *testing.T) {
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			l, cl := newClient(t)
			head := "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n"
			n := 512 - len(fmt.Sprintf(head, 500))
			first := fmt.Sprintf(head, n) + strings.Repeat("a", n)
			s := startServer(t, answerBy(func(req string) string {
				if strings.Contains(req, " /first ") {
					return first + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nSTALE"
				}
				return "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood"
			}))
			hp := s.URL("")[len("http://"):]
			o := &Options{Persistent: Bool(true), HandleParams: &loop.HandleOptions{ReadSize: 512, MaxReadSize: 512, Linger: time.Second}}
			var second result
			pending := 2
			cl.Request(method, s.URL("/first"), o, func(b []byte, r *Response) {
				pending--
				if len(b) != n {
					t.Errorf("first: %d %q", r.Status, b)
				}
				cl.Request(method, s.URL("/second"), &Options{Persistent: Bool(true), Recurse: Int(0)}, func(b []byte, r *Response) {
					second = result{b, r}
					pending--
				})
			})
			runUntil(t, l, 5*time.Second, &pending)
			runFor(t, l, 50*time.Millisecond) // a lingering old connection would send /second now
			checkExact(t, second, want{body: "good", status: 200, reason: "OK", version: "1.1", url: s.URL("/second"),
				hdr: map[string]string{"content-length": "4"}})
			reqs := s.Requests()
			if s.Accepted() != 2 || len(reqs) != 2 {
				t.Fatalf("accepted %d requests %d", s.Accepted(), len(reqs))
			}
			checkRequest(t, reqs[1], method+" /second HTTP/1.1", defaultHeaders(hp, s.URL("/second"), "close, Te"), "")
		})
	}
}

// T57 with a redirect: the retry is made with persistent false as if the
// caller had said so, and an explicit persistent goes to every hop (spec
// §5.6, §9.2), so the hop after the retry is not persistent either.
func TestRetryThenRedirectNotPersistent(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, staleServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
		answerByLine("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend",
			map[string]string{"GET /2 ": "HTTP/1.1 302 Found\r\nLocation: /3\r\nContent-Length: 0\r\n\r\n"})))
	hp := s.URL("")[len("http://"):]
	do(t, l, cl, "GET", s.URL("/1"), nil)
	res := do(t, l, cl, "GET", s.URL("/2"), nil)
	checkStatus(t, res, 200, "OK")
	reqs := s.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests", len(reqs))
	}
	checkRequest(t, reqs[2], "GET /2 HTTP/1.1", defaultHeaders(hp, s.URL("/2"), "close, Te"), "")
	checkRequest(t, reqs[3], "GET /3 HTTP/1.1", defaultHeaders(hp, s.URL("/3"), "close, Te"), "")
}

// The retry loses the redirect chain of the hop it repeats (spec §5.6, kept
// as AnyEvent has it: Appendix B W14): /r answers 302 to /b, the hop to
// /b finds the pooled connection closed and is retried on a new one.
func TestRetryLosesRedirectChain(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, staleServer("HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n", false,
		answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nend")))
	res := do(t, l, cl, "GET", s.URL("/r"), nil)
	checkStatus(t, res, 200, "OK")
	if rd := res.r.Redirect; rd != nil {
		t.Errorf("redirect chain after the retry: %+v", rd)
	}
	if s.Accepted() != 2 || len(s.Requests()) != 3 {
		t.Errorf("accepted %d requests %d", s.Accepted(), len(s.Requests()))
	}
}

// T60: MaxPerHost queueing. Six GETs: four connections at once, the
// fifth and sixth wait for a slot and go out as the second request of a
// pooled connection (the body says which request of its connection it
// was), and the slot is free again before the first callback runs.
func TestMaxPerHostQueue(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		for n := 1; ; n++ {
			if _, err := c.ReadRequest(); err != nil {
				return
			}
			c.Pause(50 * time.Millisecond)
			c.Write(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nr%d", n))
		}
	})
	url := s.URL("/")
	pending, activeInFirst := 6, -1
	results := make([]result, 6)
	for i := range results {
		cl.Get(url, nil, func(body []byte, r *Response) {
			if activeInFirst < 0 {
				activeInFirst = cl.Active()
			}
			results[i] = result{body, r}
			pending--
		})
	}
	if cl.Active() != 4 {
		t.Errorf("active %d at start", cl.Active())
	}
	runUntil(t, l, 10*time.Second, &pending)
	for i, res := range results {
		body := map[bool]string{true: "r1", false: "r2"}[i < 4]
		checkExact(t, res, want{body: body, status: 200, reason: "OK", version: "1.1", url: url,
			hdr: map[string]string{"content-length": "2"}})
	}
	reqs := s.Requests()
	if s.Accepted() != 4 || len(reqs) != 6 || activeInFirst != 4 || cl.Active() != 0 || cl.Idle() != 4 {
		t.Errorf("accepted %d requests %d active-in-first %d active %d idle %d",
			s.Accepted(), len(reqs), activeInFirst, cl.Active(), cl.Idle())
	}
	for _, req := range reqs {
		checkRequest(t, req, "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	}
}

// T61, T62: idle timeout and sessions. Client.PersistentTimeout shortens
// AnyEvent's 3 s idle timeout to 100 ms so that the test waits for the
// client to close both idle connections (an ordering, with a generous
// limit) instead of 3.5 s. Sessions "a", "b", "a" make two connections;
// after the idle timeout the server sees both closed and a fourth request
// opens a third.
func TestIdleTimeoutAndSessions(t *testing.T) {
	l, cl := newClient(t)
	cl.PersistentTimeout = 100 * time.Millisecond
	var eofs atomic.Int32
	s := startServer(t, func(c *testserver.Conn) {
		c.Serve("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
		eofs.Add(1)
	})
	url := s.URL("/")
	get := func(session string) {
		t.Helper()
		res := do(t, l, cl, "GET", url, &Options{SessionID: session})
		checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: url,
			hdr: map[string]string{"content-length": "0"}})
	}
	get("a")
	get("b")
	get("a")
	if s.Accepted() != 2 || cl.Idle() != 2 {
		t.Errorf("accepted %d idle %d", s.Accepted(), cl.Idle())
	}
	for i := 0; i < 1000 && (cl.Idle() != 0 || eofs.Load() != 2); i++ {
		runFor(t, l, 10*time.Millisecond)
	}
	if cl.Idle() != 0 || eofs.Load() != 2 {
		t.Errorf("after idle timeout: idle %d, server saw %d EOFs", cl.Idle(), eofs.Load())
	}
	get("a")
	reqs := s.Requests()
	if s.Accepted() != 3 || len(reqs) != 4 {
		t.Errorf("accepted %d requests %d", s.Accepted(), len(reqs))
	}
	for _, req := range reqs {
		checkRequest(t, req, "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	}
}

// T63: slots are per host, not per port. With MaxPerHost 1 a request to
// 127.0.0.1:P2 waits for the one to 127.0.0.1:P1: the slow server's
// body is the number of connections the fast one had when it answered
// (0), and the callbacks run in issue order.
func TestSlotsPerHost(t *testing.T) {
	l, cl := newClient(t)
	cl.MaxPerHost = 1
	var fastAccepted atomic.Int32
	slow := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Pause(50 * time.Millisecond)
		c.Write(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n%d", fastAccepted.Load()))
		c.WaitEOF(time.Second)
	})
	fast := startServer(t, func(c *testserver.Conn) {
		fastAccepted.Add(1)
		c.Serve("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nf")
	})
	pending := 2
	var order []string
	var res [2]result
	cl.Get(slow.URL("/"), nil, func(b []byte, r *Response) { order = append(order, "slow"); res[0] = result{b, r}; pending-- })
	cl.Get(fast.URL("/"), nil, func(b []byte, r *Response) { order = append(order, "fast"); res[1] = result{b, r}; pending-- })
	runUntil(t, l, 10*time.Second, &pending)
	if len(order) != 2 || order[0] != "slow" {
		t.Errorf("callbacks ran in order %q", order)
	}
	// "0": the fast server had no connection while the slow request held the slot.
	checkExact(t, res[0], want{body: "0", status: 200, reason: "OK", version: "1.1", url: slow.URL("/"),
		hdr: map[string]string{"content-length": "1"}})
	checkExact(t, res[1], want{body: "f", status: 200, reason: "OK", version: "1.1", url: fast.URL("/"),
		hdr: map[string]string{"content-length": "1"}})
	for _, s := range []*testserver.Server{slow, fast} {
		url := s.URL("/")
		if reqs := s.Requests(); len(reqs) != 1 {
			t.Errorf("%s: requests %q", url, reqs)
		} else {
			checkRequest(t, reqs[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
		}
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

// checkPool compares each pool entry's idle count with its list and the
// connections that point to it, and checks that no entry is kept without
// a connection.
func checkPool(t *testing.T, cl *Client) {
	t.Helper()
	for k, p := range cl.pool {
		n := 0
		for c := p.newest; c != nil; c = c.nextIdle {
			if c.pool != p || c.closed || c.call != nil || c.phase != PhaseDone {
				t.Errorf("%v: idle conn closed %v call %v phase %v", k, c.closed, c.call != nil, c.phase)
			}
			n++
		}
		if n != p.idle || p.key != k || p.conns < n || p.conns == 0 {
			t.Errorf("%v: list %d, idle %d, conns %d", k, n, p.idle, p.conns)
		}
	}
}

// TestPoolCounts checks the pool's bookkeeping: the per-key idle counts,
// trimming to MaxPerHost, the idle timeout of a pooled connection, and
// that an entry goes with its last connection.
func TestPoolCounts(t *testing.T) {
	l, cl := newClient(t)
	cl.PersistentTimeout = time.Minute
	s := startLoopServer(t, l, helloResp)
	pending := 0
	for i := 0; i < 4; i++ {
		pending++
		cl.Get(s.url("/"), nil, func([]byte, *Response) { pending-- })
	}
	runUntil(t, l, 10*time.Second, &pending)
	checkPool(t, cl)
	if cl.Idle() != 4 || len(cl.pool) != 1 {
		t.Fatalf("idle %d entries %d", cl.Idle(), len(cl.pool))
	}
	cl.MaxPerHost = 2 // the next store trims the list to 2
	do(t, l, cl, "GET", s.url("/"), &Options{SessionID: "x"})
	do(t, l, cl, "GET", s.url("/"), nil)
	checkPool(t, cl)
	if cl.Idle() != 3 || len(cl.pool) != 2 {
		t.Fatalf("idle %d entries %d", cl.Idle(), len(cl.pool))
	}
	for _, p := range cl.pool {
		for c := p.newest; c != nil; c = c.nextIdle {
			if c.tmo != time.Minute {
				t.Errorf("idle conn timeout %v", c.tmo)
			}
		}
	}
	// A callback that issues the next request takes the connection it
	// just freed, which keeps the request timeout meanwhile: one
	// SetTimeout per request saved. The idle timeout comes once the
	// connection is idle after a callback.
	first := cl.pool[poolKey{"http", "127.0.0.1", s.url("/")[17 : len(s.url("/"))-1], ""}].newest
	pending = 1
	cl.Get(s.url("/"), nil, func([]byte, *Response) {
		cl.Get(s.url("/"), nil, func([]byte, *Response) { pending-- })
		if first.call == nil || first.tmo != DefaultTimeout {
			t.Errorf("in the callback: call %v timeout %v", first.call != nil, first.tmo)
		}
	})
	runUntil(t, l, 10*time.Second, &pending)
	checkPool(t, cl)
	if first.call != nil || first.tmo != time.Minute {
		t.Errorf("after: call %v timeout %v", first.call != nil, first.tmo)
	}
	cl.CloseIdle()
	checkPool(t, cl)
	if cl.Idle() != 0 || len(cl.pool) != 0 || cl.lastPool != nil {
		t.Errorf("after CloseIdle: idle %d entries %d", cl.Idle(), len(cl.pool))
	}
}

// Connections are corked: a request issued on a pooled connection from a
// completion callback is written when the loop is about to poll again,
// together with the others of the iteration, not inside Request.
func TestRequestsFromCallbacksAreCorked(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	do(t, l, cl, "GET", s.URL("/warm"), nil) // pools a connection
	var inside, after loop.Stats
	pending := 1
	cl.Get(s.URL("/first"), nil, func([]byte, *Response) {
		before := l.Stats()
		cl.Get(s.URL("/second"), nil, func(body []byte, r *Response) {
			if r.Status != 200 || string(body) != "ok" {
				t.Errorf("second: %d %q", r.Status, body)
			}
			pending--
		})
		inside = l.Stats()
		inside.Writes -= before.Writes
		l.Defer(func() { after = l.Stats(); after.Writes -= before.Writes })
	})
	runUntil(t, l, 10*time.Second, &pending)
	if inside.Writes != 0 || after.Writes != 0 {
		t.Fatalf("writes inside the callback %d, in the deferred step %d; want both 0", inside.Writes, after.Writes)
	}
	if s.Accepted() != 1 {
		t.Fatalf("%d connections, want the pooled one reused", s.Accepted())
	}
}

// A server that answers before it read the whole request body leaves
// request bytes unsent; pooling the connection would send them ahead of
// the next request, so it is closed (W8).
func TestUnsentBodyNotPooled(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.Pause(5 * time.Second) // reads nothing
	})
	body := make([]byte, 32<<20) // more than the socket buffers hold
	res := do(t, l, cl, "PUT", s.URL("/"), &Options{Body: body})
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "ok" || cl.Idle() != 0 {
		t.Errorf("body %q, %d idle connections; want \"ok\" and none", res.body, cl.Idle())
	}
}
