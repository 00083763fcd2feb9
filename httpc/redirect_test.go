package httpc

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/internal/testserver"
)

// T48: POST → 302 (relative) → 307 → 200 with a cookie jar. "next?x=1"
// against "/dir/page?next=/foo" is "/dir/next?x=1" by RFC 3986 (W16, the
// default) and "/dir/page?next=/next?x=1" with CompatLocation, AnyEvent's
// verified wire.
func TestRedirectChain(t *testing.T) {
	t.Run("rfc3986", func(t *testing.T) { testRedirectChain(t, 0, "/dir/next?x=1") })
	t.Run("compat", func(t *testing.T) { testRedirectChain(t, CompatLocation, "/dir/page?next=/next?x=1") })
}

func testRedirectChain(t *testing.T, compat Compat, second string) {
	l, cl := newClient(t)
	cl.Compat = compat
	s := startServer(t, func(c *testserver.Conn) {
		if c.N == 1 {
			c.ReadRequest()
			c.Write("HTTP/1.1 302 Found\r\nLocation: next?x=1\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\n\r\nabc")
			c.WaitEOF(time.Second)
			return
		}
		c.ReadRequest()
		c.Write("HTTP/1.1 307 Temp\r\nLocation: /final\r\nContent-Length: 0\r\n\r\n")
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.WaitEOF(time.Second)
	})
	jar := cookie.NewJar()
	base := s.URL("")
	host := base[len("http://"):]
	url := base + "/dir/page?next=/foo"
	res := do(t, l, cl, "POST", url, &Options{Body: []byte("BODY"), CookieJar: jar,
		Headers: []HeaderField{{Name: "Content-Type", Value: "text/plain"}, {Name: "Authorization", Value: "Basic xx"}}})
	reqs := s.Requests()
	if len(reqs) != 3 || s.Accepted() != 2 {
		t.Fatalf("requests %d accepted %d", len(reqs), s.Accepted())
	}
	carried := []string{"Host: " + host, "Authorization: Basic xx", "Content-type: text/plain",
		"Te: trailers", "User-agent: " + ua}
	checkRequest(t, reqs[0], "POST /dir/page?next=/foo HTTP/1.1",
		append(carried, "Referer: "+url, "Content-length: 4", "Connection: close, Te"), "BODY")
	checkRequest(t, reqs[1], "GET "+second+" HTTP/1.1",
		append(carried, "Referer: "+base+second, "Connection: keep-alive, Te", "Cookie: a=1"), "")
	// The cookie package stores RFC 6265's default path "/dir" where
	// AnyEvent stored "/" (cookie W4), so /final gets no cookie.
	checkRequest(t, reqs[2], "GET /final HTTP/1.1",
		append(carried, "Referer: "+base+"/final", "Connection: keep-alive, Te"), "")

	checkExact(t, res, want{body: "ok", status: 200, reason: "OK", version: "1.1", url: base + "/final",
		hdr: map[string]string{"content-length": "2"}, redirect: true})
	r307 := res.r.Redirect
	checkExact(t, result{r307.Body, r307.Response}, want{body: "", status: 307, reason: "Temp", version: "1.1",
		url: base + second, hdr: map[string]string{"location": base + "/final", "content-length": "0"}, redirect: true})
	r302 := r307.Response.Redirect
	checkExact(t, result{r302.Body, r302.Response}, want{body: "abc", status: 302, reason: "Found", version: "1.1",
		url: url, hdr: map[string]string{"location": base + second, "set-cookie": "a=1", "content-length": "3"}})
	if got := jar.Header("http", "127.0.0.1", "/dir/x", jar2now()); got != "a=1" {
		t.Errorf("jar %q", got)
	}
}

