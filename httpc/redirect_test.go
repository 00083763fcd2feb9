package httpc

import (
	"fmt"
	"strings"
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

// T49: the budget; the eleventh 3xx is returned as a normal response.
func TestRedirectBudget(t *testing.T) {
	l, cl := newClient(t)
	n := 0
	s := startServer(t, func(c *testserver.Conn) {
		for {
			if _, err := c.ReadRequest(); err != nil {
				return
			}
			c.Write(fmt.Sprintf("HTTP/1.1 301 Moved\r\nLocation: /r%d\r\nContent-Length: 0\r\n\r\n", n))
			n++
		}
	})
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	checkStatus(t, res, 301, "Moved")
	depth := 0
	for r := res.r.Redirect; r != nil; r = r.Response.Redirect {
		depth++
	}
	if len(s.Requests()) != 11 || depth != 10 || res.r.URL != s.URL("/r9") || res.r.Header()["location"] != s.URL("/r10") {
		t.Errorf("requests %d depth %d url %q", len(s.Requests()), depth, res.r.URL)
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
		s := startServer(t, answerBy(func(req string) string {
			switch {
			case strings.HasPrefix(req, "HEAD / "):
				return "HTTP/1.1 303 See Other\r\nLocation: /h\r\nContent-Length: 0\r\n\r\n"
			case strings.HasPrefix(req, "POST /a/b "):
				return "HTTP/1.1 308 Perm\r\nLocation: .//dbl\r\nContent-Length: 0\r\n\r\n"
			}
			return "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
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

// T52 (URI-present mode) and T53: Location normalisation on any status.
func TestLocationNormalisation(t *testing.T) {
	cases := []struct{ path, loc, want string }{
		{"/a/b", "?x=1", "/a/b?x=1"},
		{"/a/b", "./../up", "/up"},
		{"/z#f", "", "/z#f"},
	}
	for _, tc := range cases {
		l, cl := newClient(t)
		s := startServer(t, answer("HTTP/1.1 201 Created\r\nLocation: "+tc.loc+"\r\nContent-Length: 0\r\n\r\n"))
		res := do(t, l, cl, "GET", s.URL(tc.path), nil)
		if got := res.r.Header()["location"]; got != s.URL(tc.want) {
			t.Errorf("%q: location %q, want %q", tc.loc, got, s.URL(tc.want))
		}
	}
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nLocation: //Other.Host:81/p\r\nContent-Length: 0\r\n\r\n"))
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	if got := res.r.Header()["location"]; got != "http://Other.Host:81/p" || res.r.Status != 200 {
		t.Errorf("location %q", got)
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
