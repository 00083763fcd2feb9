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

// T13: addresses are tried in order (127.0.0.1 is refused, ::1 answers);
// the Host header keeps the name.
func TestAddressFallback(t *testing.T) {
	s, err := testserver.Start("tcp6", answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6"))
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	t.Cleanup(s.Close)
	l, cl := newClient(t)
	cl.Resolver = testResolver(t, l, "127.0.0.1 localhost\n::1 localhost\n")
	hp := fmt.Sprintf("localhost:%d", s.Port())
	url := "http://" + hp + "/"
	res := do(t, l, cl, "GET", url, nil)
	checkExact(t, res, want{body: "v6", status: 200, reason: "OK", version: "1.1", url: url,
		hdr: map[string]string{"content-length": "2"}})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(hp, url, "keep-alive, Te"), "")
}

// TCPConnect and OnPrepare replace the connector and the prepare callback
// (T08: the explicit default port stays in Host and Referer; without it
// neither has a port).
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
	ok := want{body: "", status: 200, reason: "OK", version: "1.1", hdr: map[string]string{"content-length": "0"}}
	ok.url = "http://127.0.0.1:80/"
	res := do(t, l, cl, "GET", ok.url, &Options{TCPConnect: connect,
		OnPrepare: func(int) time.Duration { prepared++; return time.Second }})
	checkExact(t, res, ok)
	if gotHost != "127.0.0.1" || gotPort != 80 || prepared != 1 {
		t.Errorf("host %q port %d prepared %d", gotHost, gotPort, prepared)
	}
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders("127.0.0.1:80", ok.url, "keep-alive, Te"), "")
	ok.url = "http://127.0.0.1/"
	res = do(t, l, cl, "GET", ok.url, &Options{TCPConnect: connect, Persistent: Bool(false)})
	checkExact(t, res, ok)
	checkRequest(t, s.Requests()[1], "GET / HTTP/1.1", defaultHeaders("127.0.0.1", ok.url, "close, Te"), "")
}

// HandleParams reach the handle (a tiny RBufMax makes the head too large).
func TestHandleParams(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nX-Long: "+strings.Repeat("x", 4000)+"\r\nContent-Length: 0\r\n\r\n"))
	res := do(t, l, cl, "GET", s.URL("/"), &Options{HandleParams: &loop.HandleOptions{RBufMax: 100, ReadSize: 64, MaxReadSize: 64}})
	checkStatus(t, res, 596, "No space left on device")
}

// T06 (second half) and cookie processing: with an empty jar the user's
// Cookie is kept; once the jar has a cookie for the URL it replaces the
// user's.
func TestCookies(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerByLine("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", map[string]string{
		"GET /set ": "HTTP/1.1 200 OK\r\nSet-Cookie: s=2; Path=/\r\nContent-Length: 0\r\n\r\n"}))
	jar := cookie.NewJar()
	user := []HeaderField{{Name: "cookie", Value: "c=1"}}
	ok := map[string]string{"content-length": "0"}
	hp := s.URL("")[len("http://"):]
	res := do(t, l, cl, "POST", s.URL("/"), &Options{CookieJar: jar, Headers: user})
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: s.URL("/"), hdr: ok})
	res = do(t, l, cl, "GET", s.URL("/set"), &Options{CookieJar: jar})
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: s.URL("/set"),
		hdr: map[string]string{"content-length": "0", "set-cookie": "s=2; Path=/"}})
	res = do(t, l, cl, "GET", s.URL("/x"), &Options{CookieJar: jar, Headers: user})
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: s.URL("/x"), hdr: ok})
	reqs := s.Requests()
	if len(reqs) != 3 {
		t.Fatalf("requests %q", reqs)
	}
	checkRequest(t, reqs[0], "POST / HTTP/1.1", append(defaultHeaders(hp, s.URL("/"), "close, Te"), "Cookie: c=1"), "")
	checkRequest(t, reqs[1], "GET /set HTTP/1.1", defaultHeaders(hp, s.URL("/set"), "keep-alive, Te"), "")
	checkRequest(t, reqs[2], "GET /x HTTP/1.1", append(defaultHeaders(hp, s.URL("/x"), "keep-alive, Te"), "Cookie: s=2"), "")
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

// W9: the interim responses before the final one are bounded, so that a
// peer cannot hold a request open with 103s that each reset its timeout.
func TestInterimResponsesBounded(t *testing.T) {
	const hint = "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
	const final = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	for _, n := range []int{maxInterimResponses, maxInterimResponses + 1} {
		l, cl := newClient(t)
		s := startServer(t, answer(strings.Repeat(hint, n)+final))
		res := do(t, l, cl, "GET", s.URL("/"), nil)
		if n <= maxInterimResponses {
			checkStatus(t, res, 200, "OK")
			continue
		}
		checkStatus(t, res, 599, "Too many interim responses")
		if res.body != nil || res.r.HTTPVersion != "1.1" || cl.Active() != 0 || cl.Idle() != 0 {
			t.Errorf("body %q version %q active %d idle %d", res.body, res.r.HTTPVersion, cl.Active(), cl.Idle())
		}
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
	s := startServer(t, answerByLine("", map[string]string{
		"GET /103 ":  "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
		"GET /abc ":  "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
		"GET /over ": "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcEXTRA",
		"GET /loc ":  "HTTP/1.1 201 Created\r\nLocation: ?x=1\r\nContent-Length: 0\r\n\r\n",
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
