package loop

import (
	"time"
)

// Clock supplies the loop's time. Tests inject a fake one through
// [Config.Clock]; the default reads the system clock.
type Clock interface {
	Now() time.Time
}

// Config holds the options of [NewWithConfig]; the zero value is the default.
type Config struct {
	// Clock is the source of [Loop.Now]; nil means the system clock.
	Clock Clock
	// PlainSyscalls makes every read and write of the Handles a system
	// call of its own. By default, where the kernel offers io_uring
	// (Linux), the reads of the Handles found ready by one poll are made
	// with one system call, and so are the flushes of the corked Handles
	// of one iteration; the callbacks see no difference (see the package
	// documentation and [Stats]).
	PlainSyscalls bool
	// IOCollectInterval makes the loop poll for I/O at most about once
	// per interval (libev's ev_set_io_collect_interval, which AnyEvent
	// programs on EV can set): an iteration about to wait for events
	// less than the interval after the previous poll first sleeps for
	// the rest of it, so that one wake-up collects what arrived
	// meanwhile. It trades up to the interval of latency for fewer
	// wake-ups when events stream in, as from many busy connections; a
	// loop that waited longer than the interval, or has work pending,
	// does not sleep, and timers still run on time. A [Loop.Post] or a
	// signal that comes during the sleep waits for its end. Zero (the
	// default, as in libev) polls as soon as the loop would wait.
	IOCollectInterval time.Duration
}

// Loop is a single-threaded reactor. All its methods, and the methods of
// everything created from it, must be called on the goroutine that runs it,
// except [Loop.Post]. See the package documentation for the iteration order.
type Loop struct {
	poller poller
	clock  Clock
	base   time.Time // Now() == base + now
	now    int64     // cached loop time, nanoseconds since base

	byFd   []*fdReg // registrations indexed by fd
	regGen uint32
	evbuf  []pollEvent
	again  []*IO // watchers to dispatch: ready for something they want
	batch  []*IO // the list being dispatched (reused backing array)

	timers   timerHeap
	timerSeq uint64

	deferred []func()
	running  []func() // deferred batch being run (reused backing array)
	closing  []func()
	idles    []*Idle
	posts    postQueue
	signals  *signalHub
	children *childHub
	handles  *handleShared        // scratch buffer and write chunks of the loop's Handles
	bat      *batcher             // batches the Handles' reads and writes; nil: one call each
	collect  int64                // Config.IOCollectInterval in nanoseconds
	polledAt int64                // loop time of the previous poll, with collect
	values   map[any]any          // SetValue
	onClose  []func()             // OnClose, in registration order
	owners   map[fdOwner]struct{} // Listeners and connection attempts holding an fd

	iterations uint64
	stats      Stats // Reads and Writes; Iterations is filled in by Stats
	depth      int   // > 0 while an iteration is running
	stopFlag   bool  // set by Stop, read by Run
	interrupt  bool  // a CondVar became ready: don't sleep in this iteration
	closed     bool
	shutting   bool // Close is running its OnClose functions
}

// maxDeferPasses bounds how many times one iteration re-runs callbacks that
// deferred callbacks deferred; the rest wait for the next iteration, after
// I/O has had its turn (libuv bounds its pending re-runs to 8 likewise).
const maxDeferPasses = 8

// New returns a loop that uses the system clock.
func New() (*Loop, error) { return NewWithConfig(Config{}) }

