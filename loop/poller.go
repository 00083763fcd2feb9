package loop

// Events is a set of readiness conditions of a file descriptor.
type Events uint8

// The readiness conditions a watcher can be interested in.
const (
	Read  Events = 1 << iota // the fd is readable, at EOF or in error
	Write                    // the fd is writable or in error
	// Hup comes with Read when the peer closed its side or the fd is in
	// error: once the buffered data is read, no more will arrive. It is
	// never cleared, so a stream that saw it is not proven drained by a
	// short read; edge-triggered pollers report data and FIN in one event.
	Hup
)

// pollEvent is one readiness report of the backend: the registration token
// given to add, and the conditions seen.
type pollEvent struct {
	token uint64
	ev    Events
}

// maxPollEvents is how many events one poll returns at most. libuv settled on
// 48 by benchmark; a larger batch only helps with thousands of hot fds, and a
// full batch simply leaves the rest for the next iteration.
const maxPollEvents = 128

// poller is the backend surface: epoll on Linux, kqueue on the BSDs.
// Registrations are edge-triggered for both directions and made once per fd
// lifetime, so steady-state traffic costs no control syscalls.
type poller interface {
	// add registers fd for edge-triggered read and write readiness; events
	// for it carry token.
	add(fd int, token uint64) error
	// del removes fd's registration.
	del(fd int) error
	// wait blocks for at most timeoutNs (< 0: indefinitely, 0: just polls)
	// and appends readiness reports to evs. woken says the wake channel fired
	// (it is reset before wait returns).
	wait(evs []pollEvent, timeoutNs int64) (out []pollEvent, woken bool, err error)
	// wakeUp makes a concurrent or later wait return. It is goroutine-safe.
	wakeUp() error
	// fd is the descriptor a host loop can watch for readability.
	fd() int
	close() error
}