// T49: the budget. Exactly 11 requests (/, /r0 … /r9) are made; the
// eleventh 301 is returned as a normal response with a 10-deep chain,
// each hop exact.
func TestRedirectBudget(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerBy(func(req string) string {
		next := 0 // "/" redirects to /r0, /rN to /rN+1
		if n, err := fmt.Sscanf(req, "GET /r%d ", &next); n == 1 && err == nil {
			next++
		}
		return fmt.Sprintf("HTTP/1.1 301 Moved\r\nLocation: /r%d\r\nContent-Length: 0\r\n\r\n", next)
	}))
	hp := s.URL("")[len("http://"):]
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	paths := []string{"/"}
	for i := range 10 {
		paths = append(paths, fmt.Sprintf("/r%d", i))
	}
	// res is the hop of paths[10]; each Redirect is the hop before.
	r, body := res.r, res.body
	for i := 10; i >= 0; i-- {
		next := fmt.Sprintf("/r%d", i)
		checkExact(t, result{body, r}, want{body: "", status: 301, reason: "Moved", version: "1.1", url: s.URL(paths[i]),
			hdr: map[string]string{"location": s.URL(next), "content-length": "0"}, redirect: i > 0})
		if r.Redirect == nil {
			break
		}
		r, body = r.Redirect.Response, r.Redirect.Body
	}
	reqs := s.Requests()
	if len(reqs) != 11 || s.Accepted() != 1 {
		t.Fatalf("%d requests on %d connections, want 11 on 1", len(reqs), s.Accepted())
	}
	for i, p := range paths {
		checkRequest(t, reqs[i], "GET "+p+" HTTP/1.1", defaultHeaders(hp, s.URL(p), "keep-alive, Te"), "")
	}
}

// T50: a redirect to another scheme.
func TestRedirectScheme(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 302 Found\r\nLocation: ftp://files.example/x\r\nContent-Length: 0\r\n\r\n"))
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkExact(t, res, want{nilBody: true, status: 599, reason: "Only http and https URL schemes supported",
		url: "ftp://files.example/x", redirect: true})
	prev := res.r.Redirect
	checkExact(t, result{prev.Body, prev.Response}, want{body: "", status: 302, reason: "Found", version: "1.1", url: s.URL("/"),
		hdr: map[string]string{"location": "ftp://files.example/x", "content-length": "0"}})
}

// T51: method rules. HEAD stays HEAD after a 303; a POST keeps its
// method and body after a 308, whose Location ".//dbl" against "/a/b" is
// "/a//dbl" by RFC 3986 (W16) and "/a/dbl" with CompatLocation (AnyEvent
// drops "./" and the slashes after it).
func TestRedirectMethods(t *testing.T) {
	for _, tc := range []struct {
		compat Compat
		dbl    string
	}{{0, "/a//dbl"}, {CompatLocation, "/a/dbl"}} {
		l, cl := newClient(t)
		cl.Compat = tc.compat
		s := startServer(t, answerByLine(empty200, map[string]string{
			"HEAD / ":    "HTTP/1.1 303 See Other\r\nLocation: /h\r\nContent-Length: 0\r\n\r\n",
			"POST /a/b ": "HTTP/1.1 308 Perm\r\nLocation: .//dbl\r\nContent-Length: 0\r\n\r\n",
		}))
		hp := s.URL("")[len("http://"):]
		res := do(t, l, cl, "HEAD", s.URL("/"), nil)
		checkExact(t, res, want{status: 200, reason: "OK", version: "1.1", url: s.URL("/h"),
			hdr: map[string]string{"content-length": "0"}, redirect: true})
		res = do(t, l, cl, "POST", s.URL("/a/b"), &Options{Body: []byte("PB")})
		checkExact(t, res, want{status: 200, reason: "OK", version: "1.1", url: s.URL(tc.dbl),
			hdr: map[string]string{"content-length": "0"}, redirect: true})
		reqs := s.Requests()
		if len(reqs) != 4 {
			t.Fatalf("requests %q", reqs)
		}
		checkRequest(t, reqs[1], "HEAD /h HTTP/1.1", defaultHeaders(hp, s.URL("/h"), "keep-alive, Te"), "")
		checkRequest(t, reqs[3], "POST "+tc.dbl+" HTTP/1.1",
			append(defaultHeaders(hp, s.URL(tc.dbl), "close, Te"), "Content-length: 2"), "PB")
	}
}

// T52 and T53: Location normalisation on any status, exact requests and
// results. Safe mode resolves "?x=1" and "./../up" with RFC 3986 (the
// 303 is followed to /up); CompatLocationNoURI fails both with AnyEvent's
// 599 (W15). The empty and the scheme-relative Location (T53) are the
// same in both modes; a 200 is never followed.
func TestLocationNormalisation(t *testing.T) {
	t.Run("safe", func(t *testing.T) { testLocationNormalisation(t, 0) })
	t.Run("compat", func(t *testing.T) { testLocationNormalisation(t, CompatLocationNoURI) })
}