// NewWithConfig returns a loop configured by cfg.
func NewWithConfig(cfg Config) (*Loop, error) {
	p, err := newPoller()
	if err != nil {
		return nil, err
	}
	l := &Loop{poller: p, clock: cfg.Clock, evbuf: make([]pollEvent, 0, maxPollEvents)}
	if !cfg.PlainSyscalls {
		l.bat = newBatcher()
	}
	l.collect = int64(max(cfg.IOCollectInterval, 0))
	l.polledAt = -l.collect // the first poll does not sleep
	if l.clock == nil {
		l.clock = systemClock{}
	}
	l.base = l.clock.Now()
	return l, nil
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Now returns the loop's cached time, updated once per iteration: the time
// that timers are scheduled against (AnyEvent::now, libev ev_now).
func (l *Loop) Now() time.Time { return l.base.Add(time.Duration(l.now)) }

// NowUpdate refreshes the cached time, for callbacks that ran long enough
// for it to be stale (AnyEvent::now_update).
func (l *Loop) NowUpdate() {
	if n := int64(l.clock.Now().Sub(l.base)); n > l.now {
		l.now = n
	}
}

// Fd returns the poller's file descriptor (epoll or kqueue). A program with
// its own event loop can watch it for readability and then call
// [Loop.RunOnce] with block false; [Loop.Timeout] says how long that loop
// may sleep at most.
func (l *Loop) Fd() int { return l.poller.fd() }

// Timeout returns how long the loop could sleep before it has work to do:
// 0 when work is pending, the time to the next timer, or -1 when only I/O or
// a [Loop.Post] can wake it.
func (l *Loop) Timeout() time.Duration {
	switch {
	case len(l.deferred) > 0 || len(l.again) > 0 || len(l.idles) > 0 || len(l.closing) > 0 || l.corkPending() || l.stopFlag || l.interrupt:
		return 0
	case len(l.timers) > 0:
		return time.Duration(max(l.timers[0].when-l.now, 0))
	}
	return -1
}

// Run runs iterations until [Loop.Stop] is called. A Stop made before Run
// ends the first iteration. Like RunOnce, it is refused inside a callback.
func (l *Loop) Run() error {
	for {
		if err := l.RunOnce(true); err != nil {
			return err
		}
		if l.closed {
			return nil // closed by a callback
		}
		if l.stopFlag {
			l.stopFlag = false
			return nil
		}
	}
}

// RunOnce runs one iteration. With block true it sleeps until something is
// due; with block false it only collects what is ready now. Called from
// inside a loop callback it returns [ErrRecursiveWait] and runs nothing:
// the callbacks of an iteration may hold views into buffers (a handle's
// input, the batched reads) that a nested iteration would move or refill.
func (l *Loop) RunOnce(block bool) error {
	if l.closed {
		return ErrClosed
	}
	if l.depth > 0 {
		return ErrRecursiveWait
	}
	err := l.iterateOnce(block)
	if l.closed { // a callback of the iteration closed the loop
		if rerr := l.release(); err == nil {
			err = rerr
		}
	}
	return err
}

// iterateOnce runs one iteration at depth 1; a callback that panics, and
// whose panic the caller recovers, leaves the loop usable.
func (l *Loop) iterateOnce(block bool) error {
	l.depth++
	defer func() { l.depth-- }()
	l.iterations++
	return l.iterate(block)
}

// Iterations returns how many iterations the loop has run (libev
// ev_iteration): a cheap way to see that an idle loop really sleeps.
func (l *Loop) Iterations() uint64 { return l.iterations }

// Stop makes [Loop.Run] return after the current iteration. From another
// goroutine use l.Post(l.Stop).
func (l *Loop) Stop() { l.stopFlag = true }

// iterate is one pass of the order documented in doc.go.
func (l *Loop) iterate(block bool) error {
	l.interrupt = false
	l.NowUpdate()
	worked := l.runDeferred()
	if l.closed {
		return nil
	}
	l.flushCorked()
	// An iteration whose deferred functions did work does not sleep: they
	// may have changed what the caller of RunOnce is waiting for (libuv
	// UV_RUN_ONCE does the same after running pending callbacks).
	timeout := int64(0)
	if block && !worked {
		timeout = int64(l.Timeout())
	}
	if l.collect > 0 {
		timeout = l.collectIO(timeout)
	}
	evs, woken, err := l.poller.wait(l.evbuf[:0], timeout)
	if err != nil {
		return err
	}
	if woken {
		worked = l.runPosted() || worked
	}
	l.queueEvents(evs)
	worked = l.dispatchIO() || worked
	worked = l.runClosing() || worked
	l.NowUpdate()
	worked = l.runTimers() || worked
	if !worked && !l.closed {
		l.runIdle()
	}
	return nil
}

// queueEvents records the readiness reports of one poll and queues the
// watchers they concern. Reports whose generation does not match the fd's
// current registration are stale and dropped.
func (l *Loop) queueEvents(evs []pollEvent) {
	for _, e := range evs {
		fd := int(uint32(e.token))
		if fd >= len(l.byFd) {
			continue
		}
		reg := l.byFd[fd]
		if reg == nil || (e.token>>32 != 0 && uint32(e.token>>32) != reg.gen) {
			continue
		}
		reg.ready |= e.ev
		for _, w := range reg.watchers {
			w.queueIfReady()
		}
	}
}

// dispatchIO calls every queued watcher that is still active and still
// ready for something it wants. Watchers that stay ready are queued again
// for the next iteration. It reports whether any callback ran.
func (l *Loop) dispatchIO() bool {
	if len(l.again) == 0 {
		return false
	}
	bt := l.bat
	if bt != nil && len(l.again) > 1 {
		l.readAhead()
		defer bt.settle()
	}
	l.batch, l.again = l.again, l.batch[:0]
	ran := false
	for i, w := range l.batch {
		l.batch[i] = nil
		w.queued = false
		if !w.active || l.closed {
			continue
		}
		fire := w.reg.ready & w.interest
		if fire == 0 {
			continue
		}
		ran = true
		w.cb(fire)
		if w.active {
			w.queueIfReady()
		}
	}
	l.batch = l.batch[:0]
	return ran
}

// Close runs the [Loop.OnClose] functions, forgets the loop's values and
// releases the poller. The fds the loop's own objects hold are closed:
// live Handles are destroyed with their unwritten output dropped (lingering
// ones too), connection attempts cancelled, Listeners closed, and fds
// whose close waited for the end of an iteration closed. Watchers of fds
// the caller owns are abandoned. No callback runs again.
//
// Called from a callback, Close ends the iteration: no further callback of
// it runs, and RunOnce returns once it has unwound (Run returns nil).
func (l *Loop) Close() error {
	if l.closed || l.shutting {
		return nil
	}
	l.shutting = true
	l.runOnClose()
	l.releaseFds()
	l.closed = true
	if l.depth > 0 {
		return nil // RunOnce releases the rest after the iteration
	}
	return l.release()
}

// release lets go of a closed loop's poller, wake-up and batching
// resources.
func (l *Loop) release() error {
	l.posts.close()
	if l.signals != nil {
		l.signals.shutdown()
	}
	if l.bat != nil {
		l.bat.close()
		l.bat = nil
	}
	return l.poller.close()
}
