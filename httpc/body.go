package httpc

import (
	"syscall"

	"github.com/anyevent-go/anyevent/loop"
)

// maxPrealloc bounds the body buffer allocated up front from a
// Content-Length; larger bodies grow as they arrive.
const maxPrealloc = 1 << 20

// readHead parses the response head in the read buffer with parseHead
// (zero-copy, resumable), skips 100 Continue, and decides the body framing
// (spec §8, §10.1).
func (c *conn) readHead(h *loop.Handle) {
	if c.reused && !c.sawBytes && h.Written() == c.sentMark {
		c.strayResponse()
		return
	}
	buf := h.RBuf()
	c.sawBytes = true
	rh := &c.cl.rh // shared: a head is used up within this callback
	rh.reset()
	rh.scan = c.scanned
	n, err := parseHead(buf, rh)
	if err != nil {
		if err == errHeaderLine {
			c.call.resp.HTTPVersion = rh.httpVersion() // spec §8.4
		}
		c.failConn(err)
		return
	}
	if n == 0 {
		c.scanned = rh.scan // resume the search there (B7.5)
		return
	}
	c.scanned = 0
	if skipInterim(rh.status, c.cl.Compat) {
		h.Consume(n)
		if c.interim++; c.interim > maxInterimResponses {
			c.call.resp.HTTPVersion = rh.httpVersion()
			c.failConn(errInterim)
			return
		}
		c.enter(PhaseHeader)
		return
	}
	if !c.takeHead(rh, buf[:n]) {
		return
	}
	h.Consume(n)
	c.startBody(h)
}

// takeHead fills the response from the parsed head, decides the framing
// and the keep-alive vote, copies the head into the one allocation that
// will also hold a Content-Length body, and makes Location absolute. It
// reports false when the Location or the framing is invalid (the request
// is then finished). The Location is made absolute first, so a response
// that fails on its framing still shows it absolute, as every other does.
func (c *conn) takeHead(rh *respHead, head []byte) bool {
	call := c.call
	r := &call.resp
	r.Status, r.HTTPVersion = rh.status, rh.httpVersion()
	r.Reason, r.HasReason = rh.reasonPhrase()
	call.redirect = call.recurse > 0 && redirectStatus(rh.status)
	// After 101 Switching Protocols the connection no longer speaks HTTP;
	// after ambiguous framing the peer may not agree on where the body
	// ended (W8).
	c.keep = rh.status != 101 && !ambiguousFraming(rh) && keepAliveVote(rh, r.HTTPVersion)
	decide := framing
	if c.cl.Compat&CompatFraming != 0 {
		decide = framingCompat
	}
	kind, length, err := decide(call.framingMethod(), rh.status, rh)
	extra := 0
	if err == nil && kind == bodyKindFixed && call.onBody() == nil && !call.wantHandle() {
		extra = int(min(length, maxPrealloc))
	}
	all := make([]byte, len(head), len(head)+extra)
	copy(all, head)
	r.head = all[:len(head):len(head)]
	c.body = all[len(head):len(head)]
	if rh.has(fieldLocation) {
		if err := call.normalizeHopLocation(); err != nil {
			c.failConn(err)
			return false
		}
	}
	if err != nil {
		c.finishErr(newError(PhaseBody, "read", call.u.Raw, err, kindIO))
		return false
	}
	c.framing, c.remain = kind, length
	return true
}

// skipInterim reports the interim responses that are read and dropped:
// every 1xx but 101, whose protocol switch ends HTTP on the connection
// (Appendix B W8; AnyEvent skips only 100 and takes any other 1xx as the
// final response, leaving the real one unread).
func skipInterim(status int, compat Compat) bool {
	if compat&CompatInterim != 0 {
		return status == 100
	}
	return isInformational(status) && status != 101
}

// framingMethod is the method framing is decided for: GET after a
// 301/302/303 that will be followed (spec §10.1), as AnyEvent does.
func (call *Call) framingMethod() string {
	if call.redirect && call.method != "HEAD" {
		switch call.resp.Status {
		case 301, 302, 303:
			return "GET"
		}
	}
	return call.method
}