func testLocationNormalisation(t *testing.T, compat Compat) {
	l, cl := newClient(t)
	cl.Compat = compat
	s := startServer(t, answerByLine(empty200, map[string]string{
		"GET /a/b?1 ": "HTTP/1.1 201 Created\r\nLocation: ?x=1\r\nContent-Length: 0\r\n\r\n",
		"GET /a/b?2 ": "HTTP/1.1 303 See Other\r\nLocation: ./../up\r\nContent-Length: 0\r\n\r\n",
		"GET /z ":     "HTTP/1.1 200 OK\r\nLocation: \r\nContent-Length: 0\r\n\r\n",
		"GET / ":      "HTTP/1.1 200 OK\r\nLocation: //Other.Host:81/p\r\nContent-Length: 0\r\n\r\n",
	}))
	hp := s.URL("")[len("http://"):]
	get := func(path string) result { return do(t, l, cl, "GET", s.URL(path), nil) }
	noURI := want{nilBody: true, status: 599, reason: "Cannot parse Location (URI module missing)", version: "1.1"}
	var paths []string // the request targets, in order

	res := get("/a/b?1") // T52, 201
	paths = append(paths, "/a/b?1")
	if compat != 0 {
		noURI.url = s.URL("/a/b?1")
		checkExact(t, res, noURI)
	} else {
		checkExact(t, res, want{body: "", status: 201, reason: "Created", version: "1.1", url: s.URL("/a/b?1"),
			hdr: map[string]string{"location": s.URL("/a/b?x=1"), "content-length": "0"}})
	}

	res = get("/a/b?2") // T52, 303
	paths = append(paths, "/a/b?2")
	if compat != 0 {
		noURI.url = s.URL("/a/b?2")
		checkExact(t, res, noURI)
	} else {
		paths = append(paths, "/up")
		checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: s.URL("/up"),
			hdr: map[string]string{"content-length": "0"}, redirect: true})
		hop := res.r.Redirect
		checkExact(t, result{hop.Body, hop.Response}, want{body: "", status: 303, reason: "See Other", version: "1.1",
			url: s.URL("/a/b?2"), hdr: map[string]string{"location": s.URL("/up"), "content-length": "0"}})
	}

	res = get("/z#f") // T53, empty: the URL with its fragment
	paths = append(paths, "/z")
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: s.URL("/z#f"),
		hdr: map[string]string{"location": s.URL("/z#f"), "content-length": "0"}})

	res = get("/") // T53, scheme-relative, on a 200: not followed
	paths = append(paths, "/")
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: s.URL("/"),
		hdr: map[string]string{"location": "http://Other.Host:81/p", "content-length": "0"}})

	reqs := s.Requests()
	if len(reqs) != len(paths) {
		t.Fatalf("requests %q, want %q", reqs, paths)
	}
	for i, p := range paths {
		checkRequest(t, reqs[i], "GET "+p+" HTTP/1.1", defaultHeaders(hp, s.URL(p), "keep-alive, Te"), "")
	}
}

// T54: a connection error on the redirect body aborts the chain.
func TestRedirectBodyError(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Write("HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 10\r\n\r\n")
	})
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkExact(t, res, want{nilBody: true, status: 597, reason: "Unexpected end-of-file", version: "1.1", url: s.URL("/")})
	if len(s.Requests()) != 1 {
		t.Errorf("requests %d", len(s.Requests()))
	}
}

// A redirect whose framing is invalid (a safe-mode parser error) is
// followed like one whose body the parser rejects (spec §9.4): the
// Redirect element carries the 597 with the 302 as OrigStatus and the
// absolute Location. Not followed (Recurse 0), it is the answer, its
// Location absolute all the same.
func TestRedirectFramingError(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerByLine("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", map[string]string{
		"GET / ": "HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: abc\r\n\r\n"}))
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkStatus(t, res, 200, "OK")
	rd := res.r.Redirect
	if string(res.body) != "ok" || rd == nil || rd.Body != nil {
		t.Fatalf("body %q redirect %+v", res.body, rd)
	}
	if r := rd.Response; r.Status != 597 || r.Reason != "Invalid Content-Length" || r.OrigStatus != 302 ||
		r.Header()["location"] != s.URL("/x") {
		t.Errorf("redirect hop: %d %q orig %d location %q", r.Status, r.Reason, r.OrigStatus, r.Header()["location"])
	}
	zero := 0
	res = do(t, l, cl, "GET", s.URL("/"), &Options{Recurse: &zero})
	checkStatus(t, res, 597, "Invalid Content-Length")
	if loc := res.r.Header()["location"]; loc != s.URL("/x") || res.r.OrigStatus != 302 {
		t.Errorf("not followed: location %q orig %d", loc, res.r.OrigStatus)
	}
}

