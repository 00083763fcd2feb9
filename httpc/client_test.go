package httpc

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
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

// T03: Content-Length rules: the exact request of each case (Connection
// follows the method's idempotence) and the exact 204 result.
func TestContentLengthRules(t *testing.T) {
	cases := []struct {
		method string
		body   []byte
		user   string
		line   string
		conn   string
		length string // the Content-length line, "" for none
	}{
		{"POST", nil, "", "POST", "close, Te", ""},
		{"POST", []byte{}, "", "POST", "close, Te", "0"},
		{"PUT", []byte("0"), "", "PUT", "keep-alive, Te", "1"},
		{"DELETE", nil, "", "DELETE", "keep-alive, Te", ""},
		{"HEAD", nil, "99", "HEAD", "keep-alive, Te", ""},
		{"m-search", nil, "99", "M-SEARCH", "close, Te", ""},
		{"GET", []byte("xyz"), "", "GET", "keep-alive, Te", "3"},
		{"GET", nil, "0", "GET", "keep-alive, Te", "0"}, // a GET without a body keeps the user's
	}
	for _, tc := range cases {
		t.Run(tc.line+"-"+tc.length, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
			o := &Options{Body: tc.body}
			if tc.user != "" {
				o.Headers = []HeaderField{{Name: "content-length", Value: tc.user}}
			}
			url := s.URL("/")
			res := do(t, l, cl, tc.method, url, o)
			checkExact(t, res, want{body: "", status: 204, reason: "No", version: "1.1", url: url})
			hdrs := defaultHeaders(url[7:len(url)-1], url, tc.conn)
			if tc.length != "" {
				hdrs = append(hdrs, "Content-length: "+tc.length)
			}
			checkRequest(t, s.Requests()[0], tc.line+" / HTTP/1.1", hdrs, string(tc.body))
		})
	}
}

// T04: suppressing defaults and overriding Connection.
func TestSuppressDefaults(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
	url := s.URL("/")
	res := do(t, l, cl, "GET", url, &Options{Headers: []HeaderField{
		{Name: "user-agent", Suppress: true}, {Name: "referer", Suppress: true}, {Name: "te", Suppress: true},
		{Name: "host", Suppress: true}, {Name: "connection", Value: "upgrade"}, {Name: "X-Mixed-Case", Value: "v"}}})
	checkExact(t, res, want{body: "", status: 204, reason: "No", version: "1.1", url: url})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", []string{"Connection: keep-alive, Te", "X-mixed-case: v"}, "")
}

