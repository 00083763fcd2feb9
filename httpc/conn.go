package httpc

import (
	"errors"
	"syscall"
	"time"

	"github.com/anyevent-go/anyevent/loop"
)

// conn is one TCP connection and the request it serves; see phase.go for
// its theory of operation.
type conn struct {
	cl    *Client
	h     *loop.Handle
	call  *Call // the request served; nil while pooled or closed
	phase Phase
	pool  *idlePool     // the entry of the pool key, counted until close
	tmo   time.Duration // the handle's Timeout as last set

	attempt  Canceler // the connection attempt while connecting
	reused   bool     // taken from the pool for the current request
	sawBytes bool     // a byte of the current response arrived
	sentMark uint64   // the handle's Written count when the request was queued
	closed   bool

	// response state of the current request
	framing bodyKind
	remain  int64 // Content-Length bytes still expected
	got     int64 // body bytes received
	body    []byte
	keep    bool            // the head allows keeping the connection (spec §5.7)
	interim uint8           // 1xx heads skipped (maxInterimResponses)
	scanned int             // head bytes searched without finding its end
	cd      *chunkedDecoder // the chunked body being decoded; nil until one comes

	nextIdle *conn // next (older) idle connection of the same pool key
}

// newConn makes a connection for call: resolve and connect through the
// request's connector.
func newConn(cl *Client, call *Call) {
	c := &conn{cl: cl, call: call, phase: PhaseResolve, pool: cl.poolFor(call.poolKey())}
	call.c = c
	if call.opts != nil && call.opts.OnPhase != nil {
		call.notePhase(PhaseResolve)
	}
	connect := call.opts.TCPConnect
	if connect == nil {
		connect = cl.defaultConnect(c)
	} else {
		c.enter(PhaseConnect)
	}
	prepare := call.opts.OnPrepare
	if prepare == nil {
		d := call.timeout
		prepare = func(int) time.Duration { return d }
	}
	c.attempt = connect(cl.l, call.u.Host, int(call.u.Port), prepare, c.onConnected)
}

// enter is the only place that changes c.phase: it checks the transition
// table and starts a fresh inactivity period (spec §5.8).
func (c *conn) enter(next Phase) bool {
	if !legal(c.phase, next) {
		if c.call != nil {
			c.failConn(errIllegalPhase)
		}
		return false
	}
	if c.cl.trace != nil {
		c.cl.trace(c.phase, next)
	}
	c.phase = next
	if c.h != nil {
		c.h.TimeoutReset()
	}
	if c.call != nil && c.call.opts != nil && c.call.opts.OnPhase != nil {
		c.call.notePhase(next)
	}
	return true
}

// onConnected receives the connector's outcome.
func (c *conn) onConnected(fd int, err error) {
	c.attempt = nil
	if c.closed || c.call == nil {
		if fd >= 0 {
			syscall.Close(fd)
		}
		return
	}
	if err != nil {
		c.failConn(err) // in PhaseResolve when no address was found
		return
	}
	h, err := loop.NewHandle(c.cl.l, fd, c.handleOptions())
	if err != nil {
		syscall.Close(fd)
		c.failConn(err)
		return
	}
	c.h = h
	if c.call.u.secure {
		// No TLS engine yet: an https request never goes out in clear
		// text. AnyEvent without TLS fails the same way, after connecting.
		if c.enter(PhaseTLS) {
			c.failConn(errNoTLS)
		}
		return
	}
	c.writeRequest()
}

func (c *conn) handleOptions() *loop.HandleOptions {
	var o loop.HandleOptions
	if p := c.call.opts.HandleParams; p != nil {
		o = *p
	}
	o.OnRead, o.OnEOF, o.OnError, o.OnDrain, o.OnStartTLS = c.onRead, c.onEOF, c.onError, nil, nil
	o.Autocork = true // the requests of one iteration leave in one burst
	o.Timeout, o.RTimeout, o.WTimeout = c.call.timeout, 0, 0
	c.tmo = c.call.timeout
	o.OnTimeout, o.OnRTimeout, o.OnWTimeout = nil, nil, nil
	if o.Linger == 0 {
		o.Linger = -1 // a closed request connection is closed now, not flushed for an hour
	}
	return &o
}