// T47: a 30x without Location bypasses the callbacks.
func TestRedirectWithoutLocation(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 301 Moved\r\nContent-Length: 3\r\n\r\nxyz"))
	called := false
	res := do(t, l, cl, "GET", s.URL("/"), &Options{
		OnHeader: func(*Response) Action { called = true; return Continue },
		OnBody:   func([]byte, *Response) Action { called = true; return Continue }})
	checkExact(t, res, want{body: "xyz", status: 301, reason: "Moved", version: "1.1", url: s.URL("/"),
		hdr: map[string]string{"content-length": "3"}})
	if called {
		t.Error("a callback ran")
	}
}

// TestSameOrigin: the origin of spec Appendix B W6 is scheme, host and
// effective port (RFC 6454 §4).
func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		first, next string
		same        bool
	}{
		{"http://h/", "http://H:80/x?y", true},
		{"http://u:pw@h/", "http://h/", true},
		{"http://[::1]:80/", "http://[::1]/", true},
		{"https://h:443/", "https://h/z", true},
		{"http://h/", "https://h/", false},     // scheme
		{"http://h/", "http://h:8080/", false}, // port
		{"http://h:443/", "https://h/", false}, // scheme, same port
		{"http://h/", "http://www.h/", false},  // host
		{"http://127.0.0.1/", "http://localhost/", false},
	} {
		u, err := parseURL(tc.next)
		if err != nil {
			t.Fatal(err)
		}
		if got := sameOrigin(&u, tc.first); got != tc.same {
			t.Errorf("sameOrigin(%q, %q) = %v", tc.next, tc.first, got)
		}
	}
}

// credentials are the caller's headers of TestRedirectCredentials.
var credentials = []HeaderField{{Name: "Authorization", Value: "Basic xx"}, {Name: "Cookie", Value: "c=1"},
	{Name: "Host", Value: "virtual.example"}, {Name: "Proxy-Authorization", Value: "Basic pp"}, {Name: "X-Keep", Value: "k"}}

// W6: on a redirect to another origin, the caller's Authorization,
// Cookie and Host are dropped (the jar still supplies the new host's
// cookies) and Referer never has userinfo; with CompatCredentials both
// are forwarded as AnyEvent does. Proxy-Authorization is never sent.
func TestRedirectCredentials(t *testing.T) {
	for _, compat := range []bool{false, true} {
		name := map[bool]string{false: "safe", true: "compat"}[compat]
		t.Run(name, func(t *testing.T) { testRedirectCredentials(t, compat) })
	}
}

