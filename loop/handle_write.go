package loop

import (
	"errors"
	"syscall"

	"golang.org/x/sys/unix"
)

// Write sends p (AnyEvent push_write). Unless Autocork is set or the socket
// is known to be full, it tries one write(2) at once and queues only the
// rest, copied (with Autocork, the loop writes the queue before it next
// polls), so the caller may reuse p when Write returns. Write never
// calls back: errors reach OnError, and OnDrain runs, on the loop after
// Write returns.
func (h *Handle) Write(p []byte) { h.write(p, false) }

// WriteOwned is Write without the copy: the handle keeps p until it is
// written, and the caller must not modify p after the call.
func (h *Handle) WriteOwned(p []byte) { h.write(p, true) }

func (h *Handle) write(p []byte, owned bool) {
	if h.destroyed || h.pendErr != nil || len(p) == 0 {
		return
	}
	if h.fs != nil {
		h.writeFiltered(p, owned)
		return
	}
	wrote := 0
	if h.wq.n == 0 && h.canWriteNow() {
		n, err := h.w.Write(p)
		switch {
		case err == unix.EAGAIN:
			h.wblocked = true
		case err != nil:
			h.failLater(newOpError("write", err))
			return
		case n < len(p):
			h.wblocked = true
		}
		wrote, p = n, p[n:]
	}
	if len(p) > 0 {
		h.wq.push(h.sh, p, owned)
		if wrote == 0 && h.canWriteNow() {
			n, err := h.flush()
			if err != nil {
				h.failLater(err)
				return
			}
			wrote = n
		}
	}
	if h.autocork && len(p) > 0 {
		h.cork()
	}
	h.afterWrite(wrote, false)
}

// canWriteNow reports whether a write should be tried at once.
func (h *Handle) canWriteNow() bool { return !h.autocork && !h.wblocked }

// afterWrite stamps write activity, runs or defers OnDrain when the queue
// is low, performs a pending Shutdown, and checks WBufMax.
func (h *Handle) afterWrite(wrote int, onLoop bool) {
	if wrote > 0 {
		h.written += uint64(wrote)
		h.stamp(writeActivity)
		if h.onDrain != nil && h.pending() <= h.lowWater {
			if onLoop {
				h.notifyDrain()
				if h.destroyed {
					return
				}
			} else {
				h.deferWork(deferNotify)
			}
		}
	}
	if h.shutdown && !h.shutDone && h.pending() == 0 {
		h.shutDone = true
		unix.Shutdown(h.fd, unix.SHUT_WR)
	}
	if h.wbufMax > 0 && h.pending() > h.wbufMax {
		err := errnoError("write", syscall.ENOSPC)
		if !onLoop {
			h.failLater(err)
			return
		}
		h.raise(err, true)
		return
	}
	h.updateInterest()
}

// notifyDrain calls OnDrain if the queue is (still) low.
func (h *Handle) notifyDrain() {
	if h.onDrain != nil && h.pending() <= h.lowWater {
		h.onDrain(h)
	}
}

// pending returns the output not yet written: the queue plus, with a
// filter, the plaintext it has not taken and the bytes it produced.
func (h *Handle) pending() int {
	n := h.wq.n
	if h.fs != nil {
		n += h.fs.pq.n + len(h.fs.f.Outgoing())
	}
	return n
}

// outPending returns the bytes ready for the fd.
func (h *Handle) outPending() int {
	n := h.wq.n
	if h.fs != nil {
		n += len(h.fs.f.Outgoing())
	}
	return n
}

// flushFromLoop flushes on write readiness, where callbacks may run.
func (h *Handle) flushFromLoop() {
	if h.pendErr != nil {
		return // failing already: a write would only meet the error again
	}
	n, err := h.flush()
	if err != nil {
		h.raiseWriteError(err)
		return
	}
	h.afterWrite(n, true)
}

// raiseWriteError reports a failed write. When the peer is gone (EPIPE,
// ECONNRESET) and the handle wants input, what the socket still holds is
// read first: a peer may answer before it has read everything sent to it
// and close at once (an HTTP server refusing an upload with 413), and the
// answer matters more than the write error. curl reads it too; AnyEvent
// reports only the error. The readers may end the handle meanwhile.
func (h *Handle) raiseWriteError(err error) {
	if h.fs == nil && h.wantsRead() && (errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)) {
		h.readPlain()
		if h.destroyed {
			return
		}
	}
	h.raise(err, true)
}

// flush writes the queue, then hands queued plaintext to the filter and
// writes the filter's output, until the socket is full. It returns the
// bytes written and a fatal error.
func (h *Handle) flush() (int, error) {
	total := 0
	for h.wq.n > 0 {
		n, short, err := h.writeQueued()
		total += n
		if err == unix.EAGAIN || short {
			h.wblocked = true
			h.w.ClearReady(Write)
			return total, nil
		}
		if err != nil {
			return total, newOpError("write", err)
		}
	}
	if h.fs != nil {
		if err := h.pumpPlain(); err != nil {
			return total, err
		}
		n, err := h.writeOutgoing()
		return total + n, err
	}
	return total, nil
}

