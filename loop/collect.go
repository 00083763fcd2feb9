package loop

import "time"

// collectIO is called before every poll of a loop with an I/O collect
// interval, with the time the poll may wait in nanoseconds (0: not at all,
// -1: without end). When the poll may wait and the previous poll was less
// than the interval ago, it sleeps for the rest of the interval, or until
// the next timer if that comes first, and returns what is left of the
// timeout for the poll: the events that arrived during the sleep are all
// found by that one poll.
func (l *Loop) collectIO(timeout int64) int64 {
	nap := l.collect - (l.now - l.polledAt)
	if timeout == 0 {
		nap = 0
	} else if timeout > 0 {
		nap = min(nap, timeout)
	}
	if nap > 0 {
		l.stats.Naps++
		time.Sleep(time.Duration(nap))
		before := l.now
		l.NowUpdate()
		if timeout > 0 {
			// time.Sleep slept at least nap, whatever the loop's clock says.
			timeout = max(timeout-max(l.now-before, nap), 0)
		}
	}
	l.polledAt = l.now
	return timeout
}
