package httpc

import (
	"time"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/loop"
)

// Action is what OnHeader and OnBody return to steer the request
// (AnyEvent: a true or false return value).
type Action uint8

const (
	// Continue lets the request go on.
	Continue Action = iota
	// Abort closes the connection and finishes the request with 598.
	Abort
)

// DoneFunc is the completion callback: body is the response body (nil on
// any error, empty when OnBody consumed it or a handle was handed over)
// and r the response, never nil. It runs exactly once per request that was
// not cancelled, on the loop, never before Request returns. body and r
// belong to the caller from then on; the client never reuses them.
type DoneFunc func(body []byte, r *Response)

// HeaderFunc is Options.OnHeader: it sees the response once its head is
// parsed (not for redirect hops, not on errors before the head).
type HeaderFunc func(r *Response) Action

// BodyFunc is Options.OnBody: it gets the body piece by piece, as the
// data arrives; a chunked body one chunk per call, as AnyEvent does
// (spec §10.5), except that a chunk larger than 1 MiB (or than half the
// read buffer limit of the connection, HandleParams.RBufMax of the
// request that opened it) comes in pieces. chunk is a view into the
// connection's read buffer, valid only until the callback returns
// (STYLE B7.2).
type BodyFunc func(chunk []byte, r *Response) Action

// PrepareFunc is Options.OnPrepare: it gets the fresh, unconnected socket
// of each connection attempt and returns that attempt's connect timeout
// (0 means the system's).
type PrepareFunc func(fd int) time.Duration

// Canceler stops a connection attempt; after Cancel returns, its callback
// never runs and its socket is closed.
type Canceler interface{ Cancel() }

// ConnectFunc is Options.TCPConnect, AnyEvent's tcp_connect contract
// (spec §15.1): connect to host (a name or IP literal, without brackets)
// and port, call prepare with each fresh socket before connecting, and call
// cb exactly once, on the loop and never before returning, with a
// connected non-blocking fd that cb then owns, or -1 and an error whose
// errno (if any) gives the Reason.
type ConnectFunc func(l *loop.Loop, host string, port int, prepare PrepareFunc, cb func(fd int, err error)) Canceler

// HeaderField is one request header of Options.Headers. Names are
// case-insensitive; Suppress removes a header the client would add by
// default (AnyEvent: a header whose value is undef).
type HeaderField struct {
	Name, Value string
	Suppress    bool
}

