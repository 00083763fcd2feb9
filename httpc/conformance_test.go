package httpc

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/testserver"
	"github.com/anyevent-go/anyevent/loop"
)

// Exact checks for the conformance scenarios of spec Appendix C: the
// request bytes the server saw and the (body, Response) the callback got,
// with nothing more ("unlisted keys must be absent").

// want is the exact outcome of a request as AnyEvent's (body, headers
// map): the body, every pseudo-header, and the whole header map.
type want struct {
	body     string // the body; ignored when nilBody
	nilBody  bool   // body is nil (an error)
	status   int
	reason   string
	noReason bool   // Reason is undef: no reason phrase
	version  string // HTTPVersion; "" means absent
	url      string
	orig     int // OrigStatus; 0 means absent (and OrigReason too)
	origText string
	hdr      map[string]string // the whole header map; nil means empty
	redirect bool              // Response.Redirect is set (checked elsewhere)
	handle   bool              // Response.Handle is set
}

// checkExact compares res with w field by field.
func checkExact(t testing.TB, res result, w want) {
	t.Helper()
	r := res.r
	if r == nil {
		t.Fatal("no response")
	}
	switch {
	case w.nilBody && res.body != nil:
		t.Errorf("body %q, want nil", res.body)
	case !w.nilBody && (res.body == nil || string(res.body) != w.body):
		t.Errorf("body %q (nil %v), want %q", res.body, res.body == nil, w.body)
	}
	if r.Status != w.status || r.Reason != w.reason || r.HasReason == w.noReason {
		t.Errorf("status %d %q (has reason %v, err %v), want %d %q (has reason %v)",
			r.Status, r.Reason, r.HasReason, r.Err, w.status, w.reason, !w.noReason)
	}
	if r.HTTPVersion != w.version || r.URL != w.url {
		t.Errorf("HTTPVersion %q URL %q, want %q %q", r.HTTPVersion, r.URL, w.version, w.url)
	}
	if r.OrigStatus != w.orig || r.OrigReason != w.origText {
		t.Errorf("OrigStatus %d OrigReason %q, want %d %q", r.OrigStatus, r.OrigReason, w.orig, w.origText)
	}
	if _, ok := r.Get("OrigReason"); ok != (w.orig != 0) {
		t.Errorf("Get(OrigReason) present %v", ok)
	}
	if (r.Redirect != nil) != w.redirect || (r.Handle != nil) != w.handle {
		t.Errorf("Redirect %v Handle %v, want %v %v", r.Redirect != nil, r.Handle != nil, w.redirect, w.handle)
	}
	if (r.Err == nil) != (w.status < 590) {
		t.Errorf("Err %v with status %d", r.Err, w.status)
	}
	wh := w.hdr
	if wh == nil {
		wh = map[string]string{}
	}
	if h := r.Header(); !reflect.DeepEqual(h, wh) {
		t.Errorf("headers %q, want %q", h, wh)
	}
}

// checkRequest compares a recorded request with its request line, its
// header lines as a set (AnyEvent's order is hash order) and its body.
func checkRequest(t testing.TB, req, line string, headers []string, body string) {
	t.Helper()
	gotLine, gotHdrs, gotBody := reqLines(req)
	if gotLine != line || !reflect.DeepEqual(gotHdrs, sorted(headers...)) || gotBody != body {
		t.Errorf("request\n got %q %q %q\nwant %q %q %q", gotLine, gotHdrs, gotBody, line, sorted(headers...), body)
	}
}

// defaultHeaders are the headers of a plain GET to url on hostPort with
// the given Connection value (spec §4.3).
func defaultHeaders(hostPort, url, connection string) []string {
	return []string{"Host: " + hostPort, "Referer: " + url, "User-agent: " + ua,
		"Connection: " + connection, "Te: trailers"}
}

// scenario is a conformance scenario of one plain GET to "/": the server
// reads the request and answers with resp, then half-closes (close) or
// keeps the connection open.
type scenario struct {
	name  string // the T-number
	resp  string
	close bool
	want  want // url is filled in
	idle  int  // idle pooled connections afterwards
}

