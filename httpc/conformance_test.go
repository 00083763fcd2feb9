package httpc

import (
	"reflect"
	"testing"
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
