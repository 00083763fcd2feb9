package loop

import (
	"time"

	"golang.org/x/sys/unix"
)

// collectIO is called before every poll of a loop with an I/O collect
// interval, with the time the poll may wait in nanoseconds from the
// loop's time (0: not at all, -1: without end). When the poll may wait
// and the previous poll was less than the interval ago, it sleeps for the
// rest of the interval, or until the next timer if that comes first, and
// returns what is left of the timeout for the poll: the events that
// arrived during the sleep are all found by that one poll. Both the sleep
// and the timeout are measured on the loop's clock, as timers are.
func (l *Loop) collectIO(timeout int64) int64 {
	if timeout == 0 {
		l.polledAt = l.now
		return 0
	}
	// The work done since the iteration began (the corked flush) counts
	// toward the interval: libev too updates its time before it sleeps.
	before := l.now
	l.NowUpdate()
	nap := l.collect - (l.now - l.polledAt)
	if timeout > 0 {
		timeout = max(timeout-(l.now-before), 0)
		nap = min(nap, timeout)
	}
	if nap > 0 {
		start := l.now
		napFor(nap)
		l.NowUpdate()
		slept := l.now - start
		l.stats.Naps++
		l.stats.Napped += time.Duration(slept)
		if timeout > 0 {
			timeout = max(timeout-slept, 0)
		}
	}
	l.polledAt = l.now
	return timeout
}

// napFor sleeps for d nanoseconds, or later by the kernel's timer slack
// (50 µs by default on Linux), as libev's ev_sleep does. It blocks the
// thread in select(2), which Linux and the BSDs all have with microsecond
// resolution; time.Sleep would not do, since the Go runtime rounds the
// sleep of a lone goroutine up to a millisecond on Linux. A signal does
// not cut the sleep short.
func napFor(d int64) {
	end := time.Now().Add(time.Duration(d))
	for d > 0 {
		tv := unix.NsecToTimeval(d + int64(time.Microsecond) - 1) // rounded up
		if _, err := unix.Select(0, nil, nil, nil, &tv); err != unix.EINTR {
			return
		}
		d = int64(time.Until(end))
	}
}