func testRedirectCredentials(t *testing.T, compat bool) {
	l, cl := newClient(t)
	cl.Resolver = testResolver(t, l, "127.0.0.1 other.example\n")
	if compat {
		cl.Compat = CompatCredentials
	}
	ok := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	b := startServer(t, answer(ok))
	var port atomic.Int32 // a's, set once a listens
	a := startServer(t, answerBy(func(req string) string {
		loc := map[string]string{
			"GET /same ": "/landed",
			"GET /host ": fmt.Sprintf("http://other.example:%d/landed", port.Load()),
			"GET /port ": b.URL("/landed"),
		}
		for prefix, to := range loc {
			if strings.HasPrefix(req, prefix) {
				return "HTTP/1.1 302 Found\r\nLocation: " + to + "\r\nContent-Length: 0\r\n\r\n"
			}
		}
		return ok
	}))
	port.Store(int32(a.Port()))
	jar := cookie.NewJar()
	jar.SetCookie("j=2; Path=/", "other.example", "/", "", time.Now())
	o := &Options{Headers: credentials, CookieJar: jar}
	ap, bp := fmt.Sprint(a.Port()), fmt.Sprint(b.Port())
	start := func(path string) string { return "http://u:pw@127.0.0.1:" + ap + path }
	referer := func(auth, path string) string {
		if compat {
			return "Referer: http://u:pw@" + auth + path
		}
		return "Referer: http://" + auth + path
	}
	first := func(path string) []string {
		return []string{"Host: virtual.example", "Authorization: Basic xx", "Cookie: c=1", "X-keep: k",
			referer("127.0.0.1:"+ap, path), "User-agent: " + ua, "Connection: keep-alive, Te", "Te: trailers"}
	}
	var reqs []string
	run := func(path, final string) result {
		t.Helper()
		res := do(t, l, cl, "GET", start(path), o)
		checkExact(t, res, want{body: "ok", status: 200, reason: "OK", version: "1.1", url: final,
			hdr: map[string]string{"content-length": "2"}, redirect: true})
		hop := res.r.Redirect
		checkExact(t, result{hop.Body, hop.Response}, want{body: "", status: 302, reason: "Found", version: "1.1",
			url: start(path), hdr: map[string]string{"location": final, "content-length": "0"}})
		return res
	}

	// Same origin: everything is forwarded, in both modes. The relative
	// target loses the userinfo unless compat (W6).
	landed := "http://127.0.0.1:" + ap + "/landed"
	if compat {
		landed = start("/landed")
	}
	run("/same", landed)
	reqs = a.Requests()
	checkRequest(t, reqs[0], "GET /same HTTP/1.1", first("/same"), "")
	checkRequest(t, reqs[1], "GET /landed HTTP/1.1", first("/landed"), "")

	// Another host, same scheme and port: the jar's cookie for it is sent.
	run("/host", "http://other.example:"+ap+"/landed")
	reqs = a.Requests()
	checkRequest(t, reqs[2], "GET /host HTTP/1.1", first("/host"), "")
	wantHost := []string{"Host: other.example:" + ap, "Cookie: j=2", "X-keep: k",
		"Referer: http://other.example:" + ap + "/landed", "User-agent: " + ua, "Connection: keep-alive, Te", "Te: trailers"}
	if compat {
		wantHost[0] = "Host: virtual.example"
		wantHost = append(wantHost, "Authorization: Basic xx")
	}
	checkRequest(t, reqs[3], "GET /landed HTTP/1.1", wantHost, "")

	// Another port, same scheme and host: the jar has nothing for it.
	run("/port", b.URL("/landed"))
	reqs = a.Requests()
	checkRequest(t, reqs[4], "GET /port HTTP/1.1", first("/port"), "")
	wantPort := []string{"Host: 127.0.0.1:" + bp, "X-keep: k",
		"Referer: " + b.URL("/landed"), "User-agent: " + ua, "Connection: keep-alive, Te", "Te: trailers"}
	if compat {
		wantPort[0] = "Host: virtual.example"
		wantPort = append(wantPort, "Authorization: Basic xx", "Cookie: c=1")
	}
	checkRequest(t, b.Requests()[0], "GET /landed HTTP/1.1", wantPort, "")
	if len(a.Requests()) != 5 || len(b.Requests()) != 1 {
		t.Errorf("requests %d and %d, want 5 and 1", len(a.Requests()), len(b.Requests()))
	}
}

