package httpc

import (
	"bytes"
	"strings"
	"time"
)

// callState is where a Call is in its life.
type callState uint8

const (
	callNew      callState = iota
	callQueued             // waiting for a host slot
	callActive             // holding a slot, using or making a connection
	callDone               // the callback ran (or is running)
	callCanceled           // Cancel ran; no callback will
)

// Call is one request in flight; its only use for the caller is
// [Call.Cancel], AnyEvent::HTTP's cancellation guard. Ignoring it lets the
// request run to completion.
type Call struct {
	cl     *Client
	method string   // upper-cased
	u      urlParts // the hop's URL; u.Raw is its URL string
	opts   *Options // the caller's, never written (a redirect copies it first)
	cb     DoneFunc
	resp   Response

	recurse    int
	timeout    time.Duration
	location   string     // the normalised Location of a redirect hop
	first      string     // the URL asked for: the caller's credentials are for its origin
	hs         *hostSlots // the host whose slot (or queue) the call is in
	c          *conn      // the connection, while active
	state      callState
	persistent bool
	keepalive  bool
	redirect   bool // this hop is a redirect hop (spec §9.2)
	foreign    bool // this hop's origin is not first's: drop credentials (W6)
}

// Request starts an HTTP request: AnyEvent::HTTP's http_request. method is
// upper-cased; opts may be nil. cb runs exactly once, on the loop and never
// before Request returns, unless the returned Call is cancelled first. An
// early error (bad URL, negative Recurse) is delivered through l.Defer.
func (cl *Client) Request(method, url string, opts *Options, cb DoneFunc) *Call {
	call := &Call{cl: cl, method: strings.ToUpper(method), first: url, cb: cb}
	if opts == nil {
		opts = &noOptions
	}
	call.opts = opts
	call.resp.URL = url
	call.recurse = cl.maxRecurse()
	if call.opts.Recurse != nil {
		call.recurse = *call.opts.Recurse
	}
	call.timeout = cl.timeout()
	if call.opts.Timeout > 0 {
		call.timeout = call.opts.Timeout
	}
	if call.recurse < 0 {
		call.early(newError(PhaseResolve, "redirect", url, ErrTooManyRedirects, kindLocal))
		return call
	}
	if err := call.setURL(url); err != nil {
		call.early(newError(PhaseResolve, "url", url, err, kindLocal))
		return call
	}
	call.persistent = idempotent(call.method)
	if call.opts.Persistent != nil {
		call.persistent = *call.opts.Persistent
	}
	call.keepalive = call.opts.KeepAlive == nil || *call.opts.KeepAlive
	cl.acquire(call)
	return call
}

// noOptions stands in for a nil *Options; it is never written.
var noOptions Options

// Get is Request("GET", url, opts, cb).
func (cl *Client) Get(url string, opts *Options, cb DoneFunc) *Call {
	return cl.Request("GET", url, opts, cb)
}

// Head is Request("HEAD", url, opts, cb).
func (cl *Client) Head(url string, opts *Options, cb DoneFunc) *Call {
	return cl.Request("HEAD", url, opts, cb)
}

// Post is Request("POST", url, opts, cb) with body as Options.Body. A nil
// body is sent as an empty one, with "Content-Length: 0" (as Go callers
// expect); for a POST without Content-Length use Request with a nil
// Options.Body, as AnyEvent's http_post with an undefined body does.
func (cl *Client) Post(url string, body []byte, opts *Options, cb DoneFunc) *Call {
	var o Options
	if opts != nil {
		o = *opts
	}
	if body == nil {
		body = []byte{}
	}
	o.Body = body
	return cl.Request("POST", url, &o, cb)
}

// Cancel cancels the request: its connection (if any) is closed and not
// pooled, its connection attempt aborted, its slot released, and its
// callback never runs after Cancel returns. Cancelling a finished request
// does nothing.
func (call *Call) Cancel() {
	switch call.state {
	case callDone, callCanceled:
		return
	case callQueued:
		call.state = callCanceled
		call.cl.dequeue(call)
		return
	}
	prev := call.state
	call.state = callCanceled
	if c := call.c; c != nil {
		call.c = nil
		c.close()
	}
	if prev == callActive {
		call.cl.release(call)
	}
}

// early delivers an error found inside Request through Defer (STYLE B6.2).
func (call *Call) early(err *Error) {
	call.state = callActive
	call.resp.fail(err, false)
	call.cl.l.Defer(func() {
		if call.state == callActive {
			call.state = callDone
			call.cb(nil, &call.resp)
		}
	})
}

// start runs once a slot is granted: reuse a pooled connection when the
// request is persistent, else make a new one (spec §5.4).
func (call *Call) start() {
	if call.persistent {
		if c := call.cl.takeIdle(call.poolKey()); c != nil {
			c.reuse(call)
			return
		}
	}
	newConn(call.cl, call)
}

// poolKey is the pool key of spec §5.3.
func (call *Call) poolKey() poolKey {
	return poolKey{call.u.scheme(), call.u.Host, call.u.portText(), call.opts.SessionID}
}

