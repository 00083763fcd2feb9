package httpc

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

// testResolver resolves from hosts only; DNS goes to a closed port.
func testResolver(t testing.TB, l *loop.Loop, hosts string) *dns.Resolver {
	r, err := dns.NewResolver(l, &dns.Config{
		Servers:  []netip.AddrPort{netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(freePort(t)))},
		Timeouts: []time.Duration{200 * time.Millisecond},
		Hosts:    dns.ParseHosts([]byte(hosts)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// T11: a host name without addresses.
func TestUnresolvable(t *testing.T) {
	l, cl := newClient(t)
	cl.Resolver = testResolver(t, l, "")
	res := do(t, l, cl, "GET", "http://nonexistent.invalid/", nil)
	checkExact(t, res, want{nilBody: true, status: 595, reason: "No such device or address", url: "http://nonexistent.invalid/"})
	if res.r.Err.(*Error).Phase != PhaseResolve {
		t.Errorf("phase %v", res.r.Err.(*Error).Phase)
	}
}

// T13: addresses are tried in order; the Host header keeps the name.
func TestAddressFallback(t *testing.T) {
	s, err := testserver.Start("tcp6", answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6"))
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	t.Cleanup(s.Close)
	l, cl := newClient(t)
	cl.Resolver = testResolver(t, l, "127.0.0.1 localhost\n::1 localhost\n")
	res := do(t, l, cl, "GET", fmt.Sprintf("http://localhost:%d/", s.Port()), nil)
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "v6" || !strings.Contains(s.Requests()[0], fmt.Sprintf("\r\nHost: localhost:%d\r\n", s.Port())) {
		t.Errorf("body %q request %q", res.body, s.Requests()[0])
	}
}

// TCPConnect and OnPrepare replace the connector and the prepare callback
// (T08: the explicit default port stays in Host).
func TestTCPConnectOverride(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	var gotHost string
	var gotPort int
	prepared := 0
	connect := func(l *loop.Loop, host string, port int, prepare PrepareFunc, cb func(int, error)) Canceler {
		gotHost, gotPort = host, port
		ap := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(s.Port()))
		return l.Connect(ap, &loop.ConnectOptions{Prepare: func(fd int) time.Duration { return prepare(fd) }}, cb)
	}
	res := do(t, l, cl, "GET", "http://127.0.0.1:80/", &Options{TCPConnect: connect,
		OnPrepare: func(int) time.Duration { prepared++; return time.Second }})
	checkStatus(t, res, 200, "OK")
	if gotHost != "127.0.0.1" || gotPort != 80 || prepared != 1 || !strings.Contains(s.Requests()[0], "\r\nHost: 127.0.0.1:80\r\n") {
		t.Errorf("host %q port %d prepared %d request %q", gotHost, gotPort, prepared, s.Requests()[0])
	}
	do(t, l, cl, "GET", "http://127.0.0.1/", &Options{TCPConnect: connect, Persistent: Bool(false)})
	if !strings.Contains(s.Requests()[1], "\r\nHost: 127.0.0.1\r\n") {
		t.Errorf("request %q", s.Requests()[1])
	}
}

// HandleParams reach the handle (a tiny RBufMax makes the head too large).
func TestHandleParams(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nX-Long: "+strings.Repeat("x", 4000)+"\r\nContent-Length: 0\r\n\r\n"))
	res := do(t, l, cl, "GET", s.URL("/"), &Options{HandleParams: &loop.HandleOptions{RBufMax: 100, ReadSize: 64, MaxReadSize: 64}})
	checkStatus(t, res, 596, "No space left on device")
}

// T06 (second half) and cookie processing.
func TestCookies(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return
			}
			if strings.HasPrefix(req, "GET /set ") {
				c.Write("HTTP/1.1 200 OK\r\nSet-Cookie: s=2; Path=/\r\nContent-Length: 0\r\n\r\n")
			} else {
				c.Write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			}
		}
	})
	jar := cookie.NewJar()
	user := []HeaderField{{Name: "cookie", Value: "c=1"}}
	do(t, l, cl, "POST", s.URL("/"), &Options{CookieJar: jar, Headers: user})
	do(t, l, cl, "GET", s.URL("/set"), &Options{CookieJar: jar})
	do(t, l, cl, "GET", s.URL("/x"), &Options{CookieJar: jar, Headers: user})
	reqs := s.Requests()
	if !strings.Contains(reqs[0], "\r\nCookie: c=1\r\n") || !strings.Contains(reqs[2], "\r\nCookie: s=2\r\n") || strings.Contains(reqs[2], "c=1") {
		t.Errorf("requests %q", reqs)
	}
}

