package loop

import (
	"net/netip"
	"time"

	"github.com/anyevent-go/anyevent/internal/sys"
	"golang.org/x/sys/unix"
)

// Theory of operation: a non-blocking connect (AnyEvent::Socket
// tcp_connect for one address, POSIX connect(2) "EINPROGRESS").
//
// Rules:
//  1. The callback runs exactly once, on the loop, and never before Connect
//     returns: an outcome known inside Connect (an error, or an immediate
//     success as on Unix sockets) is delivered through [Loop.Defer].
//  2. After [Connecting.Cancel] returns the callback never runs and the fd
//     is closed, whatever the phase.
//  3. The fd is handed over with no watcher of ours left on it, so the
//     caller may watch it at once; on failure it is closed and cb gets -1.
//
// States (Connecting.state) and transitions:
//
//	connWaiting --writable, SO_ERROR 0, peer known--> connDone (cb fd)
//	connWaiting --writable, SO_ERROR set------------> connDone (cb error)
//	connWaiting --timer-----------------------------> connDone (cb ErrTimeout)
//	connPending --deferred delivery-----------------> connDone (cb outcome)
//	connWaiting, connPending --Cancel---------------> connDone (no cb)
//
// Connect enters connWaiting when connect(2) says EINPROGRESS and
// connPending when it already knows the outcome.

// ConnectOptions tunes a connection attempt; nil means defaults.
type ConnectOptions struct {
	// Timeout bounds the attempt; when it expires the callback gets an
	// [OpError] wrapping [ErrTimeout]. 0 means no timeout of our own: the
	// kernel's SYN retries decide (about two minutes on Linux).
	Timeout time.Duration
	// Prepare, if set, runs after socket(2) and before connect(2) with the
	// fresh non-blocking socket, so the caller can bind it or set options
	// (AnyEvent's prepare callback, AnyEvent::HTTP on_prepare). A positive
	// result replaces Timeout, a negative one disables it, 0 keeps it.
	// Prepare runs before Connect returns; it must not close fd.
	Prepare func(fd int) time.Duration
}

// Connecting is a connection attempt in progress, returned by
// [Loop.Connect] and [Loop.ConnectUnix]; its only use is [Connecting.Cancel]
// (the guard AnyEvent's tcp_connect returns).
type Connecting struct {
	l     *Loop
	fd    int // owned by the attempt until cb runs; -1 once closed or handed over
	cb    func(fd int, err error)
	w     *IO    // write watcher while connWaiting
	timer *Timer // armed while connWaiting with a timeout
	err   error  // outcome to deliver while connPending
	state connState
}

type connState uint8

const (
	connWaiting connState = iota // connect(2) in progress
	connPending                  // outcome known, delivery deferred
	connDone                     // callback ran, or cancelled
)

// Connect opens a TCP connection to addr without blocking. IPv4-mapped IPv6
// addresses are connected over IPv4. cb runs exactly once, on the loop and
// never before Connect returns, with either a connected non-blocking
// close-on-exec fd that now belongs to cb, or fd -1 and an *[OpError] with
// Op "connect" whose Err is the [syscall.Errno] of the failure (the error of
// socket(2) too), or [ErrTimeout] when opts.Timeout expired. No goroutine is
// used.
func (l *Loop) Connect(addr netip.AddrPort, opts *ConnectOptions, cb func(fd int, err error)) *Connecting {
	c := &Connecting{l: l, fd: -1, cb: cb}
	sa, family, err := sys.Sockaddr(addr)
	if err != nil {
		c.fail(err)
		return c
	}
	c.start(family, sa, opts)
	return c
}

// ConnectUnix connects a stream socket to the Unix socket at path (on Linux,
// a path starting with "@" names an abstract socket), with the contract of
// [Loop.Connect]. Unix sockets connect at once or fail at once; a listener
// whose backlog is full fails with EAGAIN rather than blocking.
func (l *Loop) ConnectUnix(path string, opts *ConnectOptions, cb func(fd int, err error)) *Connecting {
	c := &Connecting{l: l, fd: -1, cb: cb}
	c.start(unix.AF_UNIX, &unix.SockaddrUnix{Name: path}, opts)
	return c
}

