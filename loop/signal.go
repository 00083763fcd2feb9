package loop

import (
	"os"
	"os/signal"
)

// Signal calls a function on the loop each time a signal arrives
// (AnyEvent::signal). Several watchers may watch one signal; all of them are
// called, in the order they were started. Arrivals close together may be
// coalesced into one call, as with every Unix signal. Delivery never
// interrupts a callback: the signal is queued through [Loop.Post].
type Signal struct {
	l      *Loop
	sig    os.Signal
	cb     func()
	active bool
}

// signalHub routes the process's signals to one loop's watchers. One
// goroutine per loop receives them from os/signal while any watcher exists.
type signalHub struct {
	l        *Loop
	ch       chan os.Signal
	done     chan struct{}
	watchers map[os.Signal][]*Signal
}

// Signal starts calling cb on the loop whenever sig arrives. While any
// watcher for sig exists the signal's default action (such as terminating
// on SIGINT) is suppressed.
func (l *Loop) Signal(sig os.Signal, cb func()) *Signal {
	if l.signals == nil {
		l.signals = &signalHub{l: l, watchers: make(map[os.Signal][]*Signal)}
	}
	w := &Signal{l: l, sig: sig, cb: cb, active: true}
	l.signals.add(w)
	return w
}

// Stop ends the watcher; when the last watcher of a signal stops, the
// signal's default disposition returns. Stopping twice is harmless.
func (w *Signal) Stop() {
	if !w.active {
		return
	}
	w.active = false
	w.l.signals.remove(w)
}

func (h *signalHub) add(w *Signal) {
	if h.ch == nil {
		h.ch = make(chan os.Signal, 16)
		h.done = make(chan struct{})
		go h.forward(h.ch, h.done)
	}
	if len(h.watchers[w.sig]) == 0 {
		signal.Notify(h.ch, w.sig)
	}
	h.watchers[w.sig] = append(h.watchers[w.sig], w)
}

func (h *signalHub) remove(w *Signal) {
	list := h.watchers[w.sig]
	for i, o := range list {
		if o == w {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) > 0 {
		h.watchers[w.sig] = list
		return
	}
	delete(h.watchers, w.sig)
	signal.Stop(h.ch)
	if len(h.watchers) == 0 {
		h.shutdown()
		return
	}
	for sig := range h.watchers {
		signal.Notify(h.ch, sig)
	}
}

// forward runs on its own goroutine and posts each arrival to the loop.
func (h *signalHub) forward(ch <-chan os.Signal, done <-chan struct{}) {
	for {
		select {
		case sig := <-ch:
			if h.l.Post(func() { h.deliver(sig) }) != nil {
				return
			}
		case <-done:
			return
		}
	}
}

func (h *signalHub) deliver(sig os.Signal) {
	for _, w := range h.watchers[sig] {
		if w.active {
			w.cb()
		}
	}
}

// shutdown stops the forwarding goroutine; a later watcher starts a new one.
func (h *signalHub) shutdown() {
	if h.ch == nil {
		return
	}
	signal.Stop(h.ch)
	close(h.done)
	h.ch, h.done = nil, nil
}
