package loop

import (
	"sync"
	"sync/atomic"
)

// postQueue carries functions from other goroutines to the loop. Posters
// append under a mutex; the first poster after the loop drained the queue
// wakes the poller, later ones see wakePending and skip the system call, so
// a burst of N posts costs one eventfd write (runtime netpollWakeSig).
type postQueue struct {
	mu          sync.Mutex
	fns         []func()
	spare       []func()
	closed      bool
	wakePending atomic.Bool
}

// Post queues fn to run on the loop goroutine and wakes the loop. It is the
// one method of the package that is safe to call from any goroutine.
// Functions posted by one goroutine run in the order posted. Post returns
// [ErrClosed] once the loop is closed.
func (l *Loop) Post(fn func()) error {
	q := &l.posts
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return ErrClosed
	}
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
	if q.wakePending.CompareAndSwap(false, true) {
		return l.poller.wakeUp()
	}
	return nil
}

// runPosted runs what was posted. The wake flag is cleared before the queue
// is taken, so a post that lands after the swap wakes the poller again.
func (l *Loop) runPosted() bool {
	q := &l.posts
	q.wakePending.Store(false)
	q.mu.Lock()
	fns := q.fns
	q.fns, q.spare = q.spare[:0], nil
	q.mu.Unlock()
	for i, fn := range fns {
		fns[i] = nil
		if !l.closed {
			fn()
		}
	}
	q.mu.Lock()
	if q.spare == nil {
		q.spare = fns[:0]
	}
	q.mu.Unlock()
	return len(fns) > 0
}

func (q *postQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.fns = nil
	q.mu.Unlock()
}
