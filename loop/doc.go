// Package loop is a single-threaded reactor in the style of AnyEvent and
// libev: one goroutine owns every file descriptor, timer and callback, and
// protocols are state machines stepped by readiness events.
//
// # Threading contract
//
// A [Loop] and everything made from it (watchers, timers, handles,
// condition variables) belong to the goroutine that runs the loop. Their
// methods must be called on that goroutine, from a callback or before
// [Loop.Run] starts. The one exception is [Loop.Post], which any goroutine
// may call to have a function run on the loop. Callbacks must not block and
// must not panic: the loop does not recover (AnyEvent: "callbacks must not
// die"). Iterations do not nest: [Loop.RunOnce], [Loop.Run] and
// [CondVar.Recv] called from a callback return [ErrRecursiveWait].
//
// No callback ever runs before the call that registered it returns. An
// outcome known at once, such as an early error, is delivered through
// [Loop.Defer] (AnyEvent::postpone), so a caller can always store the watcher
// or guard it got back before its callback runs.
//
// # Iteration order
//
// [Loop.RunOnce] runs one iteration; [Loop.Run] repeats it until
// [Loop.Stop]. One iteration is:
//
//  1. Update the cached time ([Loop.Now]).
//  2. Run deferred functions in FIFO order; functions they defer run in the
//     same step, for at most 8 passes, the rest in the next iteration.
//     Then write the output queued by handles with Autocork set, as a rule
//     one send per handle, all in one system call where the loop batches
//     (this runs no callback).
//  3. Compute the poll timeout: zero if step 2 ran a deferred function or
//     anything is pending (deferred functions, watchers still ready, idle
//     watchers, a ready condition variable, a Stop), else the time to the
//     earliest timer, else forever.
//  4. Poll (epoll_wait or kevent); with an I/O collect interval, sleep
//     first when the poll would wait (see below).
//  5. Run functions posted from other goroutines, in the order posted.
//  6. Record the readiness reports and run the I/O callbacks of watchers that
//     are ready for something they want, filtered by their interest and fd
//     generation at the moment of the call: a watcher stopped by an earlier
//     callback of the same batch is not called, and events of an fd closed
//     and reused within the batch never reach the new fd's watchers.
//  7. Run closing callbacks: the second phase of two-phase closes, after
//     every callback that could still touch the closed object returned.
//  8. Update the cached time; run the expired timers in deadline order, ties
//     in start order. Timers started by these callbacks wait for the next
//     iteration even if already due.
//  9. If nothing ran in steps 2 to 8, run the idle watchers.
//
// Portable code must not rely on the order of independent events within one
// step; AnyEvent's backends differ there too.
//
// [Loop.Close] ends the loop, also from a callback, where it ends the
// iteration: nothing more of it runs. It closes every fd the loop's own
// objects hold (Handles, even lingering ones, Listeners, connection
// attempts); fds the caller registered with [Loop.IO] stay the caller's.
//
// # Readiness
//
// Each fd is registered once, edge-triggered for reading and writing, when
// its first watcher starts, and deregistered when its last one stops. The
// loop remembers what the kernel reported until an operation returns EAGAIN
// ([IO.Read], [IO.Write], [IO.ClearReady]), and calls a watcher once per
// iteration for as long as its fd is ready for something the watcher wants.
// Watchers therefore see AnyEvent's level-triggered behaviour, changing
// interest costs no system call, and a busy connection costs one read and
// one write per request, with no epoll_ctl. A [Handle] over a socket makes
// them as recv(2) and send(2) (sendmsg(2) for several queued slices), which
// skip the file layer; [Loop.Stats] counts them, with the polls.
//
// Each registration carries a generation number in its poll token; reports
// for an older registration of the same fd number are dropped.
//
// # Batched system calls
//
// On Linux the loop makes its Handles' reads and sends in batches through
// io_uring, unless [Config.PlainSyscalls] is set or the kernel refuses
// io_uring (then every call is its own, as elsewhere). Before step 6 runs
// the callbacks, the reads of the Handles that will read are made with one
// io_uring_enter; before the corked output of step 2 is written, the first
// send of each corked Handle is made with one more. Every call carries
// MSG_DONTWAIT and completes at once, with the result recv(2) or send(2)
// would have had, EAGAIN included, and the result waits on the watcher
// until the Handle's own read or write takes it; a read that the Handle
// does not take in that step becomes buffered input. So callbacks see the
// same data and errors in the same order as with one call each (data that
// arrives while earlier callbacks run may come one iteration later), and a
// keep-alive client with many connections enters the kernel about once
// per request instead of two or three times. Batching leaves out Handles
// with a TLS filter, reads larger than 16 KiB, and a lone call. [Stats]
// says how many calls were batched and in how many system calls. The
// calls of a batch that fails or falls short are made one by one, and the
// loop batches no more. Tearing a batch down interrupts the
// threads that used it, so a sleeping poll that is interrupted (EINTR)
// sleeps on for the rest of its timeout.
//
// # Collecting I/O
//
// A loop that is faster than its peers wakes for every reply: with many
// busy connections it polls once for each one or two responses, and each
// sleep and wake-up costs the scheduler and the kernel about what the
// batching above saves. [Config.IOCollectInterval] (libev's
// ev_set_io_collect_interval) trades latency for fewer wake-ups: when step
// 3 found nothing to do and the previous poll was less than the interval
// ago, step 4 sleeps for the rest of the interval (never past the next
// timer) before it polls, so that one poll gathers what arrived meanwhile.
// A loop that waited longer than the interval anyway, or has work pending,
// polls at once. [Stats] counts the sleeps and their time (Naps, Napped).
// The sleep is select(2) with no descriptors, as libev's ev_sleep: it
// lasts the interval plus the kernel's timer slack (50 µs by default on
// Linux), where time.Sleep would round it up to a millisecond; a
// [Loop.Post] or a signal that comes during it waits for its end. Zero,
// the default, as in libev, never sleeps.
//
// # Time
//
// Timers run against the loop's cached monotonic time, which an injected
// [Clock] can replace in tests. A repeating timer is rescheduled before its
// callback runs, at max(previous deadline + interval, now). Activity
// timeouts should use [Timer.Reset] (libev's ev_timer_again) or store the
// last activity and re-check on expiry, rather than stop and start.
//
// # Embedding
//
// A program with its own event loop can drive a Loop: watch [Loop.Fd] for
// readability, wake up after [Loop.Timeout] at the latest, and call
// RunOnce(false) each time. See the example of [Loop.Fd].
package loop
