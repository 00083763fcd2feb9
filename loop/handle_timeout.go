package loop

import (
	"math"
	"time"
)

// timeoutKind indexes the three inactivity timeouts of a handle (spec
// §17.4).
type timeoutKind int

const (
	anyActivity   timeoutKind = iota // Timeout: reset by reads and writes
	readActivity                     // RTimeout: reset by reads
	writeActivity                    // WTimeout: reset by writes
)

// timeoutOps name the timeouts in the *OpError of an expiry.
var timeoutOps = [3]string{"timeout", "rtimeout", "wtimeout"}

// handleTimeouts holds the timeouts of a handle; it exists once one was
// set, so a handle without timeouts pays for no timer.
type handleTimeouts struct {
	t  *Timer
	d  [3]time.Duration
	cb [3]HandleFunc
}

// stamp records activity of kind k (readActivity or writeActivity), which
// is also activity of any kind. Timers are not touched: the timer re-checks
// the stamps when it fires (libev "be smart about timeouts").
func (h *Handle) stamp(k timeoutKind) {
	h.last[anyActivity] = h.l.now
	h.last[k] = h.l.now
}

func (h *Handle) setTimeouts(o *HandleOptions) {
	if o.Timeout <= 0 && o.RTimeout <= 0 && o.WTimeout <= 0 &&
		o.OnTimeout == nil && o.OnRTimeout == nil && o.OnWTimeout == nil {
		return
	}
	tm := h.timeouts()
	tm.d = [3]time.Duration{max(o.Timeout, 0), max(o.RTimeout, 0), max(o.WTimeout, 0)}
	tm.cb = [3]HandleFunc{o.OnTimeout, o.OnRTimeout, o.OnWTimeout}
	h.rearm()
}

func (h *Handle) timeouts() *handleTimeouts {
	if h.tmo == nil {
		h.tmo = &handleTimeouts{t: h.l.NewTimer(h.onTimer)}
	}
	return h.tmo
}

// SetTimeout changes the inactivity timeout reset by reads and writes; 0
// (or a negative value) disables it. The new value counts from the last
// activity, as if it had always been in force. A timeout that has already
// expired fires on the loop after SetTimeout returns (AnyEvent fires it
// during the call).
func (h *Handle) SetTimeout(d time.Duration) { h.setTimeout(anyActivity, d) }

// SetRTimeout changes the inactivity timeout reset by reads; see
// [Handle.SetTimeout].
func (h *Handle) SetRTimeout(d time.Duration) { h.setTimeout(readActivity, d) }

// SetWTimeout changes the inactivity timeout reset by writes; see
// [Handle.SetTimeout].
func (h *Handle) SetWTimeout(d time.Duration) { h.setTimeout(writeActivity, d) }

func (h *Handle) setTimeout(k timeoutKind, d time.Duration) {
	if h.destroyed || (h.tmo == nil && d <= 0) {
		return
	}
	tm := h.timeouts()
	old := tm.d[k]
	tm.d[k] = max(d, 0)
	// A longer timeout cannot bring the earliest deadline forward, and the
	// armed timer fires no later than that (rearm): nothing to do.
	if old > 0 && d >= old && tm.t.Active() {
		return
	}
	h.rearm()
}

// SetOnTimeout replaces the callback of an expired Timeout; nil restores
// the ETIMEDOUT error.
func (h *Handle) SetOnTimeout(cb HandleFunc) { h.setOnTimeout(anyActivity, cb) }

// SetOnRTimeout replaces the callback of an expired RTimeout.
func (h *Handle) SetOnRTimeout(cb HandleFunc) { h.setOnTimeout(readActivity, cb) }

// SetOnWTimeout replaces the callback of an expired WTimeout.
func (h *Handle) SetOnWTimeout(cb HandleFunc) { h.setOnTimeout(writeActivity, cb) }

func (h *Handle) setOnTimeout(k timeoutKind, cb HandleFunc) {
	if h.destroyed || (h.tmo == nil && cb == nil) {
		return
	}
	h.timeouts().cb[k] = cb
}

// TimeoutReset restarts the Timeout period as if I/O had just happened.
func (h *Handle) TimeoutReset() { h.resetActivity(anyActivity) }

// RTimeoutReset restarts the RTimeout period.
func (h *Handle) RTimeoutReset() { h.resetActivity(readActivity) }

// WTimeoutReset restarts the WTimeout period.
func (h *Handle) WTimeoutReset() { h.resetActivity(writeActivity) }

func (h *Handle) resetActivity(k timeoutKind) {
	if !h.destroyed {
		h.last[k] = h.l.now
	}
}

// rearm makes the timer fire no later than the earliest deadline, or stops
// it when every timeout is disabled. A timer already armed for that
// deadline or an earlier one is left alone: when it fires, onTimer finds
// nothing expired and re-arms for the rest (libev's lazy timeouts). So a
// SetTimeout that lengthens or keeps a timeout, as a keep-alive client does
// twice per request, costs no heap move; only a shorter one moves the
// timer, so that it fires on time.
func (h *Handle) rearm() {
	tm := h.tmo
	next := int64(math.MaxInt64)
	for k, d := range tm.d {
		if d > 0 {
			next = min(next, h.last[k]+int64(d))
		}
	}
	if next == math.MaxInt64 {
		tm.t.Stop()
		return
	}
	if tm.t.Active() && tm.t.when <= next {
		return
	}
	tm.t.Start(time.Duration(next-h.l.now), 0)
}

// onTimer handles every timeout that expired: its activity time becomes
// now, then its callback runs, or a non-fatal ETIMEDOUT error is raised;
// a timeout still enabled afterwards waits a full period again.
func (h *Handle) onTimer() {
	for k := range timeoutOps {
		tm := h.tmo
		if h.destroyed || tm == nil {
			return
		}
		d := tm.d[k]
		if d <= 0 || h.l.now < h.last[k]+int64(d) {
			continue
		}
		h.last[k] = h.l.now
		if cb := tm.cb[k]; cb != nil {
			cb(h)
		} else {
			h.raise(newOpError(timeoutOps[k], ErrTimeout), false)
		}
	}
	if !h.destroyed && h.tmo != nil {
		h.rearm()
	}
}
