package loop

// Defer arranges for fn to run on the loop after the current callback
// returns, and never before Defer itself returns (AnyEvent::postpone). It is
// how code reports an outcome it already knows, such as an early error,
// without calling back into a caller that has not yet stored its guard.
// Deferred functions run in FIFO order at the start of the next iteration
// step 2 (see the package documentation).
func (l *Loop) Defer(fn func()) {
	l.deferred = append(l.deferred, fn)
}

// runDeferred runs the deferred queue, including functions deferred while it
// runs, for at most maxDeferPasses passes. It reports whether any ran.
func (l *Loop) runDeferred() bool {
	ran := false
	for pass := 0; pass < maxDeferPasses && len(l.deferred) > 0; pass++ {
		ran = true
		l.running, l.deferred = l.deferred, l.running[:0]
		for i, fn := range l.running {
			l.running[i] = nil
			if !l.closed {
				fn()
			}
		}
		l.running = l.running[:0]
	}
	return ran
}

// closeLater schedules fn for step 7 of the iteration, after I/O dispatch:
// the second phase of a two-phase close, so memory a running callback may
// still touch stays valid until the callback has returned.
func (l *Loop) closeLater(fn func()) {
	l.closing = append(l.closing, fn)
}

func (l *Loop) runClosing() bool {
	if len(l.closing) == 0 {
		return false
	}
	for len(l.closing) > 0 {
		fns := l.closing
		l.closing = nil
		for _, fn := range fns {
			fn()
		}
	}
	return true
}