// reuse serves call on a connection taken from the pool (spec §5.4).
func (c *conn) reuse(call *Call) {
	c.call, c.reused = call, true
	call.c = c
	// A connection taken straight after its last response still has the
	// request timeout; the idle time never counts against the request, as
	// entering PhaseWrite restarts the period.
	if c.tmo != call.timeout {
		c.tmo = call.timeout
		c.h.TimeoutReset()
		c.h.SetTimeout(c.tmo)
	}
	c.writeRequest()
}

// writeRequest writes the request head and body, then waits for the head.
// The head is built in the client's scratch buffer, or taken from the
// client's headMemo for a request without options: Handle.Write copies
// what it cannot write at once, so no connection holds a write buffer of
// its own (PERFORMANCE.md P5). Small bodies go out with the head in one
// write.
func (c *conn) writeRequest() {
	if !c.enter(PhaseWrite) {
		return
	}
	call, cl := c.call, c.cl
	c.sawBytes, c.got, c.body, c.framing = false, 0, nil, bodyKindNone
	c.scanned, c.interim = 0, 0
	if c.cd != nil {
		c.cd.reset()
	}
	c.sentMark = c.h.Written()
	if call.opts == &noOptions { // no headers, body or callbacks: see lastHead
		c.h.Write(cl.lastHead.head(call, cl.userAgent(), cl.Compat))
		c.enter(PhaseHeader)
		return
	}
	w := appendRequest(cl.wbuf[:0], call, cl.userAgent())
	if call.opts.OnRequestHead != nil {
		call.noteRequestHead(w)
	}
	b := call.opts.Body
	if len(b) <= smallBody {
		w = append(w, b...)
	}
	c.h.Write(w)
	if len(b) > smallBody {
		c.h.WriteOwned(b) // queued, not copied: Options.Body says so
	}
	if cap(w) <= 2*smallBody {
		cl.wbuf = w[:0]
	}
	c.enter(PhaseHeader)
}

// smallBody is the largest body copied into the head's write: with it a
// request usually fits one of the loop's 4 KiB write chunks (the corked
// handle queues every write), and a larger body is queued as it is.
const smallBody = 2 << 10

// onRead is the handle's reader for the whole life of the connection.
func (c *conn) onRead(h *loop.Handle) {
	switch c.phase {
	case PhaseHeader:
		c.readHead(h)
	case PhaseBody:
		c.readBody(h)
	case PhaseDone:
		c.cl.dropIdle(c) // unsolicited bytes on an idle connection
	}
}

// strayResponse handles bytes that arrive on a reused connection before any
// byte of the request went out: they answer nothing this client asked on
// it since the last response (a server that sent more than it framed, W8),
// so the connection is closed, its queued request dropped (no linger),
// and the request, of whatever method, starts again on a new connection,
// without spending a redirect: none of it reached the server. Response
// bytes can come that early when a read that ended a response is
// followed, in the same read loop, by one that finds more: the connection
// was pooled and taken again in between.
func (c *conn) strayResponse() {
	call := c.call
	c.h.SetLinger(-1)
	c.close()
	call.restart()
}

// onEOF handles a clean end-of-file with nothing left unread.
func (c *conn) onEOF(h *loop.Handle) {
	switch c.phase {
	case PhaseDone:
		c.cl.dropIdle(c)
	case PhaseHeader, PhaseWrite:
		if c.reused && !c.sawBytes && idempotent(c.call.method) {
			c.close()
			c.call.retry()
			return
		}
		c.failConn(errBrokenPipe)
	case PhaseBody:
		c.bodyEOF()
	}
}

