package loop

import "time"

// Timer calls a function once after a delay, or repeatedly at an interval
// (AnyEvent::timer, libev ev_timer). A Timer can be re-armed any number of
// times without allocating; arming, re-arming and stopping are O(log n) in
// the number of armed timers.
//
// Timers due at the same instant fire in the order they were started. A
// repeating timer is rescheduled before its callback runs, to
// max(previous deadline + interval, now): no drift and no catch-up bursts.
type Timer struct {
	l        *Loop
	cb       func()
	when     int64 // deadline in loop-monotonic nanoseconds, valid while armed
	seq      uint64
	interval time.Duration
	index    int // position in the heap, -1 while stopped
}

// Timer starts a timer that calls cb after the delay after, then, if interval
// is positive, every interval. The callback runs on the loop, never before
// Timer returns.
func (l *Loop) Timer(after, interval time.Duration, cb func()) *Timer {
	t := l.NewTimer(cb)
	t.Start(after, interval)
	return t
}

// NewTimer returns a stopped timer that will call cb; arm it with
// [Timer.Start] or [Timer.Reset].
func (l *Loop) NewTimer(cb func()) *Timer {
	return &Timer{l: l, cb: cb, index: -1}
}

// Start arms t to fire after the delay after (counted from [Loop.Now]) and
// then every interval if interval is positive. An armed timer is moved, not
// duplicated.
func (t *Timer) Start(after, interval time.Duration) {
	t.interval = interval
	t.arm(t.l.now + int64(max(after, 0)))
}

// Reset is libev's ev_timer_again, the cheap way to push back an inactivity
// timeout: a timer with a positive interval is re-armed to fire one interval
// from now, whether it was armed or not; a timer without one is stopped.
func (t *Timer) Reset() {
	if t.interval <= 0 {
		t.Stop()
		return
	}
	t.arm(t.l.now + int64(t.interval))
}

// Stop disarms t. Stopping a stopped timer, or stopping t from its own
// callback, is harmless.
func (t *Timer) Stop() {
	if t.index >= 0 {
		t.l.timers.remove(t.index)
	}
}

// Active reports whether t is armed.
func (t *Timer) Active() bool { return t.index >= 0 }

// Interval returns the repeat interval, 0 for a one-shot timer.
func (t *Timer) Interval() time.Duration { return t.interval }

// Remaining returns how long until t fires, or 0 when it is not armed.
func (t *Timer) Remaining() time.Duration {
	if t.index < 0 {
		return 0
	}
	return time.Duration(max(t.when-t.l.now, 0))
}

func (t *Timer) arm(when int64) {
	l := t.l
	t.when = when
	t.seq = l.timerSeq
	l.timerSeq++
	if t.index >= 0 {
		l.timers.fix(t.index)
	} else {
		l.timers.push(t)
	}
}

// runTimers fires every timer due at l.now that was armed before this call;
// timers armed by these callbacks wait for the next iteration even when they
// are already due, so a callback that re-arms with zero delay cannot starve
// the loop. It reports whether any timer fired.
func (l *Loop) runTimers() bool {
	limit := l.timerSeq
	fired := false
	for len(l.timers) > 0 && !l.closed {
		top := &l.timers[0]
		if top.when > l.now || top.seq >= limit {
			break
		}
		t := top.t
		if t.interval > 0 {
			t.arm(max(t.when+int64(t.interval), l.now))
		} else {
			l.timers.remove(0)
		}
		fired = true
		t.cb()
	}
	return fired
}
