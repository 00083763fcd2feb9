package loop

import (
	"errors"
	"io"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Theory of operation: Handle is AnyEvent::Handle over a non-blocking
// stream fd (spec §17), stepped by one IO watcher and at most one Timer.
//
// Rules:
//  1. Every user callback runs on the loop, never from inside the method
//     that caused it: Write, PushRead, SetOnRead, SetOnDrain and StartTLS
//     only record work and let [Loop.Defer] run it (one bound function per
//     handle, so deferring allocates nothing). The one exception is a
//     reader pushed from inside a read callback of the same handle: the
//     running drain absorbs it, as AnyEvent's _drain_rbuf does.
//  2. After every user callback the handle re-checks h.destroyed and stops
//     if a callback destroyed it (STYLE B6.6).
//  3. Input is read into a scratch buffer owned by the loop and shared by
//     all its handles; readers run on it in place. Only bytes left
//     unconsumed when the read ends are copied into a buffer of the handle,
//     which is dropped as soon as it is empty. A handle that holds no
//     partial message holds no read buffer.
//  4. Output is written at once when the socket can take it; only the rest
//     is queued (copied, or owned with WriteOwned) and flushed with writev.
//     An empty queue holds no buffer.
//  5. Inactivity timeouts only stamp the time of the last read and write;
//     one timer fires at the earliest deadline and re-checks (libev "be
//     smart about timeouts"). Changing a timeout moves the timer only when
//     the deadline gets earlier.
//
// States: open (reading only while something wants data: the read queue,
// OnRead, or a filter), EOF seen (no more reads; every drain reports it),
// destroyed (callbacks and buffers gone; lingering while queued output
// is still flushed, then the fd is closed).

// Defaults of [HandleOptions], AnyEvent::Handle's values (spec §17.1).
const (
	// DefaultReadSize is the first read size; it doubles each time a read
	// fills it. Small, because most connections carry small messages.
	DefaultReadSize = 2048
	// DefaultMaxReadSize caps the doubling: larger reads save few system
	// calls and cost latency for the other handles of the loop.
	DefaultMaxReadSize = 131072
	// DefaultLinger is how long a destroyed handle keeps flushing queued
	// output before it closes the fd (AnyEvent: one hour).
	DefaultLinger = 3600 * time.Second
)

// handleReadBudget is how many bytes one readiness callback reads from one
// handle at most before it returns and lets the other ready handles of the
// loop have their turn (STYLE B6.7, gnet EdgeTriggeredIOChunk). The loop
// calls a handle that is still readable again on the next iteration. One
// maximal read, or sixty-four default ones.
const handleReadBudget = DefaultMaxReadSize

// HandleFunc is the type of the callbacks that get only the handle: OnRead,
// OnEOF, OnDrain and the timeout callbacks.
type HandleFunc func(h *Handle)

// ErrorFunc is the type of [HandleOptions.OnError]. err is an [*OpError]
// whose cause is an errno where there is one, so [ErrorText] gives
// AnyEvent's message; fatal says the handle is destroyed when the callback
// returns.
type ErrorFunc func(h *Handle, fatal bool, err error)

// StartTLSFunc is the type of [HandleOptions.OnStartTLS]: ok reports the
// outcome of the handshake started by [Handle.StartTLS], err its failure.
type StartTLSFunc func(h *Handle, ok bool, err error)

// HandleOptions configures [NewHandle]; the zero value gives AnyEvent's
// defaults. The handle copies what it needs and does not keep the struct.
type HandleOptions struct {
	// OnError receives read, write, buffer-limit, timeout and filter
	// errors. Without it every error destroys the handle (AnyEvent croaks).
	// Before a write that failed because the peer is gone (EPIPE,
	// ECONNRESET) is reported, a plain handle that wants input reads what
	// the socket still holds, so that a peer's last words reach the
	// readers (AnyEvent reports the error at once).
	OnError ErrorFunc
	// OnEOF is called when the peer closed and no reader waits for data.
	// Without it end-of-file is a fatal error matching io.ErrUnexpectedEOF
	// (AnyEvent: "Unexpected end-of-file").
	OnEOF HandleFunc
	// OnRead is the default reader: it runs when data is buffered and the
	// read queue is empty, and works on [Handle.RBuf] and [Handle.Consume].
	// The data is a view valid only until OnRead returns.
	OnRead HandleFunc
	// OnDrain is called when the queued output shrinks to LowWaterMark
	// bytes or fewer after a write, and once soon after it is set while
	// that is already true.
	OnDrain HandleFunc
	// OnStartTLS reports the outcome of the handshake of [Handle.StartTLS].
	// Without it a failed handshake is a fatal EPROTO error.
	OnStartTLS StartTLSFunc

	// Timeout, RTimeout and WTimeout are inactivity timeouts reset by any
	// I/O, by reads, and by writes; 0 disables, negative values count as 0.
	Timeout, RTimeout, WTimeout time.Duration
	// OnTimeout, OnRTimeout and OnWTimeout replace the non-fatal ETIMEDOUT
	// error that an expired timeout raises otherwise.
	OnTimeout, OnRTimeout, OnWTimeout HandleFunc

	// RBufMax bounds the unconsumed input after a drain; more is a fatal
	// ENOSPC error. 0 means no limit.
	RBufMax int
	// WBufMax bounds the queued output after a write; more is a fatal
	// ENOSPC error. 0 means no limit.
	WBufMax int
	// ReadSize is the first read size, 0 means DefaultReadSize.
	ReadSize int
	// MaxReadSize caps the read size, 0 means DefaultMaxReadSize (or
	// ReadSize if that is larger).
	MaxReadSize int
	// LowWaterMark is the queued-output size at or below which OnDrain runs.
	LowWaterMark int
	// Linger bounds how long a destroyed handle keeps flushing queued
	// output; 0 means DefaultLinger, negative means not at all.
	Linger time.Duration

	// NoDelay sets TCP_NODELAY, KeepAlive sets SO_KEEPALIVE (only when
	// true, as in AnyEvent).
	NoDelay, KeepAlive bool
	// Autocork queues every write instead of trying write(2) at once; the
	// loop makes the queued writes of all corked handles together, as a
	// rule one system call per handle, just before it polls again (see
	// handle_cork.go). A client that issues requests from its response
	// callbacks sends them in one burst per iteration this way.
	Autocork bool
	// Peername names the peer for a TLS filter (SNI, host verification).
	Peername string
}

// Handle is a buffered, non-blocking stream over an fd: AnyEvent::Handle.
// It reads only while something wants data, queues readers, writes with an
// optimistic write(2) and a writev-flushed queue, watches inactivity, and
// can run its bytes through a [Filter] such as a TLS engine. A Handle
// belongs to its loop's goroutine, except [Handle.Wake]. No method calls
// back before it returns, and every method of a destroyed handle is a
// no-op.
type Handle struct {
	l  *Loop
	sh *handleShared // the loop's scratch buffer and write-chunk pool
	w  *IO
	fd int

	// Read side, written by the read path and by the reader methods.
	rbuf        []byte // input: rbuf[roff:] is unconsumed; may alias sh.scratch
	roff        int
	consumed    uint64 // bytes consumed since creation, for resumable readers
	queue       []Reader
	onRead      HandleFunc
	onEOF       HandleFunc
	readSize    int
	maxReadSize int
	rbufMax     int
	onScratch   bool // rbuf aliases sh.scratch
	holdInput   bool // a read loop runs: keep rbuf where it is until it ends
	reading     bool // AnyEvent's _rw: something wants data
	draining    bool // recursion guard of drain
	eof         bool // end of the stream seen by the readers

	// Write side, written by Write and the flush path.
	wq        writeQueue // bytes for the fd, in order
	written   uint64     // bytes written to the fd since creation
	onDrain   HandleFunc
	lowWater  int
	wbufMax   int
	autocork  bool
	corked    bool // on the loop's cork list
	wblocked  bool // the last write hit EAGAIN or was short: wait for Write
	shutdown  bool // Shutdown requested: half-close once the queue is empty
	shutDone  bool
	lingering bool
	lingerT   *Timer // ends lingering

	// Deferred work (Rule 1), run by deferFn.
	deferFn  func()
	deferred deferBits
	pendErr  error // fatal error found where no callback may run

	onError ErrorFunc
	last    [3]int64 // loop time of the last activity per timeoutKind
	tmo     *handleTimeouts
	fs      *filterState
	onTLS   StartTLSFunc
	wakeSet atomic.Bool // a Wake is posted and not yet run

	linger    time.Duration
	peername  string
	destroyed bool
}

// deferBits are the kinds of work a handle has deferred.
type deferBits uint8

const (
	deferDrain  deferBits = 1 << iota // run the readers (PushRead, SetOnRead)
	deferNotify                       // call OnDrain if the queue is low
	deferFilter                       // drive the filter (StartTLS)
)

var errNotStream = errors.New("loop: only stream sockets are supported by Handle")

// NewHandle makes a handle of l over fd, an open stream socket, pipe or
// terminal, which it sets non-blocking and closes when it is destroyed; on
// error the fd stays the caller's. opts may be nil. No callback runs before
// NewHandle returns.
func NewHandle(l *Loop, fd int, opts *HandleOptions) (*Handle, error) {
	if opts == nil {
		opts = &HandleOptions{}
	}
	socket, err := checkStream(fd)
	if err != nil {
		return nil, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		return nil, newOpError("fcntl", err)
	}
	if err := setSockopts(fd, opts); err != nil {
		return nil, err
	}
	h := &Handle{l: l, sh: sharedOf(l), fd: fd}
	h.configure(opts)
	w, err := l.IO(fd, 0, h.onIO)
	if err != nil {
		return nil, err
	}
	h.w = w
	w.socket, w.h = socket, h
	h.last = [3]int64{l.now, l.now, l.now}
	h.setTimeouts(opts)
	h.reading = h.onRead != nil
	h.updateInterest()
	if h.onDrain != nil {
		h.deferWork(deferNotify)
	}
	return h, nil
}

func (h *Handle) configure(o *HandleOptions) {
	h.onError, h.onEOF, h.onRead, h.onDrain, h.onTLS = o.OnError, o.OnEOF, o.OnRead, o.OnDrain, o.OnStartTLS
	h.rbufMax, h.wbufMax = max(o.RBufMax, 0), max(o.WBufMax, 0)
	h.lowWater, h.autocork, h.peername = max(o.LowWaterMark, 0), o.Autocork, o.Peername
	h.readSize = o.ReadSize
	if h.readSize <= 0 {
		h.readSize = DefaultReadSize
	}
	h.maxReadSize = o.MaxReadSize
	if h.maxReadSize <= 0 {
		h.maxReadSize = DefaultMaxReadSize
	}
	h.maxReadSize = max(h.maxReadSize, h.readSize)
	h.linger = lingerOf(o.Linger)
}

// lingerOf is the linger period of [HandleOptions.Linger] d: 0 means
// DefaultLinger, and a negative d none (0 here).
func lingerOf(d time.Duration) time.Duration {
	if d == 0 {
		return DefaultLinger
	}
	return max(d, 0)
}

// checkStream refuses sockets that are not SOCK_STREAM (AnyEvent: "only
// stream sockets supported"); pipes and terminals are fine. socket reports
// a stream socket.
func checkStream(fd int) (socket bool, err error) {
	typ, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_TYPE)
	switch {
	case err == unix.ENOTSOCK:
		return false, nil
	case err != nil:
		return false, newOpError("getsockopt", err)
	case typ != unix.SOCK_STREAM:
		return false, errNotStream
	}
	return true, nil
}

