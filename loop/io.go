package loop

import (
	"github.com/anyevent-go/anyevent/internal/sys"
	"golang.org/x/sys/unix"
)

// IO watches a file descriptor for readiness (AnyEvent::io, libev ev_io).
//
// The loop registers each fd once, edge-triggered for both directions, and
// remembers which conditions the kernel has reported since the last time the
// fd said EAGAIN. The watcher's callback runs whenever the fd is ready for
// something the watcher is interested in, and keeps running once per
// iteration for as long as that stays true: level-triggered behaviour, as
// AnyEvent promises, without an epoll_ctl per interest change. The loop
// learns that the fd is drained from [IO.Read] and [IO.Write] returning
// EAGAIN, or from [IO.ClearReady] when the caller made the syscall itself.
// A callback that neither drains the fd nor clears readiness nor drops its
// interest is called again on the next iteration.
//
// Several watchers may watch one fd; they share its readiness. Stop every
// watcher of an fd before closing it: the kernel forgets a closed fd's
// registration, and a new fd with the same number needs a new one.
type IO struct {
	reg      *fdReg
	cb       func(Events)
	interest Events
	queued   bool // in l.pending or l.again
	active   bool
	socket   bool // a Handle's socket: Read and Write use recv and send

	// For a Handle's watcher: the Handle, and the results of a read and a
	// send made ahead in a batch, which its next calls take (batch.go).
	h      *Handle
	rahead readResult
	wahead sendResult
}

// fdReg is the loop's record of one registered fd, shared by its watchers.
type fdReg struct {
	l        *Loop
	fd       int
	gen      uint32 // matched against the token of each event (epoll)
	ready    Events // conditions reported and not yet cleared
	watchers []*IO
}

// IO starts watching fd for the conditions in interest and calls cb with the
// conditions that are ready. fd should be non-blocking, and must be for
// [IO.Read] and [IO.Write]. The callback runs on
// the loop, never before IO returns.
func (l *Loop) IO(fd int, interest Events, cb func(ready Events)) (*IO, error) {
	if l.closed {
		return nil, ErrClosed
	}
	reg, err := l.register(fd)
	if err != nil {
		return nil, err
	}
	w := &IO{reg: reg, cb: cb, interest: interest, active: true}
	reg.watchers = append(reg.watchers, w)
	return w, nil
}

func (l *Loop) register(fd int) (*fdReg, error) {
	if fd < 0 {
		return nil, newOpError("watch", unix.EBADF)
	}
	if fd < len(l.byFd) && l.byFd[fd] != nil {
		return l.byFd[fd], nil
	}
	l.regGen++
	if l.regGen == 0 {
		l.regGen = 1
	}
	reg := &fdReg{l: l, fd: fd, gen: l.regGen}
	if err := l.poller.add(fd, uint64(reg.gen)<<32|uint64(uint32(fd))); err != nil {
		return nil, err
	}
	for fd >= len(l.byFd) {
		l.byFd = append(l.byFd, nil)
	}
	l.byFd[fd] = reg
	return reg, nil
}

// Fd returns the watched file descriptor.
func (w *IO) Fd() int { return w.reg.fd }

// Interest returns the conditions w waits for.
func (w *IO) Interest() Events { return w.interest }

// SetInterest changes the conditions w waits for. It costs no system call;
// if the fd is already ready for a newly added condition, the callback runs
// on the next iteration.
func (w *IO) SetInterest(ev Events) {
	if !w.active {
		return
	}
	w.interest = ev
	w.queueIfReady()
}

// ClearReady tells the loop that the fd returned EAGAIN for the conditions
// in ev, so it waits for the kernel's next report before calling back for
// them. Use it after a read(2) or write(2) made without [IO.Read] or
// [IO.Write]; a short read from a stream socket also proves it drained,
// unless [Hup] is among [IO.Ready] (the FIN may have come with the data).
func (w *IO) ClearReady(ev Events) { w.reg.ready &^= ev }

// Ready returns the conditions the fd is known to be ready for.
func (w *IO) Ready() Events { return w.reg.ready }

