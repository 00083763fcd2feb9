package httpc

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/internal/testserver"
)

// T48: POST → 302 (relative) → 307 → 200 with a cookie jar.
func TestRedirectChain(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		if c.N == 1 {
			c.ReadRequest()
			c.Write("HTTP/1.1 302 Found\r\nLocation: next?x=1\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\n\r\nabc")
			c.WaitEOF(0)
			return
		}
		c.ReadRequest()
		c.Write("HTTP/1.1 307 Temp\r\nLocation: /final\r\nContent-Length: 0\r\n\r\n")
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.WaitEOF(0)
	})
	jar := cookie.NewJar()
	base := s.URL("")
	res := do(t, l, cl, "POST", base+"/dir/page?next=/foo", &Options{Body: []byte("BODY"), CookieJar: jar,
		Headers: []HeaderField{{Name: "Content-Type", Value: "text/plain"}, {Name: "Authorization", Value: "Basic xx"}}})
	checkStatus(t, res, 200, "OK")
	if string(res.body) != "ok" || res.r.URL != base+"/final" {
		t.Errorf("body %q url %q", res.body, res.r.URL)
	}
	reqs := s.Requests()
	if len(reqs) != 3 || s.Accepted() != 2 {
		t.Fatalf("requests %d accepted %d", len(reqs), s.Accepted())
	}
	host := base[len("http://"):]
	common := []string{"Host: " + host, "Authorization: Basic xx", "Content-type: text/plain",
		"Connection: keep-alive, Te", "Te: trailers", "User-agent: " + ua}
	// The cookie package stores RFC 6265's default path "/dir" where
	// AnyEvent stored "/" (cookie W4), so /final gets no cookie.
	for i, want := range []struct{ line, referer, cookie string }{
		{"GET /dir/page?next=/next?x=1 HTTP/1.1", base + "/dir/page?next=/next?x=1", "Cookie: a=1"},
		{"GET /final HTTP/1.1", base + "/final", ""},
	} {
		line, hdrs, body := reqLines(reqs[i+1])
		wantH := append(append([]string(nil), common...), "Referer: "+want.referer)
		if want.cookie != "" {
			wantH = append(wantH, want.cookie)
		}
		wantH = sorted(wantH...)
		if line != want.line || !reflect.DeepEqual(hdrs, wantH) || body != "" {
			t.Errorf("request %d: %q %q %q", i+2, line, hdrs, body)
		}
	}
	r307 := res.r.Redirect
	if r307 == nil || string(r307.Body) != "" || r307.Response.Status != 307 || r307.Response.Header()["location"] != base+"/final" {
		t.Fatalf("307 hop %+v", r307)
	}
	r302 := r307.Response.Redirect
	if r302 == nil || string(r302.Body) != "abc" || r302.Response.Status != 302 || r302.Response.URL != base+"/dir/page?next=/foo" ||
		r302.Response.Header()["location"] != base+"/dir/page?next=/next?x=1" || r302.Response.Header()["set-cookie"] != "a=1" {
		t.Fatalf("302 hop %+v", r302)
	}
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
	checkStatus(t, res, 599, "Only http and https URL schemes supported")
	if res.body != nil || res.r.URL != "ftp://files.example/x" || res.r.Redirect == nil || res.r.Redirect.Response.Status != 302 {
		t.Errorf("%+v", res.r)
	}
}

// T51: method rules.
func TestRedirectMethods(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, func(c *testserver.Conn) {
		for {
			req, err := c.ReadRequest()
			if err != nil {
				return
			}
			switch {
			case strings.HasPrefix(req, "HEAD / "):
				c.Write("HTTP/1.1 303 See Other\r\nLocation: /h\r\nContent-Length: 0\r\n\r\n")
			case strings.HasPrefix(req, "POST /a/b "):
				c.Write("HTTP/1.1 308 Perm\r\nLocation: .//dbl\r\nContent-Length: 0\r\n\r\n")
			default:
				c.Write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
			}
		}
	})
	do(t, l, cl, "HEAD", s.URL("/"), nil)
	do(t, l, cl, "POST", s.URL("/a/b"), &Options{Body: []byte("PB")})
	reqs := s.Requests()
	if len(reqs) != 4 || !strings.HasPrefix(reqs[1], "HEAD /h ") || !strings.HasPrefix(reqs[3], "POST /a/dbl ") ||
		!strings.HasSuffix(reqs[3], "\r\n\r\nPB") || !strings.Contains(reqs[3], "Content-length: 2\r\n") {
		t.Errorf("requests %q", reqs)
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
	checkStatus(t, res, 597, "Unexpected end-of-file")
	if res.r.HTTPVersion != "1.1" || len(s.Requests()) != 1 {
		t.Errorf("version %q requests %d", res.r.HTTPVersion, len(s.Requests()))
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
	checkStatus(t, res, 301, "Moved")
	if called || string(res.body) != "xyz" {
		t.Errorf("called %v body %q", called, res.body)
	}
}
