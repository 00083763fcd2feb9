package httpc

import (
	"errors"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

func TestBodies(t *testing.T) {
	cases := []struct {
		name, method, resp, body string
		status                   int
		reason                   string
		hdr                      map[string]string
	}{
		{"chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext\r\n world\r\n0\r\n\r\n", "hello world", 200, "OK",
			map[string]string{"transfer-encoding": "chunked", "content-length": "11"}},
		{"head", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "", 200, "OK", map[string]string{"content-length": "5"}},
		{"204", "GET", "HTTP/1.1 204 No\r\nContent-Length: 5\r\n\r\n", "", 204, "No", map[string]string{"content-length": "5"}},
		{"continue", "GET", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "ok", 200, "OK", map[string]string{"content-length": "2"}},
		{"extra", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyzMORE", "xyz", 200, "OK", map[string]string{"content-length": "3"}},
		{"zeros", "GET", "HTTP/01.1 200 OK\r\nContent-Length: 0\r\n\r\n", "", 200, "OK", map[string]string{"content-length": "0"}},
		{"reasonless", "GET", "HTTP/1.1 200\r\nX-First: y\r\nContent-Length: 2\r\n\r\nok", "ok", 200, "X-First: y", map[string]string{"content-length": "2"}},
		{"101", "GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n", "", 101, "Switching Protocols", map[string]string{"upgrade": "x"}},
		{"invalid", "GET", "HTTX/1.1 200 OK\r\n\r\n", "", 599, "Invalid server response", nil},
		{"garbled", "GET", "HTTP/1.1 200 OK\r\nnocolon\r\n\r\n", "", 599, "Garbled response headers", nil},
		{"badchunk", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "", 597, "Garbled chunked transfer encoding",
			map[string]string{"transfer-encoding": "chunked"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, answer(tc.resp))
			res := do(t, l, cl, tc.method, s.URL("/"), nil)
			checkStatus(t, res, tc.status, tc.reason)
			if tc.status < 590 && string(res.body) != tc.body || tc.status >= 590 && res.body != nil {
				t.Errorf("body %q", res.body)
			}
			if h := res.r.Header(); tc.hdr != nil && !equalMaps(h, tc.hdr) {
				t.Errorf("headers %q", h)
			}
			if tc.status == 101 && cl.Idle() != 0 {
				t.Error("connection pooled after 101")
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// Until close, with the body arriving in pieces.
func TestUntilClose(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\n\r\nuntil")
		c.Pause(50 * time.Millisecond)
		c.Write("close")
		c.CloseWrite()
		c.WaitEOF(time.Second)
	})
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "untilclose" || cl.Idle() != 0 {
		t.Errorf("body %q idle %d", res.body, cl.Idle())
	}
}

// Connection failures after connect, with their exact reasons.
func TestConnErrors(t *testing.T) {
	cases := []struct {
		name   string
		script testserver.Script
		status int
		reason string
	}{
		{"eof-before-head", func(c *testserver.Conn) {
			c.ReadRequest()
			c.Write("HTTP/1.1 200")
			c.CloseWrite()
			c.WaitEOF(time.Second)
		}, 596, "Broken pipe"},
		{"close-at-once", func(c *testserver.Conn) { c.ReadRequest() }, 596, "Broken pipe"},
		{"reset", func(c *testserver.Conn) { c.ReadRequest(); c.Reset() }, 596, "Connection reset by peer"},
		{"timeout-head", func(c *testserver.Conn) { c.ReadRequest(); c.Stall() }, 596, "Connection timed out"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, tc.script)
			res := do(t, l, cl, "GET", s.URL("/"), &Options{Timeout: 200 * time.Millisecond})
			checkStatus(t, res, tc.status, tc.reason)
			if res.r.HTTPVersion != "" {
				t.Errorf("HTTPVersion %q", res.r.HTTPVersion)
			}
			if res.body != nil || len(res.r.Header()) != 0 || res.r.OrigStatus != 0 || cl.Active() != 0 {
				t.Errorf("body %q headers %q orig %d active %d", res.body, res.r.Header(), res.r.OrigStatus, cl.Active())
			}
		})
	}
}

// T40: OnHeader's Abort is 598 through the finish path; the connection
// is closed.
func TestOnHeaderAbort(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"))
	seen := 0
	url := s.URL("/")
	res := do(t, l, cl, "GET", url, &Options{OnHeader: func(r *Response) Action { seen = r.Status; return Abort }})
	checkExact(t, res, want{nilBody: true, status: 598, reason: "Request cancelled by on_header", version: "1.1", url: url,
		orig: 200, origText: "OK", hdr: map[string]string{"content-length": "5", "content-type": "text/plain"}})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	if !errors.Is(res.r.Err, ErrAborted) {
		t.Errorf("Err %v is not ErrAborted", res.r.Err)
	}
	if seen != 200 || cl.Idle() != 0 {
		t.Errorf("seen %d idle %d", seen, cl.Idle())
	}
}

// T43 in safe mode (W8): OnBody gets the Content-Length bytes only, and
// the connection with bytes left over is not pooled; TestCompat has
// AnyEvent's over-delivery.
func TestOnBodyNoOverDelivery(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA"))
	var got string
	url := s.URL("/")
	res := do(t, l, cl, "GET", url, &Options{OnBody: func(p []byte, r *Response) Action { got += string(p); return Continue }})
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: url, hdr: map[string]string{"content-length": "3"}})
	if got != "abc" || cl.Idle() != 0 {
		t.Errorf("on_body got %q, idle %d", got, cl.Idle())
	}
}