// Read reads from the fd, which must be non-blocking: the call bypasses the
// scheduler's system-call hooks (internal/sys/rawio.go). EAGAIN clears read
// readiness. EINTR is retried. The watcher of a [Handle] over a socket uses
// recv(2) and send(2), which skip the file layer; every call is counted in
// [Stats].
func (w *IO) Read(p []byte) (int, error) {
	for {
		n, err := w.sysRead(p)
		switch err {
		case nil:
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			w.reg.ready &^= Read
		}
		return 0, err
	}
}

// Write writes to the fd, which must be non-blocking, like [IO.Read].
// EAGAIN clears write readiness, and so does a short write. EINTR is
// retried.
func (w *IO) Write(p []byte) (int, error) {
	for {
		n, err := w.sysWrite(p)
		switch err {
		case nil:
			if n < len(p) {
				w.reg.ready &^= Write
			}
			return n, nil
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			w.reg.ready &^= Write
		}
		return 0, err
	}
}

// sysRead makes one read(2), or recv(2) on a Handle's socket, and counts
// it.
func (w *IO) sysRead(p []byte) (int, error) {
	w.reg.l.stats.Reads++
	if w.rahead.pending {
		w.reg.l.stats.Batched++
		return w.rahead.take(p)
	}
	if w.socket {
		return sys.Recv(w.reg.fd, p)
	}
	return sys.Read(w.reg.fd, p)
}

// sysWrite makes one write(2), or send(2) on a Handle's socket, and counts
// it.
func (w *IO) sysWrite(p []byte) (int, error) {
	w.reg.l.stats.Writes++
	if w.wahead.pending {
		w.reg.l.stats.Batched++
		return w.wahead.take()
	}
	if w.socket {
		return sys.Send(w.reg.fd, p)
	}
	return sys.Write(w.reg.fd, p)
}

// sysWritev makes one writev(2), or sendmsg(2) on a Handle's socket, of
// the slices of iov with the reused argument array v, and counts it. Where
// a send made ahead wrote part of the slices, n counts those bytes even
// when err reports that writing the rest failed.
func (w *IO) sysWritev(v *sys.Iovecs, iov [][]byte) (int, error) {
	w.reg.l.stats.Writes++
	if w.wahead.pending {
		// The send made ahead wrote from the first slice; when it took
		// that whole, the rest follows in a call of its own.
		w.reg.l.stats.Batched++
		n, err := w.wahead.take()
		if err != nil || n < len(iov[0]) || len(iov) == 1 {
			return n, err
		}
		m, err := w.sysWritev(v, iov[1:])
		if err == unix.EAGAIN {
			return n, nil // the socket is full
		}
		return n + m, err
	}
	if w.socket {
		return v.Sendmsg(w.reg.fd, iov)
	}
	return v.Writev(w.reg.fd, iov)
}

// Stop ends the watch; the callback will not run again, even for events
// already collected in this iteration. The last watcher of an fd removes its
// registration. Stopping twice is harmless.
func (w *IO) Stop() {
	if !w.active {
		return
	}
	w.active = false
	w.rahead, w.wahead = readResult{}, sendResult{}
	reg := w.reg
	for i, o := range reg.watchers {
		if o == w {
			reg.watchers = append(reg.watchers[:i], reg.watchers[i+1:]...)
			break
		}
	}
	if len(reg.watchers) == 0 {
		reg.l.unregister(reg)
	}
}

// queueIfReady puts w on the dispatch list when its fd is ready for
// something it wants.
func (w *IO) queueIfReady() {
	if !w.queued && w.reg.ready&w.interest != 0 {
		w.queued = true
		w.reg.l.again = append(w.reg.l.again, w)
	}
}

// unregister drops the kernel registration of an fd whose last watcher
// stopped. The fd may already be closed, so the error is not reported.
func (l *Loop) unregister(reg *fdReg) {
	if l.byFd[reg.fd] == reg {
		l.byFd[reg.fd] = nil
	}
	if !l.closed {
		l.poller.del(reg.fd)
	}
}