// writeQueued makes one write(2) or writev(2) of the queue (send(2) or
// sendmsg(2) on a socket), again after EINTR. short reports that the
// kernel took less than offered: the socket is full. n counts the bytes
// written even when err reports a failure after some were.
func (h *Handle) writeQueued() (n int, short bool, err error) {
	for {
		want, m := 0, 0
		if len(h.wq.chunks) == 1 {
			p := h.wq.front()
			want = len(p)
			m, err = h.w.sysWrite(p)
		} else {
			iov := h.wq.gather(h.sh.iov[:0])
			for _, p := range iov {
				want += len(p)
			}
			m, err = h.w.sysWritev(&h.sh.iovecs, iov)
			clear(iov)
			h.sh.iov = iov[:0]
		}
		if m > 0 {
			h.wq.advance(h.sh, m)
			n += m
		}
		switch {
		case err == nil:
			return n, m < want, nil
		case err != unix.EINTR:
			return n, false, err
		case h.wq.n == 0:
			return n, false, nil
		}
	}
}

// Shutdown half-closes the connection once everything queued is written
// (AnyEvent push_shutdown): the peer reads end-of-file after the data. Like
// push_shutdown it sets LowWaterMark to 0 and removes OnDrain.
func (h *Handle) Shutdown() {
	if h.destroyed || h.shutdown {
		return
	}
	h.shutdown, h.lowWater, h.onDrain = true, 0, nil
	if h.pending() == 0 {
		h.shutDone = true
		unix.Shutdown(h.fd, unix.SHUT_WR)
	}
}

// SetOnDrain replaces the drain callback. If the queue is already low, cb
// runs once on the loop after SetOnDrain returns.
func (h *Handle) SetOnDrain(cb HandleFunc) {
	if h.destroyed {
		return
	}
	h.onDrain = cb
	if cb != nil && h.pending() <= h.lowWater {
		h.deferWork(deferNotify)
	}
}

// SetLowWaterMark changes [HandleOptions.LowWaterMark].
func (h *Handle) SetLowWaterMark(n int) {
	if !h.destroyed {
		h.lowWater = max(n, 0)
	}
}

// Written returns how many bytes the handle has written to its fd since it
// was made (with a filter, the bytes the filter produced). Comparing two
// readings tells whether anything went out between them.
func (h *Handle) Written() uint64 { return h.written }

// WBufLen returns how many bytes of output are not yet written.
func (h *Handle) WBufLen() int {
	if h.destroyed {
		return 0
	}
	return h.pending()
}

// Destroy ends the handle (spec §17.7): it stops its watcher and timer,
// drops its buffers and callbacks, closes its filter and, unless output is
// still queued, its fd. Queued output lingers: it is written in the
// background for up to Linger, ignoring errors, and then the fd is closed.
// No callback of the handle runs after Destroy, and every later method call
// is a no-op. Destroying twice is harmless.
func (h *Handle) Destroy() {
	if h.destroyed {
		return
	}
	h.destroyed = true
	if h.tmo != nil {
		h.tmo.t.Stop()
		h.tmo = nil
	}
	if fs := h.fs; fs != nil {
		h.fs = nil
		if out := fs.f.Outgoing(); len(out) > 0 {
			h.wq.push(h.sh, out, false)
		}
		fs.pq.reset(h.sh)
		fs.f.Close()
	}
	h.queue, h.onRead, h.onEOF, h.onError, h.onDrain, h.onTLS = nil, nil, nil, nil, nil, nil
	h.pendErr, h.reading = nil, false
	if !h.draining && !h.holdInput {
		h.settleInput()
	}
	if h.wq.n > 0 && h.linger > 0 {
		h.startLinger()
		return
	}
	h.wq.reset(h.sh)
	h.closeFd()
}

// startLinger keeps flushing the queue of a destroyed handle.
func (h *Handle) startLinger() {
	h.lingering = true
	h.w.SetInterest(Write)
	h.lingerT = h.l.Timer(h.linger, 0, h.endLinger)
}

func (h *Handle) lingerFlush() {
	h.wblocked = false
	if _, err := h.flush(); err != nil || h.wq.n == 0 {
		h.endLinger()
	}
}

func (h *Handle) endLinger() {
	if !h.lingering {
		return
	}
	h.lingering = false
	h.lingerT.Stop()
	h.lingerT = nil
	h.wq.reset(h.sh)
	h.closeFd()
}

// closeFd stops the watcher and closes the fd, in the closing step of the
// iteration when called from a callback (STYLE B6.5).
func (h *Handle) closeFd() {
	h.w.Stop()
	fd := h.fd
	if h.l.depth > 0 {
		h.l.closeLater(func() { unix.Close(fd) })
		return
	}
	unix.Close(fd)
}
