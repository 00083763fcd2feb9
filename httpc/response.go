package httpc

import (
	"bytes"
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

	head     []byte            // raw header lines (after the status line), owned
	hdr      map[string]string // built lazily from head plus overrides
	override []kv              // values set after the head: synthesised content-length, trailers
}

type kv struct{ k, v string }

// Redirect is a previous hop of a redirect chain: its body (nil on error)
// and its response.
type Redirect struct {
	Body     []byte
	Response *Response
}

// Header returns the real headers: lower-case names, repeated headers
// joined with "," in order, continuation lines kept as "\n" plus their
// leading white space (spec §8.4). The map is built on the first call and
// then kept; it belongs to the Response.
func (r *Response) Header() map[string]string {
	if r.hdr != nil {
		return r.hdr
	}
	r.hdr = make(map[string]string, 8)
	forEachHeader(r.head, func(name, value []byte) {
		k := lowerString(name)
		if old, ok := r.hdr[k]; ok {
			r.hdr[k] = old + "," + string(value)
		} else {
			r.hdr[k] = string(value)
		}
	})
	for _, o := range r.override {
		r.hdr[o.k] = o.v
	}
	return r.hdr
}

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

// setHeader records a value that replaces the head's (trailers, the
// content-length synthesised for chunked bodies).
func (r *Response) setHeader(k, v string) {
	r.override = append(r.override, kv{k, v})
	if r.hdr != nil {
		r.hdr[k] = v
	}
}

// fail turns r into the error view of err.
func (r *Response) fail(err *Error, keepOrig bool) {
	if keepOrig {
		r.OrigStatus, r.OrigReason = r.Status, r.Reason
	}
	r.Status, r.Reason, r.HasReason, r.Err = err.Status(), err.Reason(), true, err
}

// forEachHeader calls fn for every header line of head: name before the
// colon, value without leading blanks, continuation lines appended.
func forEachHeader(head []byte, fn func(name, value []byte)) {
	var name, value []byte
	var folded []byte
	for pos := 0; pos < len(head); {
		end, next := nextLine(head, pos)
		line := head[pos:end]
		pos = next
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if name != nil {
				folded = append(append(append(folded[:0], value...), '\n'), line...)
				value = folded
			}
			continue
		}
		if name != nil {
			fn(name, value)
		}
		c := bytes.IndexByte(line, ':')
		if c < 0 {
			name = nil
			continue
		}
		name, value = line[:c], bytes.TrimLeft(line[c+1:], " \t")
	}
	if name != nil {
		fn(name, value)
	}
}

// lowerString returns b lower-cased as a string.
func lowerString(b []byte) string {
	return strings.ToLower(string(b))
}

// internReason returns the common reason phrases and versions without
// allocating.
func internText(b []byte) string {
	switch string(b) {
	case "OK":
		return "OK"
	case "1.1":
		return "1.1"
	case "1.0":
		return "1.0"
	case "Not Found":
		return "Not Found"
	case "No Content":
		return "No Content"
	case "Found":
		return "Found"
	case "Not Modified":
		return "Not Modified"
	}
	return string(b)
}