// Options are the per-request parameters of spec §2; the zero value (or a
// nil *Options) gives AnyEvent's defaults. Request keeps the pointer (so
// that a request costs no copy): leave the struct, and the slices and jar
// it points to, alone until the request is done. One Options may serve
// any number of requests at once.
type Options struct {
	// Recurse is the redirect budget; nil means Client.MaxRecurse. A
	// negative value fails at once with 599 "Too many redirections".
	Recurse *int
	// Headers are extra request headers. Later fields win over earlier
	// ones with the same name.
	Headers []HeaderField
	// Timeout is the inactivity timeout of each phase and the connect
	// timeout of each address; 0 means Client.Timeout.
	Timeout time.Duration
	// Body is sent after the head. A nil Body sends no Content-Length
	// except for GET with a user value; an empty non-nil Body sends
	// "Content-Length: 0" (AnyEvent body => ""). The client reads Body
	// while it sends the request (again for the retry and for redirects
	// that keep the body), so it must not be modified until the DoneFunc
	// has run.
	Body []byte
	// CookieJar, if set, supplies the Cookie header and stores the
	// Set-Cookie headers of every response that got a head.
	CookieJar *cookie.Jar
	// SessionID separates pools: connections are only reused by requests
	// with the same SessionID.
	SessionID string
	// OnPrepare replaces the default prepare callback, which returns the
	// request's Timeout as the connect timeout.
	OnPrepare PrepareFunc
	// TCPConnect replaces the default connector (resolve, then connect
	// address by address).
	TCPConnect ConnectFunc
	// OnHeader is called once the head is parsed; Abort finishes with 598.
	OnHeader HeaderFunc
	// OnBody receives the body instead of the completion callback; Abort
	// finishes with 598.
	OnBody BodyFunc
	// WantBodyHandle hands the connection to the completion callback as
	// Response.Handle once the head is parsed, for responses with a body.
	// The handle's inactivity timeout is disarmed, its callbacks are
	// cleared and it corks only if HandleParams.Autocork says so; its read
	// buffer may already hold the start of the body, which is still
	// transfer-encoded.
	WantBodyHandle bool
	// Persistent says whether pooled connections may serve this request
	// and whether its connection may be pooled after it; nil means "the
	// method is idempotent" (spec §5.5).
	Persistent *bool
	// KeepAlive adds the keep-alive token to the Connection header of a
	// persistent request; nil means true (no proxy support yet).
	KeepAlive *bool
	// HandleParams tunes every loop.Handle made for the request (read
	// sizes, buffer limits, NoDelay, KeepAlive). Its callbacks, timeouts
	// and Autocork are ignored: the client sets its own, and corks every
	// connection so that the requests issued during one loop iteration
	// are written together just before the loop polls. A WBufMax
	// therefore counts the whole request, head and body, which is queued
	// before any of it is written.
	HandleParams *loop.HandleOptions
	// OnPhase observes the request's progress: every phase its connection
	// enters, with the time of the transition, and PhaseDone when a hop
	// ends (redirect hops and the retry start again at PhaseResolve, or
	// at PhaseWrite on a pooled connection). Calls are delivered through
	// Loop.Defer, in order, so OnPhase may cancel the request; the last
	// PhaseDone arrives after the completion callback.
	OnPhase func(p Phase, at time.Time)
	// OnRequestHead observes each request head as written to the
	// connection: request line and header fields through the empty line,
	// without the body, for every hop and the retry (a request restarted
	// because its reused connection answered before it was sent reports
	// its head again, the first one never having left). Like OnPhase it is
	// delivered through Loop.Defer, between PhaseWrite and PhaseHeader,
	// and not after a cancel; head is a copy, the hook's to keep.
	OnRequestHead func(head []byte)
}

// Compat selects AnyEvent::HTTP's exact behaviour where this package
// deliberately differs for safety (spec Appendix B); see Client.Compat.
type Compat uint16

const (
	// CompatInterim takes any 1xx but 100 as the final response, leaving
	// the real one unread on the connection (W8 off).
	CompatInterim Compat = 1 << iota
	// CompatFraming reads Content-Length as a Perl number ("abc" is 0,
	// "10, 10" is 10) and decodes chunked whenever Transfer-Encoding holds
	// the word, as AnyEvent does (W8 off for framing).
	CompatFraming
	// CompatOnBody hands OnBody the whole read buffer, even bytes past the
	// Content-Length (AnyEvent's over-delivery).
	CompatOnBody
	// CompatLocationNoURI resolves Location as CompatLocation does, but
	// fails one that starts with ".", "?" or "#" with 599 "Cannot parse
	// Location (URI module missing)", as AnyEvent without the URI module
	// (the reference machine) does, whatever the status (W15 off).
	CompatLocationNoURI
	// CompatLocation resolves a relative Location as AnyEvent::HTTP does:
	// a path not starting with "/", ".", "?" or "#" replaces everything
	// after the last "/" of path+query, even a "/" in the query ("next"
	// against "/dir/page?next=/foo" is "/dir/page?next=/next"), and one
	// leading "./" is dropped with the slashes after it (W16 off). By
	// default every relative reference is resolved with RFC 3986 §5.2
	// ("/dir/next").
	CompatLocation
	// CompatCredentials forwards the caller's Authorization, Cookie and
	// Host headers on redirects to other origins, and sends the URL's
	// userinfo in Referer, as AnyEvent::HTTP does (W6 off). By default a
	// hop to another scheme, host or port goes without them, and Referer
	// has no userinfo. Proxy-Authorization stays off the origin either way.
	CompatCredentials
)

// Bool returns a pointer to b, for Options.Persistent and KeepAlive.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to n, for Options.Recurse.
func Int(n int) *int { return &n }