// T05: persistent/keepalive combinations (the proxy case waits for proxy
// support): the exact request and the exact result.
func TestConnectionHeader(t *testing.T) {
	cases := []struct {
		method, line string
		persistent   *bool
		keepalive    *bool
		want         string
	}{
		{"GET", "GET", Bool(true), Bool(false), "Te"},
		{"POST", "POST", nil, nil, "close, Te"},
		{"GET", "GET", nil, nil, "keep-alive, Te"},
		{"m-search", "M-SEARCH", nil, nil, "close, Te"},
	}
	for _, tc := range cases {
		l, cl := newClient(t)
		s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
		url := s.URL("/")
		res := do(t, l, cl, tc.method, url, &Options{Persistent: tc.persistent, KeepAlive: tc.keepalive})
		checkExact(t, res, want{body: "", status: 204, reason: "No", version: "1.1", url: url})
		checkRequest(t, s.Requests()[0], tc.line+" / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, tc.want), "")
	}
}

// T06 (first half): a user Host header is kept; TestCookies has the
// second.
func TestUserHost(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 204 No\r\n\r\n"))
	url := s.URL("/")
	res := do(t, l, cl, "GET", url, &Options{Headers: []HeaderField{{Name: "Host", Value: "virtual.example"}}})
	checkExact(t, res, want{body: "", status: 204, reason: "No", version: "1.1", url: url})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders("virtual.example", url, "keep-alive, Te"), "")
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

// T15: cancellation. The server reads the request and waits; Cancel
// closes the connection (the server sees end-of-file), frees the slot,
// and no callback runs. Cancelling before the connection exists, and
// twice, is fine too, and sends nothing.
func TestCancel(t *testing.T) {
	l, cl := newClient(t)
	read := make(chan struct{}, 2)
	sawEOF := make(chan bool, 2)
	s := startServer(t, func(c *testserver.Conn) {
		if _, err := c.ReadRequest(); err == nil {
			read <- struct{}{}
		}
		sawEOF <- c.WaitEOF(5 * time.Second)
	})
	url := s.URL("/")
	call := cl.Get(url, nil, func([]byte, *Response) { t.Error("callback after Cancel") })
	runUntilChan(t, l, read)
	call.Cancel()
	if cl.Active() != 0 || cl.Idle() != 0 {
		t.Errorf("active %d idle %d", cl.Active(), cl.Idle())
	}
	if !<-sawEOF {
		t.Error("server did not see the connection closed")
	}
	call = cl.Get(url, nil, func([]byte, *Response) { t.Error("callback after Cancel") })
	call.Cancel()
	call.Cancel()
	if cl.Active() != 0 {
		t.Errorf("active %d", cl.Active())
	}
	runFor(t, l, 20*time.Millisecond)
	if s.Accepted() == 2 && !<-sawEOF {
		t.Error("server did not see the second connection closed")
	}
	if reqs := s.Requests(); len(reqs) != 1 {
		t.Fatalf("requests %q", reqs)
	}
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
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

// Bodies of every size arrive whole, also when a 307 makes the client
// send one again: small ones go out with the head, large ones are queued
// without a copy.
func TestRequestBodySizes(t *testing.T) {
	for _, n := range []int{smallBody, smallBody + 1, 1 << 20} {
		l, cl := newClient(t)
		s := startServer(t, answerByLine(empty200, map[string]string{
			"POST /first ": "HTTP/1.1 307 Again\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n",
		}))
		body := make([]byte, n)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
		res := do(t, l, cl, "POST", s.URL("/first"), &Options{Body: body})
		if res.r.Status != 200 {
			t.Fatalf("%d bytes: %d %s", n, res.r.Status, res.r.Reason)
		}
		reqs := s.Requests()
		if len(reqs) != 2 {
			t.Fatalf("%d bytes: %d requests, want 2", n, len(reqs))
		}
		for i, req := range reqs {
			_, hdrs, got := reqLines(req)
			if got != string(body) || !slices.Contains(hdrs, fmt.Sprintf("Content-length: %d", n)) {
				t.Fatalf("%d bytes: request %d carried %d bytes, headers %q", n, i, len(got), hdrs)
			}
		}
	}
}

// TestHeadMemo: a request without options reuses the head built for the
// last one only when nothing it depends on changed. Each request is sent
// twice, with nil options (the memo) and with empty ones (built afresh),
// and the two must reach the server byte for byte the same.
func TestHeadMemo(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerBy(func(string) string { return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" }))
	withUser := strings.Replace(s.URL("/a"), "http://", "http://u:p@", 1)
	steps := []struct {
		name, method, url string
		change            func()
	}{
		{"first", "GET", s.URL("/a"), nil},
		{"same", "GET", s.URL("/a"), nil},
		{"user agent", "GET", s.URL("/a"), func() { cl.UserAgent = "other/1" }},
		{"method", "OPTIONS", s.URL("/a"), nil},
		{"url", "GET", s.URL("/b?q"), nil},
		{"not persistent", "PATCH", s.URL("/b?q"), nil},
		{"userinfo", "GET", withUser, nil},
		{"compat credentials", "GET", withUser, func() { cl.Compat |= CompatCredentials }},
	}
	var memo []string
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		n := len(s.Requests())
		checkStatus(t, do(t, l, cl, st.method, st.url, nil), 200, "OK")
		checkStatus(t, do(t, l, cl, st.method, st.url, &Options{}), 200, "OK")
		reqs := s.Requests()[n:]
		if len(reqs) != 2 || reqs[0] != reqs[1] {
			t.Fatalf("%s: memo and fresh heads differ:\n%q", st.name, reqs)
		}
		memo = append(memo, reqs[0])
	}
	for i := 1; i < len(memo); i++ {
		if (memo[i] == memo[i-1]) != (steps[i].name == "same") {
			t.Errorf("%s: head %q after %q", steps[i].name, memo[i], memo[i-1])
		}
	}
}