// The scenarios of Appendix C.3 and C.4 that are one GET, in safe mode.
var scenarios = []scenario{
	{name: "T16", resp: "HTTP/1.1 200\r\nX-First: y\r\nContent-Length: 2\r\n\r\nok", idle: 1,
		want: want{body: "ok", status: 200, reason: "X-First: y", version: "1.1", hdr: map[string]string{"content-length": "2"}}},
	{name: "T17", resp: "HTTP/1.1 200\r\n\r\n", close: true,
		want: want{body: "", status: 200, noReason: true, version: "1.1"}},
	{name: "T18", resp: "http/01.1   404   Not  Found  \r\nContent-Length: 0\r\n\r\n", idle: 1,
		want: want{body: "", status: 404, reason: "Not  Found  ", version: "1.1", hdr: map[string]string{"content-length": "0"}}},
	{name: "T19", resp: "garbage\r\n\r\n",
		want: want{nilBody: true, status: 599, reason: "Invalid server response"}},
	{name: "T20", resp: "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		want: want{nilBody: true, status: 599, reason: "Invalid server response"}},
	{name: "T21", resp: "HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
		want: want{nilBody: true, status: 599, reason: "Garbled response headers", version: "1.1"}},
	{name: "T23", resp: "HTTP/1.1 100 Continue\r\nX-Ignored: 1\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\nX-T: head\r\n\r\n" +
		"5;ext=1\r\nhello\r\n0006\r\n world\r\n0\r\nX-T: trailer\r\nX-New: n\r\n\r\n", idle: 1,
		want: want{body: "hello world", status: 200, reason: "OK", version: "1.1", hdr: map[string]string{
			"content-length": "11", "transfer-encoding": "gzip, Chunked", "x-t": "trailer", "x-new": "n"}}},
	// T24 in safe mode (W8): the 103 is skipped and the 200 is the answer;
	// the connection is clean, so it is pooled.
	{name: "T24-safe", resp: "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", idle: 1,
		want: want{body: "ok", status: 200, reason: "OK", version: "1.1", hdr: map[string]string{"content-length": "2"}}},
	{name: "T26", resp: "hello", close: true,
		want: want{nilBody: true, status: 596, reason: "Broken pipe"}},
	{name: "T27", resp: "HTTP/1.1 200 OK\r\nX: partial", close: true,
		want: want{nilBody: true, status: 596, reason: "Broken pipe"}},
	// T28 in safe mode (W8): an invalid Content-Length is a body error,
	// through the finish path; TestCompat has AnyEvent's "length 0".
	{name: "T28-safe", resp: "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
		want: want{nilBody: true, status: 597, reason: "Invalid Content-Length", version: "1.1", orig: 200, origText: "OK",
			hdr: map[string]string{"content-length": "abc"}}},
	{name: "T29", resp: "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", idle: 1,
		want: want{body: "", status: 204, reason: "No Content", version: "1.1", hdr: map[string]string{"content-length": "5"}}},
	{name: "T29-304", resp: "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", idle: 1,
		want: want{body: "", status: 304, reason: "Not Modified", version: "1.1", hdr: map[string]string{"content-length": "5"}}},
	{name: "T30", resp: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true,
		want: want{nilBody: true, status: 597, reason: "Broken pipe", version: "1.1"}},
	{name: "T31", resp: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX: 1\r\n\r\n", close: true,
		want: want{nilBody: true, status: 597, reason: "Unexpected end-of-file", version: "1.1"}},
	{name: "T32", resp: "HTTP/1.1 200 OK\r\nX: 1\r\n\r\nuntil-close", close: true,
		want: want{body: "until-close", status: 200, reason: "OK", version: "1.1", hdr: map[string]string{"x": "1"}}},
	{name: "T35", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX: 1\r\n\r\nzz\r\n",
		want: want{nilBody: true, status: 597, reason: "Garbled chunked transfer encoding", version: "1.1", orig: 200, origText: "OK",
			hdr: map[string]string{"transfer-encoding": "chunked", "x": "1"}}},
	{name: "T36", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX\r\n",
		want: want{nilBody: true, status: 597, reason: "Garbled chunked transfer encoding", version: "1.1", orig: 200, origText: "OK",
			hdr: map[string]string{"transfer-encoding": "chunked"}}},
	{name: "T37", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", close: true,
		want: want{nilBody: true, status: 597, reason: "Broken pipe", version: "1.1"}},
	// T38 in safe mode (W8): the body is the first Content-Length bytes,
	// but a connection with bytes left over is closed, not pooled
	// (AnyEvent reuses it; no Compat flag brings that back).
	{name: "T38-safe", resp: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyzMORE",
		want: want{body: "xyz", status: 200, reason: "OK", version: "1.1", hdr: map[string]string{"content-length": "3"}}},
	{name: "T39", resp: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", idle: 1,
		want: want{body: "", status: 200, reason: "OK", version: "1.1", hdr: map[string]string{"transfer-encoding": "chunked", "content-length": "0"}}},
}

// TestScenarios runs the one-GET scenarios of Appendix C.3 and C.4 and
// checks the exact request, the exact outcome and whether the connection
// was pooled.
func TestScenarios(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, answerOnce(sc.resp, sc.close))
			url := s.URL("/")
			res := do(t, l, cl, "GET", url, nil)
			w := sc.want
			w.url = url
			checkExact(t, res, w)
			checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
			if cl.Idle() != sc.idle || cl.Active() != 0 {
				t.Errorf("idle %d active %d, want idle %d", cl.Idle(), cl.Active(), sc.idle)
			}
		})
	}
}