// keepAliveVote applies the rule of spec §5.7 to the head: below HTTP/1.1
// the Connection header must hold keep-alive (or keepalive), from 1.1 on
// it must not hold close. Fields are checked one by one, which equals
// checking their ","-joined value.
func keepAliveVote(rh *respHead, version string) bool {
	below := versionBelow11(version)
	if !rh.has(fieldConnection) {
		return !below
	}
	for _, f := range rh.fields {
		if f.kind != fieldConnection {
			continue
		}
		if keep := connectionVote(rh.value(f), below); keep == below {
			return keep // the field overrules the version's default
		}
	}
	return !below
}

// connectionVote applies the rule of spec §5.7 to one Connection value:
// below HTTP/1.1 it keeps the connection if the value holds keep-alive
// or keepalive, from 1.1 on unless it holds close.
func connectionVote(v []byte, below bool) bool {
	switch {
	case isKeepAlive(v): // the common values, either version
		return true
	case equalFoldASCII(v, "close"):
		return false
	case below:
		return hasWordFold(v, "keep-alive") || hasWordFold(v, "keepalive")
	}
	return !hasWordFold(v, "close")
}

// isKeepAlive reports whether v is "keep-alive" in any ASCII case,
// comparing a folded word (see classifyName) and checking the hyphen,
// the one byte the fold would confuse with CR.
func isKeepAlive(v []byte) bool {
	return len(v) == len("keep-alive") && fold64(v) == wordKeepAli && v[4] == '-' &&
		v[8]|0x20 == 'v' && v[9]|0x20 == 'e'
}

// wordKeepAli is the folded first word of "keep-alive".
var wordKeepAli = fold64([]byte("keep-ali"))

// startBody runs OnHeader and the first matching rule of spec §10.1.
func (c *conn) startBody(h *loop.Handle) {
	call := c.call
	if f := call.onHeader(); f != nil {
		act := f(&call.resp)
		if c.call != call || c.closed {
			return // cancelled by the callback
		}
		if act == Abort {
			c.finishErr(newError(PhaseHeader, "callback", call.u.Raw, errOnHeader, kindAbort))
			return
		}
	}
	switch {
	case c.framing == bodyKindNone:
		c.finish(true, nil)
	case call.wantHandle():
		c.handOver()
	default:
		if c.enter(PhaseBody) {
			c.readBody(h)
		}
	}
}

// handOver gives the connection to the caller (spec §10.6): callbacks
// cleared, timeout disarmed, corking as HandleParams says, never pooled.
func (c *conn) handOver() {
	h := c.h
	c.h = nil
	h.SetOnRead(nil)
	h.SetOnEOF(nil)
	h.SetOnError(nil)
	h.SetTimeout(0)
	h.SetAutocork(c.call.opts.HandleParams != nil && c.call.opts.HandleParams.Autocork)
	call := c.call
	call.resp.Handle = h
	c.finish(false, nil)
}

// readBody consumes body bytes from the read buffer by framing.
func (c *conn) readBody(h *loop.Handle) {
	buf := h.RBuf()
	if len(buf) == 0 {
		return
	}
	switch c.framing {
	case bodyKindFixed:
		c.readFixed(h, buf)
	case bodyKindChunked:
		c.readChunked(h, buf)
	default:
		h.Consume(len(buf))
		c.got += int64(len(buf))
		c.deliver(buf)
	}
}

// deliver hands a piece of body to OnBody or the accumulator; false means
// the request ended (aborted or cancelled).
func (c *conn) deliver(p []byte) bool {
	call := c.call
	f := call.onBody()
	if f == nil {
		c.body = append(c.body, p...)
		return true
	}
	act := f(p, &call.resp)
	if c.call != call || c.closed {
		return false
	}
	if act == Abort {
		c.finishErr(newError(PhaseBody, "callback", call.u.Raw, errOnBody, kindAbort))
		return false
	}
	return true
}