// W6, cross-scheme: http → https on the same host is another origin.
// https fails with 596 after connecting, before anything is written, so
// the headers can't be seen on the wire (TestRedirectCredentials checks
// them on a cross-port hop, TestSameOrigin the scheme rule); the server
// behind the https URL receives no byte.
func TestRedirectToHTTPS(t *testing.T) {
	l, cl := newClient(t)
	sent := make(chan string, 1)
	tls := startServer(t, func(c *testserver.Conn) {
		got, _ := c.ReadRequest()
		sent <- got
	})
	target := fmt.Sprintf("https://127.0.0.1:%d/landed", tls.Port())
	s := startServer(t, answer("HTTP/1.1 302 Found\r\nLocation: "+target+"\r\nContent-Length: 0\r\n\r\n"))
	url := s.URL("/")
	res := do(t, l, cl, "GET", url, &Options{Headers: credentials})
	checkExact(t, res, want{nilBody: true, status: 596, reason: "TLS support not available on this system", url: target, redirect: true})
	hop := res.r.Redirect
	checkExact(t, result{hop.Body, hop.Response}, want{body: "", status: 302, reason: "Found", version: "1.1", url: url,
		hdr: map[string]string{"location": target, "content-length": "0"}})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", []string{"Host: virtual.example", "Authorization: Basic xx",
		"Cookie: c=1", "X-keep: k", "Referer: " + url, "User-agent: " + ua, "Connection: keep-alive, Te", "Te: trailers"}, "")
	select {
	case got := <-sent:
		if got != "" {
			t.Errorf("the https server received %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Error("the https server was not connected to")
	}
}

// W6: credentials are for the first URL's origin, not for the previous
// hop's: a chain A → B → A sends them to A both times and not to B.
func TestRedirectCredentialsBack(t *testing.T) {
	l, cl := newClient(t)
	var aURL atomic.Value // a's URL of /landed, set once a listens
	b := startServer(t, answerBy(func(string) string {
		return "HTTP/1.1 302 Found\r\nLocation: " + aURL.Load().(string) + "\r\nContent-Length: 0\r\n\r\n"
	}))
	a := startServer(t, answerBy(func(req string) string {
		if strings.HasPrefix(req, "GET /bounce ") {
			return "HTTP/1.1 302 Found\r\nLocation: " + b.URL("/via") + "\r\nContent-Length: 0\r\n\r\n"
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	}))
	aURL.Store(a.URL("/landed"))
	res := do(t, l, cl, "GET", a.URL("/bounce"), &Options{Headers: credentials})
	checkExact(t, res, want{body: "ok", status: 200, reason: "OK", version: "1.1", url: a.URL("/landed"),
		hdr: map[string]string{"content-length": "2"}, redirect: true})
	creds := func(url string) []string {
		return []string{"Host: virtual.example", "Authorization: Basic xx", "Cookie: c=1", "X-keep: k",
			"Referer: " + url, "User-agent: " + ua, "Connection: keep-alive, Te", "Te: trailers"}
	}
	reqs := a.Requests()
	if len(reqs) != 2 || len(b.Requests()) != 1 {
		t.Fatalf("requests %d and %d, want 2 and 1", len(reqs), len(b.Requests()))
	}
	checkRequest(t, reqs[0], "GET /bounce HTTP/1.1", creds(a.URL("/bounce")), "")
	bp := b.URL("")[len("http://"):]
	checkRequest(t, b.Requests()[0], "GET /via HTTP/1.1", []string{"Host: " + bp, "X-keep: k",
		"Referer: " + b.URL("/via"), "User-agent: " + ua, "Connection: keep-alive, Te", "Te: trailers"}, "")
	checkRequest(t, reqs[1], "GET /landed HTTP/1.1", creds(a.URL("/landed")), "")
}

// W6: a relative Location is resolved against the URL without its
// userinfo, so the next hop's URL and the Location value carry no
// credentials; CompatCredentials keeps them (AnyEvent, Appendix A Q11).
// Absolute and scheme-relative targets are taken as they are.
func TestRedirectStripsUserinfo(t *testing.T) {
	for _, compat := range []Compat{0, CompatCredentials} {
		l, cl := newClient(t)
		cl.Compat = compat
		s := startServer(t, answerByLine(empty200, map[string]string{
			"GET /a/b ": "HTTP/1.1 302 Found\r\nLocation: c?x\r\nContent-Length: 0\r\n\r\n",
			"GET /e ":   "HTTP/1.1 200 OK\r\nLocation: \r\nContent-Length: 0\r\n\r\n",
		}))
		hp := s.URL("")[len("http://"):]
		cred := "http://u:p%40w@" + hp
		kept := "http://" + hp
		if compat != 0 {
			kept = cred
		}
		res := do(t, l, cl, "GET", cred+"/a/b", nil)
		if res.r.Status != 200 || res.r.URL != kept+"/a/c?x" || res.r.Redirect == nil {
			t.Fatalf("compat %v: status %d URL %q", compat, res.r.Status, res.r.URL)
		}
		if loc := res.r.Redirect.Response.Header()["location"]; loc != kept+"/a/c?x" {
			t.Errorf("compat %v: location %q", compat, loc)
		}
		res = do(t, l, cl, "GET", cred+"/e#f", nil)
		if loc := res.r.Header()["location"]; loc != kept+"/e#f" {
			t.Errorf("compat %v: empty location gives %q", compat, loc)
		}
	}
}

func TestWithoutUserinfo(t *testing.T) {
	for in, want := range map[string]string{
		"HTTP://a:b@c@H:1/p?q#f": "HTTP://H:1/p?q#f",
		"http://h/p":             "http://h/p",
		"http://@h":              "http://h",
	} {
		u, err := parseURL(in)
		if err != nil {
			t.Fatal(err)
		}
		v := u.withoutUserinfo()
		w, _ := parseURL(want)
		if v != w {
			t.Errorf("%q: %+v, want %+v", in, v, w)
		}
	}
}