// T33: a timeout in a Content-Length body goes through the connection
// error path: no headers, no original status.
// T34: a timeout in a read-until-close body goes through the finish path:
// headers and the original status are kept. With OnBody the same body is
// streamed, and a timeout goes through the connection path (spec §10.5).
func TestBodyTimeouts(t *testing.T) {
	for _, tc := range []struct {
		name, resp string
		want       want
		onBody     bool
	}{
		{"T33", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\nX: 1\r\n\r\nab",
			want{nilBody: true, status: 597, reason: "Connection timed out", version: "1.1"}, false},
		{"T34", "HTTP/1.1 200 OK\r\nX: 1\r\n\r\nab",
			want{nilBody: true, status: 597, reason: "Connection timed out", version: "1.1", orig: 200, origText: "OK",
				hdr: map[string]string{"x": "1"}}, false},
		{"T34-on_body", "HTTP/1.1 200 OK\r\nX: 1\r\n\r\nab",
			want{nilBody: true, status: 597, reason: "Connection timed out", version: "1.1"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, func(c *testserver.Conn) {
				c.ReadRequest()
				c.Write(tc.resp)
				c.Stall()
			})
			url := s.URL("/")
			opts := &Options{Timeout: 100 * time.Millisecond}
			if tc.onBody {
				opts.OnBody = func([]byte, *Response) Action { return Continue }
			}
			res := do(t, l, cl, "GET", url, opts)
			tc.want.url = url
			checkExact(t, res, tc.want)
			if e, ok := res.r.Err.(*Error); !ok || !e.Timeout() || e.Phase != PhaseBody {
				t.Errorf("Err %v", res.r.Err)
			}
			checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
			if cl.Idle() != 0 || cl.Active() != 0 {
				t.Errorf("idle %d active %d", cl.Idle(), cl.Active())
			}
		})
	}
}

// T38 (second half) in safe mode: the connection that had "MORE" left
// over is not reused; the next request opens a new one.
func TestExtraBytesNotReused(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nxyzMORE"))
	url := s.URL("/")
	for range 2 {
		res := do(t, l, cl, "GET", url, nil)
		checkExact(t, res, want{body: "xyz", status: 200, reason: "OK", version: "1.1", url: url,
			hdr: map[string]string{"content-length": "3"}})
	}
	if s.Accepted() != 2 {
		t.Errorf("%d connections, want 2", s.Accepted())
	}
}

