package httpc

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
)

// T01: default GET headers, userinfo, fragment, folded and repeated
// headers. LocalHost resolves without DNS (socket: "localhost" is
// 127.0.0.1 and ::1) and is lower-cased in Host but not in Referer. The
// userinfo is left out of Referer (W6); CompatCredentials sends AnyEvent's
// verified "Referer: http://User:Pw@LocalHost:P/a/b?q=1".
func TestDefaultGet(t *testing.T) {
	t.Run("safe", func(t *testing.T) { testDefaultGet(t, 0, "") })
	t.Run("compat", func(t *testing.T) { testDefaultGet(t, CompatCredentials, "User:Pw@") })
}

func testDefaultGet(t *testing.T, compat Compat, userinfo string) {
	l, cl := newClient(t)
	cl.Compat = compat
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nX-Fold: a\r\n  b\r\nX-Trail: v  \r\n\r\nhello"))
	p := strconv.Itoa(s.Port())
	url := "http://User:Pw@LocalHost:" + p + "/a/b?q=1#frag"
	res := do(t, l, cl, "GET", url, nil)
	checkExact(t, res, want{body: "hello", status: 200, reason: "OK", version: "1.1", url: url,
		hdr: map[string]string{"content-length": "5", "x-a": "1,2", "x-fold": "a\n  b", "x-trail": "v  "}})
	checkRequest(t, s.Requests()[0], "GET /a/b?q=1 HTTP/1.1", []string{"Host: localhost:" + p, "Connection: keep-alive, Te",
		"Referer: http://" + userinfo + "LocalHost:" + p + "/a/b?q=1", "Te: trailers", "User-agent: " + ua}, "")
	if v, ok := res.r.Get("Status"); !ok || v != "200" {
		t.Errorf("Get(Status) = %q", v)
	}
	if v, _ := res.r.Get("X-A"); v != "1,2" {
		t.Errorf("Get(X-A) = %q", v)
	}
}

// T02: POST with a body and custom headers; the connection is closed.
func TestPostBody(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	res := do(t, l, cl, "POST", s.URL("/dir/page"), &Options{Body: []byte("BODY"),
		Headers: []HeaderField{{Name: "Content-Type", Value: "text/plain"}, {Name: "Authorization", Value: "Basic xx"}}})
	checkStatus(t, res, 200, "OK")
	line, hdrs, body := reqLines(s.Requests()[0])
	want := sorted("Host: "+s.URL("")[7:], "Connection: close, Te", "Referer: "+s.URL("/dir/page"),
		"Te: trailers", "User-agent: "+ua, "Content-type: text/plain", "Authorization: Basic xx", "Content-length: 4")
	if line != "POST /dir/page HTTP/1.1" || !reflect.DeepEqual(hdrs, want) || body != "BODY" {
		t.Errorf("request %q %q %q", line, hdrs, body)
	}
	if cl.Idle() != 0 {
		t.Errorf("POST connection pooled")
	}
}

// T03: Content-Length rules.
func TestContentLengthRules(t *testing.T) {
	cases := []struct {
		method string
		body   []byte
		user   string
		want   string
	}{
		{"POST", nil, "", ""},
		{"POST", []byte{}, "", "0"},
		{"PUT", []byte("0"), "", "1"},
		{"DELETE", nil, "", ""},
		{"HEAD", nil, "99", ""},
		{"m-search", nil, "99", ""},
		{"GET", []byte("xyz"), "", "3"},
		{"GET", nil, "0", "0"},
	}
	for _, tc := range cases {
		t.Run(tc.method, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
			o := &Options{Body: tc.body}
			if tc.user != "" {
				o.Headers = []HeaderField{{Name: "content-length", Value: tc.user}}
			}
			do(t, l, cl, tc.method, s.URL("/"), o)
			req := s.Requests()[0]
			_, hdrs, _ := reqLines(req)
			got := ""
			for _, h := range hdrs {
				if len(h) > 16 && h[:16] == "Content-length: " {
					got = h[16:]
				}
			}
			if got != tc.want {
				t.Errorf("%s: Content-length %q, want %q (%q)", tc.method, got, tc.want, req)
			}
		})
	}
}

// T04: suppressing defaults and overriding Connection.
func TestSuppressDefaults(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
	do(t, l, cl, "GET", s.URL("/"), &Options{Headers: []HeaderField{
		{Name: "user-agent", Suppress: true}, {Name: "referer", Suppress: true}, {Name: "te", Suppress: true},
		{Name: "host", Suppress: true}, {Name: "connection", Value: "upgrade"}, {Name: "X-Mixed-Case", Value: "v"}}})
	_, hdrs, _ := reqLines(s.Requests()[0])
	if want := sorted("Connection: keep-alive, Te", "X-mixed-case: v"); !reflect.DeepEqual(hdrs, want) {
		t.Errorf("headers %q", hdrs)
	}
}

// T05: persistent/keepalive combinations (without proxies).
func TestConnectionHeader(t *testing.T) {
	cases := []struct {
		method     string
		persistent *bool
		keepalive  *bool
		want       string
	}{
		{"GET", Bool(true), Bool(false), "Te"},
		{"POST", nil, nil, "close, Te"},
		{"GET", nil, nil, "keep-alive, Te"},
		{"m-search", nil, nil, "close, Te"},
	}
	for _, tc := range cases {
		l, cl := newClient(t)
		s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
		do(t, l, cl, tc.method, s.URL("/"), &Options{Persistent: tc.persistent, KeepAlive: tc.keepalive})
		_, hdrs, _ := reqLines(s.Requests()[0])
		found := false
		for _, h := range hdrs {
			found = found || h == "Connection: "+tc.want
		}
		if !found {
			t.Errorf("%s: headers %q, want Connection: %s", tc.method, hdrs, tc.want)
		}
	}
}

