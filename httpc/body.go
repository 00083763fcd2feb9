package httpc

import (
	"bytes"
	"strconv"
	"syscall"

	"github.com/anyevent-go/anyevent/loop"
)

// maxPrealloc bounds the body buffer allocated up front from a
// Content-Length; larger bodies grow as they arrive.
const maxPrealloc = 1 << 20

// readHead parses the response head from the read buffer (zero-copy),
// skips 100 Continue, and decides the body framing (spec §8, §10.1).
func (c *conn) readHead(h *loop.Handle) {
	buf := h.RBuf()
	c.sawBytes = true
	hi, err := scanHead(buf, c.scanned)
	if err != nil {
		if err == errGarbledHeaders {
			c.call.resp.HTTPVersion = internText(buf[hi.verStart:hi.verEnd])
		}
		c.failConn(err)
		return
	}
	if hi.n == 0 {
		c.scanned = max(len(buf)-2, 0) // an end may straddle the next read
		if len(buf) > maxHeadBytes {
			c.failConn(errHeadTooLarge)
		}
		return
	}
	c.scanned = 0
	if hi.status == 100 {
		h.Consume(hi.n)
		c.enter(PhaseHeader)
		return
	}
	c.hi = hi
	c.takeHead(buf, &hi)
	h.Consume(hi.n)
	if hi.location {
		if err := c.call.normalizeHopLocation(); err != nil {
			c.failConn(err)
			return
		}
	}
	c.startBody(h)
}

// takeHead fills the response from the head and copies the header lines
// into the one allocation that will also hold a Content-Length body.
func (c *conn) takeHead(buf []byte, hi *headInfo) {
	r := &c.call.resp
	r.Status, r.HasReason = hi.status, hi.hasReason
	r.HTTPVersion = internText(trimZeros(buf[hi.verStart:hi.verEnd]))
	r.Reason = ""
	if hi.hasReason {
		r.Reason = internText(buf[hi.reasonStart:hi.reasonEnd])
	}
	lines := buf[hi.lines:hi.n]
	c.call.redirect = c.call.recurse > 0 && redirectStatus(hi.status)
	c.framing = c.framingOf(hi)
	extra := 0
	if c.framing == bodyFixed && c.call.onBody() == nil && !c.call.wantHandle() {
		extra = int(min(hi.contentLength, maxPrealloc))
	}
	all := make([]byte, len(lines), len(lines)+extra)
	copy(all, lines)
	r.head = all[:len(lines):len(lines)]
	c.body = all[len(lines):len(lines)]
}

// trimZeros drops leading zeros of a version but keeps one byte.
func trimZeros(v []byte) []byte {
	for len(v) > 1 && v[0] == '0' {
		v = v[1:]
	}
	return v
}

func (c *conn) framingOf(hi *headInfo) uint8 {
	s := hi.status
	switch {
	case s/100 == 1, s == 204, s == 205, s == 304, c.call.method == "HEAD":
		return bodyNone
	case hi.chunked:
		return bodyChunked
	case hi.contentLength == 0:
		return bodyNone
	case hi.contentLength > 0:
		c.remain = hi.contentLength
		return bodyFixed
	}
	return bodyUntilClose
}

// startBody runs OnHeader and the first matching rule of spec §10.1.
func (c *conn) startBody(h *loop.Handle) {
	call := c.call
	if f := call.onHeader(); f != nil {
		act := f(&call.resp)
		if c.call != call || c.closed {
			return // cancelled by the callback
		}
		if act == Abort {
			c.finishErr(newError(PhaseHeader, "callback", call.url, errOnHeader, kindAbort))
			return
		}
	}
	switch {
	case c.framing == bodyNone:
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
// cleared, timeout disarmed, never pooled.
func (c *conn) handOver() {
	h := c.h
	c.h = nil
	h.SetOnRead(nil)
	h.SetOnEOF(nil)
	h.SetOnError(nil)
	h.SetTimeout(0)
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
	case bodyFixed:
		c.readFixed(h, buf)
	case bodyChunked:
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
		c.finishErr(newError(PhaseBody, "callback", call.url, errOnBody, kindAbort))
		return false
	}
	return true
}

func (c *conn) readFixed(h *loop.Handle, buf []byte) {
	if c.call.onBody() != nil {
		// AnyEvent hands OnBody the whole buffer, even past the length.
		h.Consume(len(buf))
		c.got += int64(len(buf))
		c.remain -= int64(len(buf))
		if c.deliver(buf) && c.remain <= 0 {
			c.finish(c.remain == 0, nil)
		}
		return
	}
	n := int(min(c.remain, int64(len(buf))))
	c.body = append(c.body, buf[:n]...)
	c.remain -= int64(n)
	c.got += int64(n)
	if c.remain > 0 {
		h.Consume(n)
		return
	}
	// Bytes past the length are discarded, and the connection is not
	// pooled: the peer broke the framing (W8).
	extra := len(buf) > n
	h.Consume(len(buf))
	c.finish(!extra, nil)
}

func (c *conn) readChunked(h *loop.Handle, buf []byte) {
	for off := 0; ; {
		data, n, done, err := c.cs.step(buf[off:])
		if err != nil {
			c.finishErr(newError(PhaseBody, "read", c.call.url, err, kindIO))
			return
		}
		if n == 0 {
			return
		}
		off += n
		h.Consume(n) // data stays valid until this callback returns
		if done {
			c.endChunked(data, len(buf) > off)
			return
		}
		c.got += int64(len(data))
		if len(data) > 0 && !c.deliver(data) {
			return
		}
	}
}

// endChunked completes a chunked body: synthesise content-length, merge
// the trailers (their values replace the head's), finish (spec §10.2).
func (c *conn) endChunked(trailers []byte, extra bool) {
	r := &c.call.resp
	total := c.cs.total
	c.cs = chunkScanner{}
	if cl, ok := r.Get("content-length"); !ok || cl == "" || cl == "0" {
		r.setHeader("content-length", strconv.FormatInt(total, 10))
	}
	if !validTrailers(trailers) {
		c.finishErr(newError(PhaseBody, "read", c.call.url, errGarbledTrailer, kindIO))
		return
	}
	forEachHeader(trailers, func(name, value []byte) {
		r.setHeader(lowerString(name), string(value))
	})
	c.finish(!extra, nil)
}

// validTrailers reports whether every trailer line has a colon and a name
// without control bytes (spec §8.4).
func validTrailers(t []byte) bool {
	for pos := 0; pos < len(t); {
		end, next := nextLine(t, pos)
		line := t[pos:end]
		pos = next
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		c := bytes.IndexByte(line, ':')
		if c < 0 || bytes.ContainsFunc(line[:c], func(r rune) bool { return r < 0x20 }) {
			return false
		}
	}
	return true
}

// bodyEOF handles end-of-file with nothing unread while reading the body.
func (c *conn) bodyEOF() {
	switch c.framing {
	case bodyUntilClose:
		c.finish(false, nil)
	case bodyFixed:
		if c.got > 0 {
			c.failConn(syscall.EPIPE)
		} else {
			c.failConn(errUnexpectedEOF)
		}
	default:
		c.failConn(syscall.EPIPE)
	}
}
