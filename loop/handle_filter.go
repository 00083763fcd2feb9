package loop

import (
	"errors"
	"io"
	"syscall"

	"golang.org/x/sys/unix"
)

// Filter transforms the bytes between a handle's fd and its buffers: the
// hook where a TLS engine sits (TLS.md §6.2, AnyEvent::Handle starttls). It
// is sans-I/O: the handle reads the fd and feeds the filter, takes
// plaintext out for its readers, gives plaintext in from Write, and writes
// the filter's output to the fd. A filter that finishes work on another
// goroutine (a handshake helper) calls [Handle.Wake], and the handle polls
// it again on the loop. The handle calls every method on the loop
// goroutine, and none after Close.
type Filter interface {
	// Feed hands the filter bytes read from the fd. It copies or consumes
	// them before it returns: p is valid only until then. An error fails
	// the filter.
	Feed(p []byte) error
	// FeedEOF tells the filter that the fd reached end-of-file. A filter
	// still handshaking must then report FilterFailed or, if it already
	// has what it needs, FilterHandshakeDone.
	FeedEOF()
	// Poll advances the filter and returns its next event, FilterNone when
	// there is nothing (more) to report. The handle polls until FilterNone
	// after each Feed, after a Wake and after StartTLS.
	Poll() FilterEvent
	// Read copies plaintext into p. (0, nil) means none for now; io.EOF
	// means the peer closed the filtered stream. Other errors fail the
	// filter.
	Read(p []byte) (int, error)
	// Write takes plaintext to send and returns how much it took; (0, nil)
	// means it can take none yet (handshake in progress), and the handle
	// keeps the rest queued. An error fails the filter.
	Write(p []byte) (int, error)
	// Outgoing returns the bytes the filter wants written to the fd, nil
	// when none. The slice is valid until the next call of any method.
	Outgoing() []byte
	// Advance reports that the first n bytes of Outgoing were written.
	Advance(n int)
	// Close releases the filter (a TLS engine stops its helper).
	Close()
}

// FilterEventKind is what a [FilterEvent] reports.
type FilterEventKind uint8

// The events of a [Filter] (TLS.md §6.2 EventKind).
const (
	FilterNone          FilterEventKind = iota // nothing to report
	FilterHandshakeDone                        // Write is accepted from now on
	FilterPeerClosed                           // the peer closed the filtered stream (close_notify)
	FilterFailed                               // Err says why; sticky; Outgoing may hold a last alert
)

// FilterEvent is one event of a [Filter].
type FilterEvent struct {
	Kind FilterEventKind
	Err  error // the failure, with FilterFailed
}

// filterState is the state of an active filter.
type filterState struct {
	f       Filter
	pq      writeQueue // plaintext the filter has not taken yet
	up      bool       // handshake done
	pending bool       // OnStartTLS not yet told
	fdEOF   bool       // the fd reached end-of-file
	err     error      // Feed failed in StartTLS; reported when driven
}

// filterError is the cause of a fatal filter failure: it keeps the
// filter's text and matches EPROTO (AnyEvent: fatal EPROTO with the TLS
// error text).
type filterError struct{ err error }

func (e *filterError) Error() string        { return e.err.Error() }
func (e *filterError) Unwrap() error        { return e.err }
func (e *filterError) Is(target error) bool { return target == syscall.EPROTO }

func tlsError(err error) error { return newOpError("tls", &filterError{err}) }

var (
	errFilterActive = errors.New("loop: StartTLS called while a filter is already active")
	errNilFilter    = errors.New("loop: StartTLS called with a nil filter")
)

// StartTLS puts f between the fd and the buffers, starting at the current
// stream position: input already buffered is fed to f as ciphertext, and
// output queued before is written before anything f produces. While f is
// active the handle always reads. The outcome of the handshake goes to
// OnStartTLS, or, without it, a failure is a fatal EPROTO error. No
// callback runs before StartTLS returns. It returns [ErrClosed] on a
// destroyed handle.
func (h *Handle) StartTLS(f Filter) error {
	switch {
	case h.destroyed:
		return ErrClosed
	case f == nil:
		return errNilFilter
	case h.fs != nil:
		return errFilterActive
	}
	fs := &filterState{f: f, pending: true}
	h.fs = fs
	if buf := h.RBuf(); len(buf) > 0 {
		h.Consume(len(buf))
		fs.err = f.Feed(buf)
	}
	if h.eof {
		fs.fdEOF = true
		f.FeedEOF()
	}
	h.eof = false
	h.deferWork(deferFilter)
	h.updateInterest()
	return nil
}

// Wake asks the loop to poll the handle's filter again. It is the one
// method of Handle that any goroutine may call; wake-ups that come before
// the loop answers are coalesced into one.
func (h *Handle) Wake() {
	if h.wakeSet.CompareAndSwap(false, true) {
		h.l.Post(func() {
			h.wakeSet.Store(false)
			if !h.destroyed && h.fs != nil {
				h.driveFilter()
			}
		})
	}
}

// readFiltered reads ciphertext, feeds it to the filter, and drives the
// filter, up to handleReadBudget bytes per call.
func (h *Handle) readFiltered() {
	for total := 0; total < handleReadBudget && h.fs != nil && !h.fs.fdEOF && !h.destroyed; {
		n, more := h.readCipher()
		total += n
		if !more {
			break
		}
	}
	if h.fs != nil && !h.destroyed {
		h.driveFilter()
	}
}

