package httpc

import (
	"maps"
	"strconv"
	"testing"
)

// mustParseHead parses a complete head or fails the test.
func mustParseHead(t testing.TB, in string) *respHead {
	t.Helper()
	h := &respHead{}
	if n, err := parseHead([]byte(in), h); n == 0 || err != nil {
		t.Fatalf("parseHead(%q): n=%d err=%v", in, n, err)
	}
	return h
}

// headerMapTests are the headers maps of spec §8.4 and Appendix C.
var headerMapTests = []struct {
	name string
	in   string
	want map[string]string
}{
	{"T01", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nX-Fold: a\r\n  b\r\nX-Trail: v  \r\n\r\n",
		map[string]string{"content-length": "5", "x-a": "1,2", "x-fold": "a\n  b", "x-trail": "v  "}},
	{"T16", "HTTP/1.1 200\r\nX-First: y\r\nContent-Length: 2\r\n\r\n",
		map[string]string{"content-length": "2"}},
	{"T22 names", "HTTP/1.1 200 OK\r\n X: y\r\nX : y\r\n: v\r\n\r\n",
		map[string]string{" x": "y", "x ": "y", "": "v"}},
	{"T22 empty values joined", "HTTP/1.1 200 OK\r\nA:b\r\nA:\r\nA: c\r\n\r\n",
		map[string]string{"a": "b,,c"}},
	{"T22 tab fold", "HTTP/1.1 200 OK\r\nA: 1\r\n\tcont\r\n\r\n", map[string]string{"a": "1\n\tcont"}},
	{"T22 control in value", "HTTP/1.1 200 OK\r\nX: x\x01y\r\n\r\n", map[string]string{"x": "x\x01y"}},
	{"set-cookie joined", "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
		map[string]string{"set-cookie": "a=1,b=2"}},
	{"W25 Latin-1 folding", "HTTP/1.1 200 OK\r\nX-\xc0\xd7\xde\xdf\xe0: 1\r\n\r\n",
		map[string]string{"x-\xe0\xd7\xfe\xdf\xe0": "1"}},
	{"CRs deleted", "HTTP/1.1 200 OK\r\nX-\rA: a\rb\r\n\r\n", map[string]string{"x-a": "ab"}},
	{"long name", "HTTP/1.1 200 OK\r\nX-A-Very-Long-Header-Name-Beyond-32: 1\r\n\r\n",
		map[string]string{"x-a-very-long-header-name-beyond-32": "1"}},
}

func TestHeaderMap(t *testing.T) {
	for _, tt := range headerMapTests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			headerMap(mustParseHead(t, tt.in), got)
			if !maps.Equal(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestTrailerMerge is Appendix C T23/T39: content-length synthesised,
// trailers replace head values, and are joined among themselves.
func TestTrailerMerge(t *testing.T) {
	h := mustParseHead(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nX-T: head\r\nX-J: 1\r\n\r\n")
	var d chunkedDecoder
	body := []byte("5;ext=1\r\nhello\r\n0006\r\n world\r\n0\r\nX-T: trailer\r\nX-New: n\r\nx-j: 2\r\nX-J: 3\r\n\r\n")
	out, _, done, err := d.decode(body)
	if !done || err != nil || string(body[:out]) != "hello world" {
		t.Fatalf("decode: %q %v %v", body[:out], done, err)
	}
	m := map[string]string{}
	headerMap(h, m)
	setChunkedLength(m, d.total)
	mergeTrailers(&d, m)
	want := map[string]string{"transfer-encoding": "gzip, Chunked", "content-length": "11",
		"x-t": "trailer", "x-new": "n", "x-j": "2,3"}
	if !maps.Equal(m, want) {
		t.Errorf("got %q\nwant %q", m, want)
	}

	var empty chunkedDecoder
	if _, _, done, _ := empty.decode([]byte("0\r\n\r\n")); !done {
		t.Fatal("T39 not done")
	}
	m = map[string]string{}
	setChunkedLength(m, empty.total)
	mergeTrailers(&empty, m)
	if !maps.Equal(m, map[string]string{"content-length": "0"}) {
		t.Errorf("T39: %q", m)
	}
	for _, tc := range []struct{ old, want string }{{"", "7"}, {"0", "7"}, {"5", "5"}, {"0.0", "0.0"}} {
		m := map[string]string{"content-length": tc.old}
		if setChunkedLength(m, 7); m["content-length"] != tc.want {
			t.Errorf("content-length %q: got %q, want %q", tc.old, m["content-length"], tc.want)
		}
	}
}

func TestHeaderMapAllocs(t *testing.T) {
	h := mustParseHead(t, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: x\r\nServer: y\r\n\r\n")
	m := map[string]string{}
	allocs := testing.AllocsPerRun(100, func() {
		clear(m)
		headerMap(h, m)
	})
	// One string per value; the interned keys cost nothing.
	if allocs > 3 {
		t.Errorf("headerMap: %.1f allocations for 3 common fields", allocs)
	}
}

func TestNameIs(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"Content-Length", true}, {"CONTENT-LENGTH", true}, {"content-\rlength", true},
		{"content-length ", false}, {" content-length", false}, {"content-lengt", false}, {"", false},
	} {
		if got := nameIs([]byte(tc.name), "content-length"); got != tc.want {
			t.Errorf("nameIs(%q) = %v", tc.name, got)
		}
	}
}

// TestHasWordFold is spec §10.1's "chunked" word match.
func TestHasWordFold(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want bool
	}{
		{"chunked", true}, {"gzip, Chunked", true}, {"chunked-x", true}, {"x,chunked", true},
		{"xchunked", false}, {"chunked_x", false}, {"chunked2", false}, {"\xe9chunked", false},
		{"\xd7chunked", true}, {"chun\rked", true}, {"chunke", false}, {"", false},
	} {
		if got := hasWordFold([]byte(tc.v), "chunked"); got != tc.want {
			t.Errorf("hasWordFold(%q) = %v", tc.v, got)
		}
	}
}

// RawHead is the final head byte for byte: folded and repeated fields as
// sent, no 1xx head, no body; nil after a connection error.
func TestRawHead(t *testing.T) {
	l, cl := newClient(t)
	const head = "HTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nX-Fold: a\r\n  b\nContent-Length: 2\r\n\r\n"
	s := startServer(t, answer("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"+head+"hi"))
	res := do(t, l, cl, "GET", s.URL("/"), nil)
	if got := string(res.r.RawHead()); got != head || string(res.body) != "hi" {
		t.Errorf("RawHead %q, body %q; want %q, \"hi\"", got, res.body, head)
	}
	res = do(t, l, cl, "GET", "http://127.0.0.1:"+strconv.Itoa(freePort(t))+"/", nil)
	if res.r.Status != 595 || res.r.RawHead() != nil {
		t.Errorf("refused: status %d, RawHead %q", res.r.Status, res.r.RawHead())
	}
}