// streamed runs a GET with an OnBody that records the pieces and answers
// with action, against a server that writes parts, each after OnBody got
// the one before (so the pieces are exactly the parts), and then, if
// close, half-closes.
func streamed(t *testing.T, action Action, close bool, parts ...string) (result, []string, string) {
	t.Helper()
	l, cl := newClient(t)
	got := make(chan struct{}, len(parts))
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		for i, p := range parts {
			if i > 0 {
				select {
				case <-got:
				case <-time.After(5 * time.Second):
					return
				}
			}
			c.Write(p)
		}
		if close {
			c.CloseWrite()
		}
		c.WaitEOF(5 * time.Second)
	})
	url := s.URL("/")
	var pieces []string
	res := do(t, l, cl, "GET", url, &Options{OnBody: func(p []byte, r *Response) Action {
		if r.Status != 200 {
			t.Errorf("OnBody saw status %d", r.Status)
		}
		pieces = append(pieces, string(p))
		select {
		case got <- struct{}{}:
		default:
		}
		return action
	}})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	return res, pieces, url
}

// T41: OnBody gets the pieces as they arrive; the body is "".
func TestOnBodyPieces(t *testing.T) {
	res, pieces, url := streamed(t, Continue, false, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab", "cdef")
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: url,
		hdr: map[string]string{"content-length": "6"}})
	if !reflect.DeepEqual(pieces, []string{"ab", "cdef"}) {
		t.Errorf("pieces %q", pieces)
	}
}

// T42: OnBody's Abort is 598 through the finish path.
func TestOnBodyAbort(t *testing.T) {
	res, pieces, url := streamed(t, Abort, false, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef")
	checkExact(t, res, want{nilBody: true, status: 598, reason: "Request cancelled by on_body", version: "1.1", url: url,
		orig: 200, origText: "OK", hdr: map[string]string{"content-length": "6"}})
	if !reflect.DeepEqual(pieces, []string{"abcdef"}) {
		t.Errorf("pieces %q", pieces)
	}
}

// T44: OnBody with a body read until close.
func TestOnBodyUntilClose(t *testing.T) {
	res, pieces, url := streamed(t, Continue, true, "HTTP/1.1 200 OK\r\n\r\nuntil", "close")
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: url})
	if !reflect.DeepEqual(pieces, []string{"until", "close"}) {
		t.Errorf("pieces %q", pieces)
	}
}

// paced returns a script that reads a request and writes parts with a
// pause after each, so that they tend to arrive in reads of their own.
func paced(parts ...string) testserver.Script {
	return func(c *testserver.Conn) {
		c.ReadRequest()
		for _, p := range parts {
			c.Write(p)
			c.Pause(30 * time.Millisecond)
		}
		c.WaitEOF(5 * time.Second)
	}
}