func setSockopts(fd int, o *HandleOptions) error {
	if o.NoDelay {
		if err := setNoDelay(fd, true); err != nil {
			return err
		}
	}
	if o.KeepAlive {
		if err := setKeepAlive(fd, true); err != nil {
			return err
		}
	}
	return nil
}

func setNoDelay(fd int, on bool) error {
	if err := unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, boolInt(on)); err != nil {
		return newOpError("setsockopt", err)
	}
	return nil
}

func setKeepAlive(fd int, on bool) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, boolInt(on)); err != nil {
		return newOpError("setsockopt", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Fd returns the handle's file descriptor, or -1 once it is destroyed.
func (h *Handle) Fd() int {
	if h.destroyed {
		return -1
	}
	return h.fd
}

// Loop returns the loop the handle belongs to.
func (h *Handle) Loop() *Loop { return h.l }

// Destroyed reports whether [Handle.Destroy] ran, by the user or after a
// fatal error.
func (h *Handle) Destroyed() bool { return h.destroyed }

// Peername returns [HandleOptions.Peername].
func (h *Handle) Peername() string { return h.peername }

// SetOnError replaces the error callback.
func (h *Handle) SetOnError(cb ErrorFunc) {
	if !h.destroyed {
		h.onError = cb
	}
}

// SetOnEOF replaces the end-of-file callback.
func (h *Handle) SetOnEOF(cb HandleFunc) {
	if !h.destroyed {
		h.onEOF = cb
	}
}

// SetOnStartTLS replaces the callback of [Handle.StartTLS].
func (h *Handle) SetOnStartTLS(cb StartTLSFunc) {
	if !h.destroyed {
		h.onTLS = cb
	}
}

// SetRBufMax changes [HandleOptions.RBufMax]; it is checked after the next
// drain.
func (h *Handle) SetRBufMax(n int) {
	if !h.destroyed {
		h.rbufMax = max(n, 0)
	}
}

// SetLinger changes [HandleOptions.Linger] for a later Destroy: 0 means
// DefaultLinger, negative means that queued output is dropped.
func (h *Handle) SetLinger(d time.Duration) {
	if !h.destroyed {
		h.linger = lingerOf(d)
	}
}

// RBufMax reports the handle's current read buffer limit (0: none).
func (h *Handle) RBufMax() int { return h.rbufMax }

// SetWBufMax changes [HandleOptions.WBufMax]; it is checked after the next
// write.
func (h *Handle) SetWBufMax(n int) {
	if !h.destroyed {
		h.wbufMax = max(n, 0)
	}
}

// SetAutocork changes [HandleOptions.Autocork].
func (h *Handle) SetAutocork(on bool) {
	if !h.destroyed {
		h.autocork = on
	}
}

// SetNoDelay sets or clears TCP_NODELAY.
func (h *Handle) SetNoDelay(on bool) error {
	if h.destroyed {
		return nil
	}
	return setNoDelay(h.fd, on)
}

// SetKeepAlive sets or clears SO_KEEPALIVE.
func (h *Handle) SetKeepAlive(on bool) error {
	if h.destroyed {
		return nil
	}
	return setKeepAlive(h.fd, on)
}

// deferWork records work for the handle's deferred function and schedules
// it once (Rule 1). The bound function is made on first use.
func (h *Handle) deferWork(b deferBits) {
	if h.deferred == 0 {
		if h.deferFn == nil {
			h.deferFn = h.runDeferred
		}
		h.l.Defer(h.deferFn)
	}
	h.deferred |= b
}

// failLater records a fatal error found inside a method that must not call
// back; the deferred function reports it. Later errors are dropped.
func (h *Handle) failLater(err error) {
	if h.pendErr == nil {
		h.pendErr = err
	}
	if h.deferred == 0 {
		h.deferWork(deferNotify)
	}
}

func (h *Handle) runDeferred() {
	bits := h.deferred
	h.deferred = 0
	if h.destroyed {
		return
	}
	if err := h.pendErr; err != nil {
		h.pendErr = nil
		h.raiseWriteError(err)
		return
	}
	if bits&deferFilter != 0 && h.fs != nil {
		h.driveFilter()
	}
	if bits&deferDrain != 0 && !h.destroyed {
		h.drain()
		h.updateInterest()
	}
	if bits&deferNotify != 0 && !h.destroyed {
		h.notifyDrain()
	}
}

// raise reports err to OnError and destroys the handle after a fatal one,
// or after any error when there is no OnError (spec §17.8).
func (h *Handle) raise(err error, fatal bool) {
	if h.destroyed {
		return
	}
	if h.onError == nil {
		h.Destroy()
		return
	}
	h.onError(h, fatal, err)
	if fatal {
		h.Destroy()
	}
}

// eofError is the cause of a fatal end-of-file without OnEOF. Its text is
// AnyEvent's message, since [OpError] already carries the "loop: " prefix.
type eofError struct{}

func (eofError) Error() string        { return "Unexpected end-of-file" }
func (eofError) Is(target error) bool { return target == io.ErrUnexpectedEOF }

// errnoError makes the *OpError of a handle failure with an errno cause.
func errnoError(op string, errno syscall.Errno) error { return newOpError(op, errno) }

// onIO is the watcher callback: flush first (it may free the peer to send
// more), then read.
func (h *Handle) onIO(ev Events) {
	if h.lingering {
		h.lingerFlush()
		return
	}
	if ev&Write != 0 {
		h.wblocked = false
		h.flushFromLoop()
		if h.destroyed {
			return
		}
	}
	if ev&Read != 0 && h.wantsRead() {
		if h.fs != nil {
			h.readFiltered()
		} else {
			h.readPlain()
		}
	}
	if !h.destroyed {
		h.updateInterest()
	}
}

// updateInterest derives the watcher's interest from the handle's state.
// A destroyed handle's watcher is stopped or lingering, and left alone.
func (h *Handle) updateInterest() {
	if h.destroyed {
		return
	}
	var ev Events
	if h.wantsRead() {
		ev |= Read
	}
	// Corked output waits for the flush before the next poll, unless the
	// socket is full: then only write readiness can move it.
	if h.outPending() > 0 && (!h.corked || h.wblocked) {
		ev |= Write
	}
	if ev != h.w.Interest() {
		h.w.SetInterest(ev)
	}
}

// wantsRead reports whether the handle reads from the fd now: while a
// filter is active always (TLS is not half-duplex), else while something
// wants data (spec §17.2, backpressure).
func (h *Handle) wantsRead() bool {
	if h.fs != nil {
		return !h.fs.fdEOF
	}
	return h.reading && !h.eof
}