// readCipher makes one read(2) into the loop's scratch buffer and feeds
// the filter, which copies what it keeps; more reports that the fd may hold
// more data.
func (h *Handle) readCipher() (n int, more bool) {
	k := h.readSize
	var buf []byte
	if h.sh.busy {
		buf = make([]byte, k)
	} else {
		buf = h.sh.scratchFor(k)[:k]
	}
	n, ok, more := h.readFd(buf)
	if !ok {
		return 0, more
	}
	fs := h.fs
	if n == 0 {
		fs.fdEOF = true
		fs.f.FeedEOF()
		return 0, false
	}
	if err := fs.f.Feed(buf[:n]); err != nil {
		h.filterFailed(err)
		return n, false
	}
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

// driveFilter polls the filter for events, hands it queued plaintext,
// writes its output and runs the readers on what it decrypted.
func (h *Handle) driveFilter() {
	if err := h.fs.err; err != nil {
		h.filterFailed(err)
		return
	}
	if !h.pollFilter(h.fs) {
		return
	}
	if !h.wblocked {
		h.flushFromLoop()
		if h.destroyed {
			return
		}
	}
	h.drain()
	if !h.destroyed {
		h.updateInterest()
	}
}

// pollFilter handles the filter's events; it reports false when the filter
// failed or a callback destroyed the handle.
func (h *Handle) pollFilter(fs *filterState) bool {
	for {
		ev := fs.f.Poll()
		switch ev.Kind {
		case FilterNone:
			return true
		case FilterHandshakeDone:
			fs.up = true
			if fs.pending {
				fs.pending = false
				if h.onTLS != nil {
					h.onTLS(h, true, nil)
				}
			}
		case FilterPeerClosed:
			h.eof = true
		case FilterFailed:
			h.filterFailed(ev.Err)
			return false
		}
		if h.destroyed || h.fs != fs {
			return false
		}
	}
}

// filterFailed drops the filter after a failure. A handshake failure goes
// to OnStartTLS if set, and the handle goes on without the filter;
// anything else is a fatal EPROTO error (spec §17.6).
func (h *Handle) filterFailed(err error) {
	fs := h.fs
	if err == nil {
		err = errors.New("loop: filter failed")
	}
	h.fs = nil
	if out := fs.f.Outgoing(); len(out) > 0 {
		h.wq.push(h.sh, out, false)
	}
	fs.pq.reset(h.sh)
	fs.f.Close()
	if !fs.pending || h.onTLS == nil {
		h.raise(tlsError(err), true)
		return
	}
	fs.pending = false
	h.onTLS(h, false, err)
	if h.destroyed {
		return
	}
	h.flushFromLoop()
	if !h.destroyed && fs.fdEOF {
		h.eof = true
		h.drain()
	}
	if !h.destroyed {
		h.updateInterest()
	}
}

// pullPlain moves the plaintext the filter has into the input. It reports
// false when the filter failed.
func (h *Handle) pullPlain() bool {
	fs := h.fs
	for {
		buf := h.tail(h.readSize)
		n, err := fs.f.Read(buf)
		h.rbuf = h.rbuf[:len(h.rbuf)+n]
		switch {
		case err == io.EOF:
			h.eof = true
			return true
		case err != nil:
			h.raise(tlsError(err), true)
			return false
		case n < len(buf):
			if n == 0 && fs.fdEOF && fs.up {
				h.eof = true
			}
			return true
		}
	}
}

// writeFiltered hands plaintext to the filter, queueing what it cannot
// take yet, and writes the filter's output.
func (h *Handle) writeFiltered(p []byte, owned bool) {
	fs := h.fs
	if fs.pq.n == 0 && fs.up {
		n, err := fs.f.Write(p)
		if err != nil {
			h.failLater(tlsError(err))
			return
		}
		p = p[n:]
	}
	if len(p) > 0 {
		fs.pq.push(h.sh, p, owned)
		if err := h.pumpPlain(); err != nil {
			h.failLater(err)
			return
		}
	}
	wrote := 0
	if h.canWriteNow() {
		n, err := h.flush()
		if err != nil {
			h.failLater(err)
			return
		}
		wrote = n
	} else if h.autocork && h.outPending() > 0 {
		h.cork()
	}
	h.afterWrite(wrote, false)
}

// pumpPlain hands queued plaintext to the filter once its handshake is
// done, as much as it takes.
func (h *Handle) pumpPlain() error {
	fs := h.fs
	for fs.up && fs.pq.n > 0 {
		n, err := fs.f.Write(fs.pq.front())
		if err != nil {
			return tlsError(err)
		}
		if n == 0 {
			break
		}
		fs.pq.advance(h.sh, n)
	}
	return nil
}

// writeOutgoing writes the filter's output until the socket is full.
func (h *Handle) writeOutgoing() (int, error) {
	f := h.fs.f
	total := 0
	for out := f.Outgoing(); len(out) > 0; out = f.Outgoing() {
		n, err := h.w.Write(out)
		switch {
		case err == unix.EAGAIN:
			h.wblocked = true
			return total, nil
		case err != nil:
			return total, newOpError("write", err)
		}
		f.Advance(n)
		total += n
		if n < len(out) {
			h.wblocked = true
			return total, nil
		}
	}
	return total, nil
}
