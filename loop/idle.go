package loop

// Idle calls a function on every iteration in which nothing else happened
// (AnyEvent::idle, libev ev_idle). While an idle watcher is active the loop
// polls without sleeping.
type Idle struct {
	l      *Loop
	cb     func()
	active bool
}

// Idle starts an idle watcher calling cb.
func (l *Loop) Idle(cb func()) *Idle {
	w := &Idle{l: l, cb: cb, active: true}
	l.idles = append(l.idles, w)
	return w
}

// Stop ends the watcher. Stopping twice is harmless.
func (w *Idle) Stop() {
	if !w.active {
		return
	}
	w.active = false
	idles := w.l.idles
	for i, o := range idles {
		if o == w {
			w.l.idles = append(idles[:i:i], idles[i+1:]...)
			return
		}
	}
}

func (l *Loop) runIdle() {
	idles := l.idles
	for _, w := range idles {
		if w.active && !l.closed {
			w.cb()
		}
	}
}