// T06 (first half): a user Host header is kept.
func TestUserHost(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
	do(t, l, cl, "GET", s.URL("/"), &Options{Headers: []HeaderField{{Name: "Host", Value: "virtual.example"}}})
	_, hdrs, _ := reqLines(s.Requests()[0])
	if hdrs[1] != "Host: virtual.example" {
		t.Errorf("headers %q", hdrs)
	}
}

// T07: IPv6 literal.
func TestIPv6Literal(t *testing.T) {
	s, err := testserver.Start("tcp6", answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	if err != nil {
		t.Skip("no IPv6 loopback:", err)
	}
	t.Cleanup(s.Close)
	l, cl := newClient(t)
	url := fmt.Sprintf("http://[::1]:%d/x", s.Port())
	res := do(t, l, cl, "GET", url, &Options{Persistent: Bool(false)})
	checkStatus(t, res, 200, "OK")
	_, hdrs, _ := reqLines(s.Requests()[0])
	want := sorted(fmt.Sprintf("Host: [::1]:%d", s.Port()), "Referer: "+url, "Connection: close, Te", "Te: trailers", "User-agent: "+ua)
	if !reflect.DeepEqual(hdrs, want) {
		t.Errorf("headers %q", hdrs)
	}
}

// T09, T10: early errors are delivered asynchronously.
func TestEarlyErrors(t *testing.T) {
	cases := map[string]string{
		"ftp://x/":        "Only http and https URL schemes supported",
		"www.example.com": "Only http and https URL schemes supported",
		"//host/":         "Only http and https URL schemes supported",
		"mailto:x@y":      "Only http and https URL schemes supported",
		"http:///path":    "Unparsable URL",
		"http://user@/":   "Unparsable URL",
		"http://":         "Unparsable URL",
		"http:/foo":       "Unparsable URL",
		"HTTPS://":        "Unparsable URL",
	}
	l, cl := newClient(t)
	for url, reason := range cases {
		called := false
		pending := 1
		cl.Get(url, nil, func(body []byte, r *Response) {
			called = true
			pending--
			checkExact(t, result{body, r}, want{nilBody: true, status: 599, reason: reason, url: url})
		})
		if called {
			t.Errorf("%s: callback ran before Get returned", url)
		}
		runUntil(t, l, time.Second, &pending)
	}
	res := do(t, l, cl, "GET", "http://127.0.0.1:1/", &Options{Recurse: Int(-1)})
	checkExact(t, res, want{nilBody: true, status: 599, reason: "Too many redirections", url: "http://127.0.0.1:1/"})
	if res.r.Err == nil || res.r.Err.(*Error).Status() != 599 {
		t.Errorf("Err %v", res.r.Err)
	}
}

// T12: connection refused.
func TestConnectionRefused(t *testing.T) {
	l, cl := newClient(t)
	url := fmt.Sprintf("http://127.0.0.1:%d/", freePort(t))
	res := do(t, l, cl, "GET", url, nil)
	checkExact(t, res, want{nilBody: true, status: 595, reason: "Connection refused", url: url})
	if cl.Active() != 0 {
		t.Errorf("body %q active %d", res.body, cl.Active())
	}
	e := res.r.Err.(*Error)
	if e.Phase != PhaseConnect {
		t.Errorf("phase %v", e.Phase)
	}
}

// T15: cancellation.
func TestCancel(t *testing.T) {
	l, cl := newClient(t)
	sawEOF := make(chan bool, 1)
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		sawEOF <- c.WaitEOF(2 * time.Second)
	})
	call := cl.Get(s.URL("/"), nil, func([]byte, *Response) { t.Error("callback after Cancel") })
	runFor(t, l, 50*time.Millisecond)
	call.Cancel()
	if cl.Active() != 0 {
		t.Errorf("active %d", cl.Active())
	}
	runFor(t, l, 50*time.Millisecond)
	if !<-sawEOF {
		t.Error("server did not see the connection closed")
	}
	// Cancelling before the connection exists, and twice, is fine too.
	call = cl.Get(s.URL("/"), nil, func([]byte, *Response) { t.Error("callback after Cancel") })
	call.Cancel()
	call.Cancel()
	runFor(t, l, 50*time.Millisecond)
}

// W5: header injection and request splitting are refused before the
// request touches the network.
func TestRequestRefused(t *testing.T) {
	l, cl := newClient(t)
	cases := []struct {
		method, url string
		hdr         []HeaderField
		reason      string
	}{
		{"GET", "http://127.0.0.1:1/a b", nil, "Invalid character in URL"},
		{"G ET", "http://127.0.0.1:1/", nil, "Invalid request method"},
		{"GET", "http://127.0.0.1:1/", []HeaderField{{Name: "X", Value: "a\r\nInjected: 1"}}, "Invalid header value"},
		{"GET", "http://127.0.0.1:1/", []HeaderField{{Name: "X Y", Value: "a"}}, "Invalid header name"},
	}
	for _, tc := range cases {
		res := do(t, l, cl, tc.method, tc.url, &Options{Headers: tc.hdr})
		checkStatus(t, res, 599, tc.reason)
	}
}

// Cancel from inside OnHeader: no completion callback, connection closed.
func TestCancelInOnHeader(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	var call *Call
	call = cl.Get(s.URL("/"), &Options{OnHeader: func(*Response) Action { call.Cancel(); return Continue }},
		func([]byte, *Response) { t.Error("callback after Cancel") })
	runFor(t, l, 100*time.Millisecond)
	if cl.Active() != 0 || cl.Idle() != 0 {
		t.Errorf("active %d idle %d", cl.Active(), cl.Idle())
	}
}