// Trailers replace head values; a garbled trailer is 597.
func TestTrailers(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-T: head\r\n\r\n2\r\nok\r\n0\r\nX-T: trailer\r\nX-U: u\r\n\r\n"))
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	h := res.r.Header()
	if string(res.body) != "ok" || h["x-t"] != "trailer" || h["x-u"] != "u" || h["content-length"] != "2" {
		t.Errorf("body %q headers %q", res.body, h)
	}
	s2 := startServer(t, answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nbad trailer\r\n\r\n"))
	res = do(t, l, cl, "GET", s2.URL("/"), nil)
	checkStatus(t, res, 597, "Garbled response trailers")
}

// T24/T25 in safe mode (W8): a 103 is skipped like 100.
func TestEarlyHintsSkipped(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "ok" || !equalMaps(res.r.Header(), map[string]string{"content-length": "2"}) || cl.Idle() != 1 {
		t.Errorf("body %q headers %q idle %d", res.body, res.r.Header(), cl.Idle())
	}
}

// W8: bytes after a complete response leave its connection unpooled, so
// a request issued from the callback cannot read them as its response.
func TestNoReuseWithUnreadBytes(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nold"))
	var second result
	pending := 2
	cl.Get(s.URL("/1"), nil, func(body []byte, r *Response) {
		if r.Status != 204 {
			t.Errorf("first: %d", r.Status)
		}
		pending--
		cl.Get(s.URL("/2"), nil, func(body []byte, r *Response) { second = result{body, r}; pending-- })
	})
	runUntil(t, l, 5*time.Second, &pending)
	if second.r.Status != 204 || s.Accepted() != 2 {
		t.Errorf("second: %d %q, %d connections", second.r.Status, second.body, s.Accepted())
	}
}

// Client.Compat restores AnyEvent's exact behaviour: T24/T25 (103 final),
// T28 ("abc" length is 0, kept), T43 (over-delivery), T52 (no URI).
func TestCompat(t *testing.T) {
	l, cl := newClient(t)
	cl.Compat = CompatInterim | CompatFraming | CompatOnBody | CompatLocationNoURI
	s := startServer(t, answerBy(func(req string) string {
		switch {
		case strings.HasPrefix(req, "GET /103 "):
			return "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
		case strings.HasPrefix(req, "GET /abc "):
			return "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"
		case strings.HasPrefix(req, "GET /over "):
			return "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA"
		case strings.HasPrefix(req, "GET /loc "):
			return "HTTP/1.1 201 Created\r\nLocation: ?x=1\r\nContent-Length: 0\r\n\r\n"
		}
		return ""
	}))
	res := do(t, l, cl, "GET", s.URL("/103"), nil)
	checkStatus(t, res, 103, "Early Hints")
	if res.r.Header()["link"] != "</a>" || string(res.body) != "" {
		t.Errorf("103: %q %q", res.body, res.r.Header())
	}
	res = do(t, l, cl, "GET", s.URL("/abc"), nil)
	checkStatus(t, res, 200, "OK")
	if res.body == nil || len(res.body) != 0 || cl.Idle() != 1 {
		t.Errorf("abc: body %q idle %d", res.body, cl.Idle())
	}
	var got string
	res = do(t, l, cl, "GET", s.URL("/over"), &Options{OnBody: func(p []byte, _ *Response) Action { got += string(p); return Continue }})
	checkStatus(t, res, 200, "OK")
	if got != "abcEXTRA" {
		t.Errorf("over-delivery %q", got)
	}
	res = do(t, l, cl, "GET", s.URL("/loc"), nil)
	checkStatus(t, res, 599, "Cannot parse Location (URI module missing)")
	if res.r.HTTPVersion != "1.1" || len(res.r.Header()) != 0 {
		t.Errorf("loc: %q %q", res.r.HTTPVersion, res.r.Header())
	}
}