// onError handles read, write and timeout errors of the handle.
func (c *conn) onError(h *loop.Handle, fatal bool, err error) {
	switch c.phase {
	case PhaseDone:
		c.cl.dropIdle(c)
	case PhaseBody:
		if c.framing == bodyKindUntilClose {
			if errors.Is(err, syscall.EPIPE) {
				c.finish(false, nil) // end-of-file ends the body (spec §10.5, §10.7)
				return
			}
			// Only the accumulating reader keeps the head in the map;
			// OnBody streaming fails through the connection path (§12.3).
			if c.call.onBody() == nil {
				c.finishErr(newError(PhaseBody, opOf(err, PhaseBody), c.call.u.Raw, err, kindIO))
				return
			}
		}
		c.failConn(err)
	default:
		if c.call != nil {
			c.failConn(err)
		}
	}
}

// opOf names what failed: the loop's operation, else the phase's.
func opOf(err error, p Phase) string {
	var oe *loop.OpError
	switch {
	case errors.As(err, &oe):
		return oe.Op
	case p == PhaseResolve:
		return "resolve"
	case p == PhaseConnect:
		return "connect"
	case p == PhaseWrite:
		return "write"
	}
	return "read"
}

// failConn ends the request through the connection-error path.
func (c *conn) failConn(err error) {
	call := c.call
	if call == nil {
		return
	}
	e, ok := err.(*Error)
	if !ok {
		kind := kindIO
		if _, ok := err.(*parseError); ok || err == errIllegalPhase {
			kind = kindLocal
		}
		e = newError(c.phase, opOf(err, c.phase), call.u.Raw, err, kind)
	}
	c.close()
	call.failConn(e)
}

// finish ends the request through the finish path (spec §11): pool or
// close the connection, then complete the call with the body.
func (c *conn) finish(reusable bool, err *Error) {
	call := c.call
	body := c.body
	if body == nil {
		body = []byte{}
	}
	c.release(reusable && err == nil && call.persistent && c.keepAlive())
	call.complete(body, err)
	c.idleTimeout()
}

// idleTimeout gives a connection that is still idle after its request's
// callback (which may have taken it for the next request at once) the
// pool's inactivity timeout, measured from its last I/O.
func (c *conn) idleTimeout() {
	if c.closed || c.call != nil || c.phase != PhaseDone {
		return
	}
	if d := c.cl.persistentTimeout(); c.tmo != d {
		c.tmo = d
		c.h.SetTimeout(d)
	}
}

// finishErr finishes with an error after the head (597 or 598).
func (c *conn) finishErr(err *Error) { c.finish(false, err) }

// release detaches the call and pools the connection, or closes it.
func (c *conn) release(pool bool) {
	c.call.c = nil
	c.call = nil
	c.body = nil
	// Unread input or unsent request bytes (a server that answered before
	// it read the whole body) would cross into the next request (W8).
	if !pool || c.h == nil || len(c.h.RBuf()) > 0 || c.h.WBufLen() > 0 {
		c.close()
		return
	}
	c.reused = false
	c.enter(PhaseDone)
	c.cl.storeIdle(c)
}

// keepAlive reports whether the response allows pooling (spec §5.7).
func (c *conn) keepAlive() bool { return c.keep }

// versionBelow11 reports whether the HTTP version v is numerically below
// 1.1, as Perl compares it (spec §5.7): "1.05" is, "1.10" is not.
func versionBelow11(v string) bool {
	switch v {
	case "1.1":
		return false
	case "1.0":
		return true
	}
	return perlNum([]byte(v)) < 1.1
}

// close closes the connection (or aborts its attempt); the call, if any,
// is not told.
func (c *conn) close() {
	if c.closed {
		return
	}
	c.closed = true
	if c.attempt != nil {
		c.attempt.Cancel()
		c.attempt = nil
	}
	if c.h != nil {
		c.h.Destroy()
		c.h = nil
	}
	if c.pool != nil {
		c.cl.unref(c.pool)
		c.pool = nil
	}
}
