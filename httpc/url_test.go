package httpc

import (
	"strings"
	"testing"
)

// urlView is urlParts with every part as a field, for comparisons.
type urlView struct {
	Raw, Scheme, Authority, Userinfo, Host, HostPort string
	Port                                             int
	PortText                                         string
	ExplicitPort                                     bool
	Path, Query, RequestURI                          string
}

func (u urlParts) view() urlView {
	if u.Raw == "" {
		return urlView{}
	}
	path, query := u.pathQuery()
	return urlView{Raw: u.Raw, Scheme: u.scheme(), Authority: u.Authority, Userinfo: u.userinfo(), Host: u.Host,
		HostPort: u.HostPort, Port: int(u.Port), PortText: u.portText(), ExplicitPort: u.ExplicitPort,
		Path: path, Query: query, RequestURI: u.RequestURI}
}

// urlTests are spec §3 and Appendix C T01, T07-T09 (want.Raw is filled in
// from in).
var urlTests = []struct {
	in   string
	want urlView
	err  error
}{
	{in: "http://User:Pw@LocalHost:18080/a/b?q=1#frag", want: urlView{Scheme: "http",
		Authority: "User:Pw@LocalHost:18080", Userinfo: "User:Pw", Host: "localhost", HostPort: "localhost:18080",
		Port: 18080, PortText: "18080", ExplicitPort: true, Path: "/a/b", Query: "?q=1", RequestURI: "/a/b?q=1"}},
	{in: "HTTPS://Example.COM", want: urlView{Scheme: "https", Authority: "Example.COM",
		Host: "example.com", HostPort: "example.com", Port: 443, PortText: "443", RequestURI: "/"}},
	{in: "http://h?x=1", want: urlView{Scheme: "http", Authority: "h", Host: "h", HostPort: "h",
		Port: 80, PortText: "80", Query: "?x=1", RequestURI: "/?x=1"}},
	{in: "http://h/?", want: urlView{Scheme: "http", Authority: "h", Host: "h", HostPort: "h",
		Port: 80, PortText: "80", Path: "/", Query: "?", RequestURI: "/?"}},
	{in: "http://h#f?x", want: urlView{Scheme: "http", Authority: "h", Host: "h", HostPort: "h",
		Port: 80, PortText: "80", RequestURI: "/"}},
	{in: "http://h/a b", want: urlView{Scheme: "http", Authority: "h", Host: "h", HostPort: "h",
		Port: 80, PortText: "80", Path: "/a b", RequestURI: "/a b"}},
	{in: "http://[::1]:8080/x", want: urlView{Scheme: "http", Authority: "[::1]:8080", Host: "::1",
		HostPort: "[::1]:8080", Port: 8080, PortText: "8080", ExplicitPort: true, Path: "/x", RequestURI: "/x"}},
	{in: "http://[2001:DB8::1]/", want: urlView{Scheme: "http", Authority: "[2001:DB8::1]", Host: "2001:db8::1",
		HostPort: "[2001:db8::1]", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "http://[::1/", want: urlView{Scheme: "http", Authority: "[::1", Host: "[:", // port 1, as Perl's regex
		HostPort: "[::1", Port: 1, PortText: "1", ExplicitPort: true, Path: "/", RequestURI: "/"}},
	{in: "http://[::x/", want: urlView{Scheme: "http", Authority: "[::x", Host: "[::x",
		HostPort: "[::x", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "http://::1/", want: urlView{Scheme: "http", Authority: "::1", Host: ":", HostPort: "::1",
		Port: 1, PortText: "1", ExplicitPort: true, Path: "/", RequestURI: "/"}},
	{in: "http://127.0.0.1:80/", want: urlView{Scheme: "http", Authority: "127.0.0.1:80", Host: "127.0.0.1",
		HostPort: "127.0.0.1:80", Port: 80, PortText: "80", ExplicitPort: true, Path: "/", RequestURI: "/"}},
	{in: "http://h:0080/", want: urlView{Scheme: "http", Authority: "h:0080", Host: "h",
		HostPort: "h:0080", Port: 80, PortText: "0080", ExplicitPort: true, Path: "/", RequestURI: "/"}},
	{in: "http://host:/", want: urlView{Scheme: "http", Authority: "host:", Host: "host:",
		HostPort: "host:", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "http://host:abc/", want: urlView{Scheme: "http", Authority: "host:abc", Host: "host:abc",
		HostPort: "host:abc", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "http://:80/", want: urlView{Scheme: "http", Authority: ":80", Host: ":80",
		HostPort: ":80", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "http://a@b@c/", want: urlView{Scheme: "http", Authority: "a@b@c", Userinfo: "a@b", Host: "c",
		HostPort: "c", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "http://h\xc3\x84/", want: urlView{Scheme: "http", Authority: "h\xc3\x84", Host: "h\xc3\x84",
		HostPort: "h\xc3\x84", Port: 80, PortText: "80", Path: "/", RequestURI: "/"}},
	{in: "ftp://x/", err: errURLScheme},
	{in: "www.example.com", err: errURLScheme},
	{in: "//host/", err: errURLScheme},
	{in: "mailto:x@y", err: errURLScheme},
	{in: ":x", err: errURLScheme},
	{in: "", err: errURLScheme},
	{in: "http:///path", err: errURLSyntax},
	{in: "http://user@/", err: errURLSyntax},
	{in: "http://", err: errURLSyntax},
	{in: "http:/foo", err: errURLSyntax},
	{in: "HTTPS://", err: errURLSyntax},
	{in: "http:", err: errURLSyntax},
	{in: "http://h:65536/", err: errURLSyntax},
	{in: "http://h:99999999999999999999/", err: errURLSyntax},
	{in: "http://[]/", err: errURLSyntax},
}

func TestParseURL(t *testing.T) {
	for _, tt := range urlTests {
		got, err := parseURL(tt.in)
		want := tt.want
		if tt.err == nil {
			want.Raw = tt.in
		}
		if err != tt.err || got.view() != want {
			t.Errorf("parseURL(%q):\n got %+v, %v\nwant %+v, %v", tt.in, got, err, want, tt.err)
		}
	}
}

// fields turns a map into request header fields.
func fields(m map[string]string) []HeaderField {
	var hs []HeaderField
	for k, v := range m {
		hs = append(hs, HeaderField{Name: k, Value: v})
	}
	return hs
}

// TestValidateRequest is Appendix B W5.
func TestValidateRequest(t *testing.T) {
	for _, tc := range []struct {
		method, url string
		headers     map[string]string
		want        string
	}{
		{"GET", "http://h/a?b=c#d", map[string]string{"X-A": "v\tw", "Host": "h:80"}, ""},
		{"M-SEARCH", "http://h/\xc3\xa4", nil, ""},
		{"GET", "http://h/a b", nil, reasonBadURL},
		{"GET", "http://h/a\r\nX: y", nil, reasonBadURL},
		{"GET", "http://h/\x00", nil, reasonBadURL},
		{"GET", "http://h/\x7f", nil, reasonBadURL},
		{"GET", "http://h/#a\tb", nil, reasonBadURL},
		{"GET /x", "http://h/", nil, reasonBadMethod},
		{"", "http://h/", nil, reasonBadMethod},
		{"G\xc9T", "http://h/", nil, reasonBadMethod},
		{"GET\r\n", "http://h/", nil, reasonBadMethod},
		{"GET", "http://h/", map[string]string{"X A": "v"}, reasonBadHeaderName},
		{"GET", "http://h/", map[string]string{"": "v"}, reasonBadHeaderName},
		{"GET", "http://h/", map[string]string{"X:": "v"}, reasonBadHeaderName},
		{"GET", "http://h/", map[string]string{"X": "a\r\nEvil: 1"}, reasonBadHeaderValue},
		{"GET", "http://h/", map[string]string{"X": "a\nb"}, reasonBadHeaderValue},
		{"GET", "http://h/", map[string]string{"X": "a\x00b"}, reasonBadHeaderValue},
		{"GET", "http://h/", map[string]string{"X": "a\x7f"}, reasonBadHeaderValue},
	} {
		if got := validateRequest(tc.method, tc.url, fields(tc.headers)); got != tc.want {
			t.Errorf("validateRequest(%q, %q, %q) = %q, want %q", tc.method, tc.url, tc.headers, got, tc.want)
		}
	}
}

// A suppressed header is not sent, so its value is not checked; and the
// check allocates nothing (it runs for every request and redirect hop).
func TestValidateRequestAllocs(t *testing.T) {
	hs := []HeaderField{{Name: "X-A", Value: "v"}, {Name: "Referer", Value: "bad\r\n", Suppress: true}}
	if got := validateRequest("GET", "http://h:8080/a?b", hs); got != "" {
		t.Errorf("validateRequest = %q", got)
	}
	if n := testing.AllocsPerRun(100, func() { validateRequest("GET", "http://h:8080/a?b", hs) }); n != 0 {
		t.Errorf("%.0f allocations, want 0", n)
	}
}

// A URL with a port and a lower-case host splits without allocating:
// HostPort is a substring of the URL (PERFORMANCE.md P4).
func TestParseURLAllocs(t *testing.T) {
	for _, raw := range []string{"http://127.0.0.1:8080/a?b", "http://h/", "https://u@h:443/"} {
		if n := testing.AllocsPerRun(100, func() { parseURL(raw) }); n != 0 {
			t.Errorf("parseURL(%q): %.0f allocations, want 0", raw, n)
		}
	}
	u, _ := parseURL("http://User@Ex.COM:0080/")
	if u.HostPort != "ex.com:0080" || u.Host != "ex.com" || u.portText() != "0080" || u.Port != 80 {
		t.Errorf("%+v", u)
	}
}

// TestURLCache checks that the remembered URL never lets through what
// validation rejects: the method and headers are checked on every
// request, and a URL that failed is not remembered.
func TestURLCache(t *testing.T) {
	l, cl := newClient(t)
	s := startLoopServer(t, l, helloResp)
	url := s.url("/a?b")
	checkStatus(t, do(t, l, cl, "GET", url, nil), 200, "OK")
	if cl.lastURL.Raw != url {
		t.Fatalf("last URL %q", cl.lastURL.Raw)
	}
	want, _ := parseURL(url)
	if cl.lastURL != want {
		t.Errorf("cached %+v, want %+v", cl.lastURL, want)
	}
	checkStatus(t, do(t, l, cl, "G T", url, nil), 599, reasonBadMethod)
	checkStatus(t, do(t, l, cl, "GET", url, &Options{Headers: []HeaderField{{Name: "X", Value: "a\r\nb: c"}}}), 599, reasonBadHeaderValue)
	bad := url + " x"
	checkStatus(t, do(t, l, cl, "GET", bad, nil), 599, reasonBadURL)
	checkStatus(t, do(t, l, cl, "GET", bad, nil), 599, reasonBadURL)
	if cl.lastURL.Raw != url {
		t.Errorf("last URL %q after a bad one", cl.lastURL.Raw)
	}
	other := s.url("/c")
	checkStatus(t, do(t, l, cl, "GET", other, nil), 200, "OK")
	if cl.lastURL.Raw != other {
		t.Errorf("last URL %q", cl.lastURL.Raw)
	}
}

// TestIdempotentFastPath checks the switch in idempotent against the set.
func TestIdempotentFastPath(t *testing.T) {
	for _, m := range []string{"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "POST", "PATCH", "TRACE", "MKCOL", "CONNECT", "get", ""} {
		if idempotent(m) != idempotentMethods[m] {
			t.Errorf("idempotent(%q) = %v", m, idempotent(m))
		}
	}
}

// TestTchar checks the tchar table against RFC 9110 §5.6.2's list.
func TestTchar(t *testing.T) {
	const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for c := range 256 {
		if got, want := isTchar(byte(c)), strings.IndexByte(tchar, byte(c)) >= 0; got != want {
			t.Errorf("isTchar(%#x) = %v", c, got)
		}
	}
}