// complete ends the request with the finish path of spec §11: the
// connection has already been pooled or closed by the conn; release the
// slot, apply err (keeping the original status), store cookies, call back.
func (call *Call) complete(body []byte, err *Error) {
	if call.opts != nil && call.opts.OnPhase != nil {
		call.notePhase(PhaseDone)
	}
	call.c = nil
	call.cl.release(call)
	if err != nil {
		call.resp.fail(err, true)
		body = nil
	}
	call.storeCookies()
	if call.redirect && call.location != "" && call.state == callActive {
		call.follow(body)
		return
	}
	call.deliver(body)
}

// failConn ends the request with the connection-error path of spec §12.2:
// no response headers, no original status, no cookies.
func (call *Call) failConn(err *Error) {
	if call.opts != nil && call.opts.OnPhase != nil {
		call.notePhase(PhaseDone)
	}
	call.c = nil
	call.cl.release(call)
	r := &call.resp
	r.head, r.hdr = nil, nil
	r.OrigStatus, r.OrigReason = 0, ""
	r.fail(err, false)
	call.deliver(nil)
}

func (call *Call) deliver(body []byte) {
	if call.state == callCanceled {
		return
	}
	call.state = callDone
	call.cb(body, &call.resp)
}

// retry restarts an idempotent request whose reused connection was closed
// before any response byte (spec §5.6), spending one of its redirects and
// losing its redirect chain, as AnyEvent does (Appendix B W14 keeps both).
func (call *Call) retry() {
	call.recurse--
	call.resp.Redirect = nil
	call.restart()
}

// restart starts the request again on a new connection, after retry or
// when its reused connection answered before any byte of it was sent
// (conn.strayResponse, which spends no redirect: nothing reached the
// server). It is not persistent, as if the caller had said so, so that
// its redirect hops are not persistent either (Perl passes persistent =>
// 0). It keeps the redirect chain that retry has dropped.
func (call *Call) restart() {
	call.c = nil
	call.cl.release(call)
	if call.state == callCanceled {
		return
	}
	call.persistent = false
	o := *call.opts
	o.Persistent = new(bool)
	call.opts = &o
	call.resp = Response{URL: call.u.Raw, Redirect: call.resp.Redirect}
	if call.recurse < 0 {
		call.resp.fail(newError(PhaseHeader, "retry", call.u.Raw, ErrTooManyRedirects, kindLocal), false)
		call.deliver(nil)
		return
	}
	call.state = callNew
	call.cl.acquire(call)
}

func (call *Call) storeCookies() {
	jar := call.opts.CookieJar
	if jar == nil || call.resp.head == nil {
		return
	}
	h := call.resp.Header()
	if sc, ok := h["set-cookie"]; ok {
		jar.SetCookie(sc, call.u.Host, call.u.RequestURI, h["date"], time.Now())
	}
}

// idempotentMethods is AnyEvent::HTTP's set (spec §5.5).
var idempotentMethods = map[string]bool{}

func init() {
	for _, m := range strings.Fields(`DELETE GET HEAD OPTIONS PUT TRACE ACL BASELINE-CONTROL BIND
		CHECKIN CHECKOUT COPY LABEL LINK MERGE MKACTIVITY MKCALENDAR MKCOL MKREDIRECTREF MKWORKSPACE
		MOVE ORDERPATCH PROPFIND PROPPATCH REBIND REPORT SEARCH UNBIND UNCHECKOUT UNLINK UNLOCK
		UPDATE UPDATEREDIRECTREF VERSION-CONTROL`) {
		idempotentMethods[m] = true
	}
}

// idempotent reports whether method is in idempotentMethods. The methods
// almost every request uses are answered without hashing.
func idempotent(method string) bool {
	switch method {
	case "GET", "HEAD", "PUT", "DELETE", "OPTIONS":
		return true
	case "POST", "PATCH":
		return false
	}
	return idempotentMethods[method]
}

// setURL parses url into call.u and rejects what would split the request
// or inject headers (Appendix B W5, see validateRequest); the error's
// Reason says which.
//
// The client remembers the last URL of a request that passed: parsing and
// the target check are functions of the string alone, and a Go string
// never changes, so a request for the same string again takes the copy
// and checks only the method and the headers, which the caller may change
// between requests.
func (call *Call) setURL(url string) error {
	cl := call.cl
	target := "" // validTarget("") holds: a remembered URL passed before
	if url == "" || url != cl.lastURL.Raw {
		u, err := parseURL(url)
		if err != nil {
			return err
		}
		call.u, target = u, url
	} else {
		call.u = cl.lastURL
	}
	if why := validateRequest(call.method, target, call.opts.Headers); why != "" {
		return &parseError{"httpc: invalid request: " + why, why, 599}
	}
	if target != "" {
		cl.lastURL = call.u
	}
	return nil
}

// notePhase hands a phase transition to Options.OnPhase, deferred so that
// the observer runs outside the connection's state change (STYLE B6.6).
func (call *Call) notePhase(p Phase) {
	at, hook := time.Now(), call.opts.OnPhase
	call.cl.l.Defer(func() {
		if call.state != callCanceled {
			hook(p, at)
		}
	})
}

// noteRequestHead hands a copy of the request head to OnRequestHead,
// deferred like notePhase.
func (call *Call) noteRequestHead(head []byte) {
	head, hook := bytes.Clone(head), call.opts.OnRequestHead
	call.cl.l.Defer(func() {
		if call.state != callCanceled {
			hook(head)
		}
	})
}
