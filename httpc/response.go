package httpc

import (
	"strconv"
	"strings"

	"github.com/anyevent-go/anyevent/loop"
)

// Response is what the completion callback gets: AnyEvent::HTTP's headers
// map, with the pseudo-headers as fields. On error Status and Reason are
// the 59x view of Err (STYLE B5.2) and OrigStatus/OrigReason keep the real
// ones when the head had been read.
//
// Real headers are kept as the raw head and turned into a map only when
// [Response.Header] is first called, so a request that never looks at its
// headers pays for no map (PERFORMANCE.md P4). A Response belongs to the
// loop goroutine.
type Response struct {
	// Status is the response status, or the 59x code of Err.
	Status int
	// Reason is the reason phrase, or AnyEvent's error text.
	Reason string
	// HasReason is false when the status line had no reason phrase
	// (AnyEvent: Reason is undef).
	HasReason bool
	// HTTPVersion is the version of the status line ("1.1", "2"), "" when
	// no status line was parsed.
	HTTPVersion string
	// URL is this hop's URL exactly as requested.
	URL string
	// Redirect is the previous hop when this one was reached by a
	// redirect, nil otherwise.
	Redirect *Redirect
	// OrigStatus and OrigReason are the real status and reason when an
	// error or abort was raised after the head (0 and "" otherwise).
	OrigStatus int
	OrigReason string
	// Err is the failure, nil on success; an *Error when the request
	// failed.
	Err error
	// Handle is the connection handed over by Options.WantBodyHandle.
	Handle *loop.Handle

	head []byte            // the raw head, status line included; owned
	hdr  map[string]string // built from head on first use
}

// Redirect is a previous hop of a redirect chain: its body (nil on error)
// and its response.
type Redirect struct {
	Body     []byte
	Response *Response
}

// Header returns the real headers: lower-case names, repeated headers
// joined with "," in order, continuation lines kept as "\n" plus their
// leading white space (spec §8.4), then trailers and a synthesised
// content-length after a chunked body, and the absolute Location. The map
// is built from the kept head on the first call and then kept; it belongs
// to the Response.
func (r *Response) Header() map[string]string {
	if r.hdr != nil {
		return r.hdr
	}
	r.hdr = make(map[string]string, 8)
	if r.head != nil {
		var rh respHead
		if n, err := parseHead(r.head, &rh); n > 0 && err == nil {
			headerMap(&rh, r.hdr)
		}
	}
	return r.hdr
}

// RawHead returns the response head as it came off the wire: the status
// line and the header fields with their line ends, through the empty line
// that ends the head; a skipped 1xx head is not part of it, nor are
// trailers. It is nil when no head was read, or when the head was dropped
// with a connection error. The bytes belong to the Response; do not
// modify them.
func (r *Response) RawHead() []byte { return r.head }

// Get returns a header by name, case-insensitively, and also answers the
// pseudo-header names of AnyEvent's map ("Status", "Reason",
// "HTTPVersion", "URL", "OrigStatus", "OrigReason"), so code ported from
// Perl can index uniformly.
func (r *Response) Get(name string) (string, bool) {
	switch name {
	case "Status":
		return strconv.Itoa(r.Status), true
	case "Reason":
		return r.Reason, r.HasReason || r.Err != nil
	case "HTTPVersion":
		return r.HTTPVersion, r.HTTPVersion != ""
	case "URL":
		return r.URL, true
	case "OrigStatus":
		return strconv.Itoa(r.OrigStatus), r.OrigStatus != 0
	case "OrigReason":
		return r.OrigReason, r.OrigStatus != 0
	}
	v, ok := r.Header()[strings.ToLower(name)]
	return v, ok
}

// setHeader sets a header value (the normalised Location).
func (r *Response) setHeader(k, v string) { r.Header()[k] = v }

// fail turns r into the error view of err.
func (r *Response) fail(err *Error, keepOrig bool) {
	if keepOrig {
		r.OrigStatus, r.OrigReason = r.Status, r.Reason
	}
	r.Status, r.Reason, r.HasReason, r.Err = err.Status(), err.Reason(), true, err
}