// readFixed reads a Content-Length body. Bytes past the length are
// neither delivered (AnyEvent hands OnBody the whole buffer) nor left for
// the next response: they are discarded and the connection is not pooled,
// since the peer broke the framing (Appendix B W8).
func (c *conn) readFixed(h *loop.Handle, buf []byte) {
	if c.cl.Compat&CompatOnBody != 0 && c.call.onBody() != nil {
		h.Consume(len(buf))
		c.got += int64(len(buf))
		c.remain -= int64(len(buf))
		if c.deliver(buf) && c.remain <= 0 {
			c.finish(c.remain == 0, nil)
		}
		return
	}
	n := int(min(c.remain, int64(len(buf))))
	c.remain -= int64(n)
	c.got += int64(n)
	if c.remain > 0 {
		h.Consume(n)
		c.deliver(buf[:n])
		return
	}
	extra := len(buf) > n
	h.Consume(len(buf))
	if c.deliver(buf[:n]) {
		c.finish(!extra, nil)
	}
}

// readChunked decodes chunked framing in place in the read buffer
// (chunkedDecoder.decode compacts the data to the front) and delivers
// each run of data; to OnBody, each chunk in a call of its own.
func (c *conn) readChunked(h *loop.Handle, buf []byte) {
	if c.cd == nil {
		c.cd = new(chunkedDecoder) // kept for the connection's next chunked body
	}
	c.cd.whole = 0
	if c.call.onBody() != nil {
		c.cd.whole = wholeChunkLimit(h.RBufMax())
	}
	for {
		out, consumed, done, err := c.cd.decode(buf)
		h.Consume(consumed) // buf stays valid until this callback returns
		if out > 0 {
			c.got += int64(out)
			if !c.deliver(buf[:out]) {
				return
			}
		}
		switch {
		case err != nil:
			c.finishErr(newError(PhaseBody, "read", c.call.u.Raw, err, kindIO))
			return
		case done:
			c.endChunked(len(buf) > consumed)
			return
		case consumed == 0 || consumed == len(buf):
			return // more input needed
		}
		buf = buf[consumed:]
	}
}

// maxWholeChunk is the largest chunk handed to OnBody in one call; a
// larger one comes in pieces as it arrives, so that a peer cannot make
// the client buffer a chunk of any size (AnyEvent reads each chunk whole).
const maxWholeChunk = 1 << 20

// wholeChunkLimit is maxWholeChunk, or half the handle's read buffer
// limit if that is less, so that waiting for a chunk never overflows the
// buffer. The limit is the handle's own: a pooled connection keeps the
// one of the request that opened it.
func wholeChunkLimit(rbufMax int) int64 {
	if rbufMax > 0 {
		return int64(max(min(rbufMax/2, maxWholeChunk), 1))
	}
	return maxWholeChunk
}

// endChunked completes a chunked body: synthesise content-length, merge
// the trailers (their values replace the head's), finish (spec §10.2).
// The trailer views point into the read buffer, so they are turned into
// map entries now.
func (c *conn) endChunked(extra bool) {
	r := &c.call.resp
	m := r.Header()
	setChunkedLength(m, c.cd.total)
	if mergeTrailers(c.cd, m) && c.keep {
		// The final Connection header has its say (spec §5.7), but only
		// to close: a head that closed stays closed.
		c.keep = connectionVote([]byte(m["connection"]), versionBelow11(r.HTTPVersion))
	}
	c.cd.reset()
	c.finish(!extra, nil)
}

// bodyEOF handles end-of-file with nothing unread while reading the body.
func (c *conn) bodyEOF() {
	switch c.framing {
	case bodyKindUntilClose:
		c.finish(false, nil)
	case bodyKindFixed:
		if c.got > 0 {
			c.failConn(syscall.EPIPE)
		} else {
			c.failConn(errUnexpectedEOF)
		}
	default:
		c.failConn(syscall.EPIPE)
	}
}