// OnBody gets each chunk of a chunked body in a call of its own, whatever
// the reads (spec §10.5, §10.2): two chunks in one read are two calls, a
// chunk split across reads is one, and Abort after the first chunk ends
// the request before the second is seen.
func TestOnBodyPerChunk(t *testing.T) {
	const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	for _, tc := range []struct {
		name   string
		parts  []string
		action Action
		want   []string
		status int
	}{
		{"one-read", []string{head + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"}, Continue, []string{"hello", " world"}, 200},
		{"split", []string{head + "5\r\nhe", "llo\r\n6\r\n wo", "rld\r\n0\r\n\r\n"}, Continue, []string{"hello", " world"}, 200},
		{"abort", []string{head + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"}, Abort, []string{"hello"}, 598},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, cl := newClient(t)
			s := startServer(t, paced(tc.parts...))
			var pieces []string
			res := do(t, l, cl, "GET", s.URL("/"), &Options{OnBody: func(p []byte, _ *Response) Action {
				pieces = append(pieces, string(p))
				return tc.action
			}})
			if res.r.Status != tc.status || !reflect.DeepEqual(pieces, tc.want) {
				t.Errorf("status %d, pieces %q; want %d, %q", res.r.Status, pieces, tc.status, tc.want)
			}
		})
	}
}

// A chunk larger than the whole-chunk limit comes in pieces as it arrives
// rather than filling the read buffer: with RBufMax 64 a 100-byte chunk
// sent in two writes is read without overflow and delivered in full.
func TestOnBodyLargeChunk(t *testing.T) {
	l, cl := newClient(t)
	data := strings.Repeat("x", 100)
	s := startServer(t, paced("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n"+data[:80], data[80:]+"\r\n0\r\n\r\n"))
	var got strings.Builder
	res := do(t, l, cl, "GET", s.URL("/"), &Options{
		HandleParams: &loop.HandleOptions{RBufMax: 64},
		OnBody: func(p []byte, _ *Response) Action {
			got.WriteString(string(p))
			return Continue
		}})
	checkStatus(t, res, 200, "OK")
	if got.String() != data {
		t.Errorf("delivered %q", got.String())
	}
}

// A pooled connection keeps the read limit of the request that opened
// it, so a later OnBody request on it waits for whole chunks only up to
// that limit: a 20000-byte chunk in two reads on a handle opened with
// RBufMax 4096 comes in pieces, not as a read buffer overflow.
func TestOnBodyChunkLimitOfPooledHandle(t *testing.T) {
	l, cl := newClient(t)
	data := strings.Repeat("y", 20000)
	chunked := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4e20\r\n"
	s := startServer(t, func(c *testserver.Conn) {
		c.ReadRequest()
		c.Write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		c.ReadRequest()
		c.Write(chunked + data[:3000])
		c.Pause(30 * time.Millisecond)
		c.Write(data[3000:] + "\r\n0\r\n\r\n")
		c.WaitEOF(5 * time.Second)
	})
	first := do(t, l, cl, "GET", s.URL("/a"), &Options{HandleParams: &loop.HandleOptions{RBufMax: 4096}})
	checkStatus(t, first, 200, "OK")
	var got strings.Builder
	calls := 0
	res := do(t, l, cl, "GET", s.URL("/b"), &Options{OnBody: func(p []byte, _ *Response) Action {
		calls++
		got.WriteString(string(p))
		return Continue
	}})
	checkStatus(t, res, 200, "OK")
	if got.String() != data || s.Accepted() != 1 {
		t.Errorf("delivered %d bytes in %d calls over %d connections", got.Len(), calls, s.Accepted())
	}
}

// T45: WantBodyHandle hands over the connection with the body still in
// its read buffer; the client lets go of it (no slot, not pooled) and its
// inactivity timeout is disarmed (W13).
func TestWantBodyHandleExact(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerOnce("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody", false))
	url := s.URL("/")
	res := do(t, l, cl, "GET", url, &Options{WantBodyHandle: true, Timeout: 50 * time.Millisecond})
	checkExact(t, res, want{body: "", status: 200, reason: "OK", version: "1.1", url: url,
		hdr: map[string]string{"content-length": "4"}, handle: true})
	checkRequest(t, s.Requests()[0], "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	h := res.r.Handle
	defer h.Destroy()
	if cl.Active() != 0 || cl.Idle() != 0 {
		t.Errorf("active %d idle %d", cl.Active(), cl.Idle())
	}
	runFor(t, l, 150*time.Millisecond) // past the request's timeout: nothing happens
	if got := string(h.RBuf()); got != "body" {
		t.Errorf("handle buffer %q", got)
	}
}

// T64 in safe mode (W6): Proxy-Authorization never reaches the origin,
// neither on a fresh connection (as in AnyEvent) nor on a reused one
// (AnyEvent sends it there). No Compat flag brings the leak back.
func TestProxyAuthorizationNotSent(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	url := s.URL("/")
	o := &Options{Headers: []HeaderField{{Name: "Proxy-Authorization", Value: "Basic c2VjcmV0"}}}
	for range 2 {
		res := do(t, l, cl, "GET", url, o)
		checkExact(t, res, want{status: 200, reason: "OK", version: "1.1", url: url, hdr: map[string]string{"content-length": "0"}})
	}
	reqs := s.Requests()
	if len(reqs) != 2 || s.Accepted() != 1 {
		t.Fatalf("requests %d connections %d", len(reqs), s.Accepted())
	}
	for _, req := range reqs {
		checkRequest(t, req, "GET / HTTP/1.1", defaultHeaders(url[7:len(url)-1], url, "keep-alive, Te"), "")
	}
}
