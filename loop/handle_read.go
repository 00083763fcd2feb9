package loop

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// Reader is a queued read request (AnyEvent push_read). It looks at
// [Handle.RBuf]; when what it waits for is there it consumes it with
// [Handle.Consume], delivers it and returns true ("done, remove me");
// otherwise it returns false and runs again when more data arrives. A
// Reader belongs to one handle at a time; the readers made by this
// package's constructors may be pushed again after they returned true.
type Reader func(h *Handle) bool

// RBuf returns the unconsumed input, to be consumed from the front with
// [Handle.Consume]. The slice is a view into the handle's buffer that is
// valid only until the callback that called RBuf returns; copy what you
// keep.
func (h *Handle) RBuf() []byte {
	if h.destroyed {
		return nil
	}
	return h.rbuf[h.roff:len(h.rbuf):len(h.rbuf)]
}

// Consume removes the first n bytes of the input (all of it if n is
// larger). Slices got from RBuf stay valid until the callback returns.
func (h *Handle) Consume(n int) {
	if h.destroyed || n <= 0 {
		return
	}
	n = min(n, len(h.rbuf)-h.roff)
	h.roff += n
	h.consumed += uint64(n)
}

// PushRead appends r to the read queue. The readers run on the loop, after
// PushRead returns, or in the drain already running when it is called from
// a read callback of h.
func (h *Handle) PushRead(r Reader) {
	if h.destroyed || r == nil {
		return
	}
	h.queue = append(h.queue, r)
	h.requestDrain()
}

// UnshiftRead puts r at the front of the read queue, so it runs before the
// readers already queued. Like PushRead, it never runs r before it returns.
func (h *Handle) UnshiftRead(r Reader) {
	if h.destroyed || r == nil {
		return
	}
	h.queue = append(h.queue, nil)
	copy(h.queue[1:], h.queue)
	h.queue[0] = r
	h.requestDrain()
}

// SetOnRead replaces the default reader; nil removes it. A non-nil one
// starts reading and runs on the loop, after SetOnRead returns, if data is
// already buffered. Installing OnRead is how an idle handle notices that
// the peer closed (spec §17.2).
func (h *Handle) SetOnRead(cb HandleFunc) {
	if h.destroyed {
		return
	}
	h.onRead = cb
	if cb != nil {
		h.requestDrain()
	}
}

// requestDrain runs the readers soon: in the running drain if there is one,
// else through the deferred function.
func (h *Handle) requestDrain() {
	if !h.draining {
		h.deferWork(deferDrain)
	}
}

// readPlain reads from the fd into the input buffer and drains after each
// read, up to handleReadBudget bytes per call (STYLE B6.7).
func (h *Handle) readPlain() {
	h.holdInput = true
	for total := 0; total < handleReadBudget && h.reading && !h.eof && !h.destroyed; {
		n, more := h.readOnce()
		total += n
		if !more {
			break
		}
	}
	h.holdInput = false
	h.settleInput()
}

// readFd makes one read into buf and deals with what is not data: EINTR
// (more: try again), EAGAIN (the fd is drained) and errors (fatal). ok
// reports data or end-of-file (n == 0), with the activity stamped.
func (h *Handle) readFd(buf []byte) (n int, ok, more bool) {
	n, err := h.w.sysRead(buf)
	switch {
	case err == unix.EINTR:
		return 0, false, true
	case err == unix.EAGAIN:
		h.w.ClearReady(Read)
		return 0, false, false
	case err != nil:
		h.raise(newOpError("read", err), true)
		return 0, false, false
	}
	h.stamp(readActivity)
	return n, true, false
}

// readOnce makes one read(2) into the input and drains; more reports that
// the fd may hold more data.
func (h *Handle) readOnce() (n int, more bool) {
	k := h.readSize
	n, ok, more := h.readFd(h.tail(k))
	if !ok {
		return 0, more
	}
	if n == 0 {
		h.eof, h.reading = true, false
		h.drain()
		return 0, false
	}
	h.rbuf = h.rbuf[:len(h.rbuf)+n]
	h.drain()
	if n == k {
		h.readSize = min(2*k, h.maxReadSize)
		return n, true
	}
	if readDrained(h.w) {
		h.w.ClearReady(Read)
		return n, false
	}
	return n, true
}

// readDrained reports whether a short read proved the fd drained, so that
// the loop need not read again to see EAGAIN (PERFORMANCE.md P3). A short
// read from a stream socket proves the receive queue empty, but not that no
// end-of-file waits behind the data: epoll reports data and FIN that arrive
// together in one edge, so once the poller has reported [Hup] only a zero
// read or EAGAIN clears read readiness (TestHandleEOFArrivingWithData).
func readDrained(w *IO) bool { return w.Ready()&Hup == 0 }

// scratchCarry is the largest unconsumed input that a read moves back into
// the loop's scratch buffer, to read after it there, rather than growing the
// handle's own buffer. A partial message that small is kept between reads in
// a buffer of exactly its size; a larger one keeps room for the next read,
// so a big message is not copied again on every read.
const scratchCarry = 16 << 10