// start creates the socket, runs Prepare, calls connect(2) and enters the
// state that its result calls for.
func (c *Connecting) start(family int, sa unix.Sockaddr, opts *ConnectOptions) {
	if c.l.closed {
		c.fail(ErrClosed) // no socket: the delivery never runs on a closed loop
		return
	}
	fd, err := sys.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		c.fail(err)
		return
	}
	c.fd = fd
	c.l.own(c)
	var timeout time.Duration
	if opts != nil {
		timeout = opts.Timeout
		if opts.Prepare != nil {
			if d := opts.Prepare(fd); d != 0 {
				timeout = d
			}
		}
	}
	switch err := sys.Connect(fd, sa); err {
	case nil:
		c.state = connPending
		c.l.Defer(c.deliver)
	case unix.EINPROGRESS:
		c.wait(timeout)
	default:
		c.fail(err)
	}
}

// wait watches the fd for writability and arms the timeout.
func (c *Connecting) wait(timeout time.Duration) {
	w, err := c.l.IO(c.fd, Write, c.onWritable)
	if err != nil {
		c.fail(err)
		return
	}
	c.w = w
	c.state = connWaiting
	if timeout > 0 {
		c.timer = c.l.Timer(timeout, 0, c.onTimeout)
	}
}

// fail closes the fd and defers the delivery of err.
func (c *Connecting) fail(err error) {
	c.closeFd()
	c.err = connectError(err)
	c.state = connPending
	c.l.Defer(c.deliver)
}

// connectError reports err, which may come from socket(2), connect(2) or
// the registration of the fd, as the failure of the "connect" operation.
func connectError(err error) *OpError {
	if oe, ok := err.(*OpError); ok {
		err = oe.Err
	}
	return newOpError("connect", err)
}

// deliver runs the callback with the outcome known since Connect, unless
// the attempt was cancelled meanwhile.
func (c *Connecting) deliver() {
	if c.state != connPending {
		return
	}
	if c.err != nil {
		c.finish(-1, c.err)
		return
	}
	fd := c.fd
	c.fd = -1
	c.finish(fd, nil)
}

// onWritable reads the outcome of connect(2) (SO_ERROR). A wake-up that
// finds the socket neither failed nor connected is spurious: readiness is
// cleared and the wait goes on (AnyEvent checks getpeername likewise).
func (c *Connecting) onWritable(Events) {
	if c.state != connWaiting {
		return
	}
	err := sys.SocketError(c.fd)
	if err == nil {
		if _, perr := unix.Getpeername(c.fd); perr == unix.ENOTCONN {
			err = unix.EINPROGRESS
		}
	}
	switch err {
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR, unix.EAGAIN:
		c.w.ClearReady(Write)
		return
	case nil:
		c.stopWaiting()
		fd := c.fd
		c.fd = -1
		c.finish(fd, nil)
		return
	}
	c.stopWaiting()
	c.closeFd()
	c.finish(-1, newOpError("connect", err))
}

// onTimeout abandons an attempt that took longer than its timeout.
func (c *Connecting) onTimeout() {
	if c.state != connWaiting {
		return
	}
	c.stopWaiting()
	c.closeFd()
	c.finish(-1, newOpError("connect", ErrTimeout))
}

// Cancel abandons the attempt in whatever phase it is and closes its fd.
// After Cancel returns the callback never runs. Cancelling after the
// callback ran, or twice, does nothing; in particular it never touches an
// fd already handed to the callback.
func (c *Connecting) Cancel() {
	if c.state == connDone {
		return
	}
	if c.state == connWaiting {
		c.stopWaiting()
	}
	c.closeFd()
	c.state = connDone
	c.cb = nil
	c.l.disown(c)
}

// releaseFd cancels the attempt when its loop closes.
func (c *Connecting) releaseFd() { c.Cancel() }

func (c *Connecting) stopWaiting() {
	if c.w != nil {
		c.w.Stop()
		c.w = nil
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
}

func (c *Connecting) closeFd() {
	if c.fd >= 0 {
		unix.Close(c.fd)
		c.fd = -1
	}
}

// finish marks the attempt done and runs the callback, dropping the
// references the attempt no longer needs first.
func (c *Connecting) finish(fd int, err error) {
	c.l.disown(c)
	cb := c.cb
	c.cb = nil
	c.err = nil
	c.state = connDone
	if cb != nil {
		cb(fd, err)
	} else if fd >= 0 {
		unix.Close(fd)
	}
}