// T45 (the handle is readable) and T46 (no body, no handle; exact).
func TestWantBodyHandle(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"))
	res := do(t, l, cl, "GET", s.URL("/"), &Options{WantBodyHandle: true})
	checkStatus(t, res, 200, "OK")
	h := res.r.Handle
	if h == nil || cl.Active() != 0 || cl.Idle() != 0 {
		t.Fatalf("handle %v active %d idle %d", h, cl.Active(), cl.Idle())
	}
	// The client corks its connections; the handle handed over does not.
	w0 := l.Stats().Writes
	h.Write([]byte("X"))
	if w := l.Stats().Writes - w0; w != 1 {
		t.Errorf("a Write on the handed-over handle made %d write calls at once, want 1", w)
	}
	var buf string
	pending := 1
	h.SetOnRead(func(h *loop.Handle) {
		buf += string(h.RBuf())
		h.Consume(len(h.RBuf()))
		if len(buf) >= 4 {
			pending--
		}
	})
	runUntil(t, l, 2*time.Second, &pending)
	h.Destroy()
	if buf != "body" {
		t.Errorf("handle read %q", buf)
	}
	// T46: no body means no handle; OnHeader runs once and the
	// connection is pooled as usual.
	s2 := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
	calls := 0
	url := s2.URL("/")
	res = do(t, l, cl, "GET", url, &Options{WantBodyHandle: true, OnHeader: func(*Response) Action { calls++; return Continue }})
	checkExact(t, res, want{body: "", status: 204, reason: "No", version: "1.1", url: url})
	checkRequest(t, s2.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	if calls != 1 || cl.Idle() != 1 {
		t.Errorf("OnHeader calls %d idle %d", calls, cl.Idle())
	}
}

// A head (and a chunked body) arriving in pieces, split inside the
// terminating empty line, is found by the resumable scan.
func TestSplitHead(t *testing.T) {
	l, cl := newClient(t)
	resp := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Write(resp[:10])
		c.Pause(20 * time.Millisecond)
		for i := 10; i < len(resp); i++ {
			c.Write(resp[i : i+1])
			c.Pause(2 * time.Millisecond)
		}
		c.WaitEOF(time.Second)
	})
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "abc" || res.r.Header()["content-length"] != "3" || cl.Idle() != 1 {
		t.Errorf("body %q headers %q idle %d", res.body, res.r.Header(), cl.Idle())
	}
}