// tail returns k bytes of room after the input for a read to fill; the
// caller commits what it read by extending h.rbuf. The input moves to the
// front of the loop's scratch buffer when that is free and the input is
// small.
func (h *Handle) tail(k int) []byte {
	end := len(h.rbuf)
	if h.roff == end && end > 0 {
		h.rbuf, h.roff, end = h.rbuf[:0], 0, 0
	}
	if cap(h.rbuf)-end >= k {
		return h.rbuf[end : end+k]
	}
	if n := end - h.roff; !h.onScratch && !h.sh.busy && n <= scratchCarry {
		buf := h.sh.scratchFor(n + k)
		copy(buf, h.rbuf[h.roff:])
		h.rbuf, h.roff, h.onScratch, h.sh.busy = buf[:n], 0, true, true
		return buf[n : n+k]
	}
	h.makeRoom(k)
	end = len(h.rbuf)
	return h.rbuf[end : end+k]
}

// makeRoom moves or grows the input so that k more bytes fit. Input that
// outgrows the scratch buffer moves to a buffer of the handle.
func (h *Handle) makeRoom(k int) {
	data := h.rbuf[h.roff:]
	if h.roff > 0 && h.roff >= len(data) && cap(h.rbuf)-len(data) >= k {
		n := copy(h.rbuf[:cap(h.rbuf)], data)
		h.rbuf, h.roff = h.rbuf[:n], 0
		return
	}
	nb := make([]byte, len(data), 2*len(data)+k)
	copy(nb, data)
	h.releaseScratch()
	h.rbuf, h.roff = nb, 0
}

func (h *Handle) releaseScratch() {
	if h.onScratch {
		h.onScratch, h.sh.busy = false, false
	}
}

// settleInput ends a read: it gives the scratch buffer back, copying what
// the readers left into a buffer of the handle (see scratchCarry), and drops
// an empty buffer (PERFORMANCE.md P5).
func (h *Handle) settleInput() {
	data := h.rbuf[h.roff:]
	switch {
	case len(data) == 0 || h.destroyed:
		h.releaseScratch()
		h.rbuf, h.roff = nil, 0
	case h.onScratch:
		room := 0
		if len(data) > scratchCarry {
			room = h.readSize
		}
		nb := make([]byte, len(data), len(data)+room)
		copy(nb, data)
		h.releaseScratch()
		h.rbuf, h.roff = nb, 0
	}
}

// drain is AnyEvent's _drain_rbuf (spec §17.2): it runs the readers, then
// reports end-of-file or an oversized buffer, and starts reading when
// something wants data. A drain requested while one runs is absorbed by
// the running one.
func (h *Handle) drain() {
	if h.draining || h.destroyed {
		return
	}
	h.draining = true
	ok := h.runReaders()
	h.draining = false
	if ok && !h.destroyed {
		h.afterDrain()
	}
	if !h.holdInput {
		h.settleInput()
	}
}

// runReaders is the loop of the drain procedure. It reports false when it
// raised an error or a callback destroyed the handle.
func (h *Handle) runReaders() bool {
	if h.fs != nil && !h.pullPlain() {
		return false
	}
	for !h.destroyed {
		n := len(h.rbuf) - h.roff
		switch {
		case len(h.queue) > 0:
			r := h.popReader()
			if r(h) {
				continue
			}
			if h.destroyed {
				return false
			}
			if h.eof {
				h.raise(errnoError("read", syscall.EPIPE), true)
				return false
			}
			h.queue = append(h.queue, nil)
			copy(h.queue[1:], h.queue)
			h.queue[0] = r
			return true
		case h.onRead != nil:
			if n == 0 {
				return true
			}
			h.onRead(h)
			if h.destroyed {
				return false
			}
			if len(h.rbuf)-h.roff == n && len(h.queue) == 0 && h.onRead != nil {
				if h.eof {
					h.raise(errnoError("read", syscall.EPIPE), true)
					return false
				}
				return true
			}
		default:
			h.reading = false
			return true
		}
	}
	return false
}

func (h *Handle) popReader() Reader {
	r := h.queue[0]
	k := len(h.queue) - 1
	copy(h.queue, h.queue[1:])
	h.queue[k] = nil
	h.queue = h.queue[:k]
	return r
}

// afterDrain reports end-of-file (to OnEOF, else as a fatal error) or an
// input larger than RBufMax, and restarts reading when something wants
// data.
func (h *Handle) afterDrain() {
	if h.eof {
		if h.onEOF != nil {
			h.onEOF(h)
		} else {
			h.raise(newOpError("read", eofError{}), true)
		}
		return
	}
	if h.rbufMax > 0 && len(h.rbuf)-h.roff > h.rbufMax {
		h.raise(errnoError("read", syscall.ENOSPC), true)
		return
	}
	if !h.reading && (h.onRead != nil || len(h.queue) > 0) {
		h.reading = true
	}
}
