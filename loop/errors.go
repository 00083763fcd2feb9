package loop

import (
	"errors"
	"os"
	"syscall"
	"unicode"
	"unicode/utf8"
)

var (
	// ErrClosed is returned by operations on a closed loop, watcher or handle.
	ErrClosed = errors.New("loop: use of closed object")
	// ErrRecursiveWait is returned by [CondVar.Recv], [Loop.RunOnce] and
	// [Loop.Run] when called from inside a loop callback, where waiting
	// would stall the loop forever or run callbacks under the feet of the
	// one that called (AnyEvent: "recursive blocking wait attempted").
	ErrRecursiveWait = errors.New("loop: recursive blocking wait attempted")
	// ErrTimeout is the error of an expired connect or inactivity timeout. It
	// wraps ETIMEDOUT and matches os.ErrDeadlineExceeded.
	ErrTimeout error = &timeoutError{}
)

// OpError is a failed system operation: Op names it ("connect", "read",
// "epoll_ctl"), Err is the cause, usually a [syscall.Errno].
type OpError struct {
	Op  string
	Err error
}

func newOpError(op string, err error) *OpError { return &OpError{Op: op, Err: err} }

// Error reports the operation and the cause in the C library's wording, the
// text AnyEvent users see: "loop: connect: Connection refused".
func (e *OpError) Error() string { return "loop: " + e.Op + ": " + ErrorText(e.Err) }

// Unwrap returns the cause.
func (e *OpError) Unwrap() error { return e.Err }

// Timeout reports whether the operation timed out.
func (e *OpError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.Err, &t) && t.Timeout()
}

type timeoutError struct{}

func (*timeoutError) Error() string   { return "loop: " + ErrorText(syscall.ETIMEDOUT) }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Unwrap() []error { return []error{syscall.ETIMEDOUT, os.ErrDeadlineExceeded} }

// ErrorText returns the text AnyEvent::HTTP puts in a 59x Reason for err: for
// an errno (found anywhere in err's chain) the C library's strerror wording
// ("Connection refused", not Go's "connection refused"); otherwise err's own
// text.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return Strerror(errno)
	}
	if _, ok := err.(*timeoutError); ok {
		return Strerror(syscall.ETIMEDOUT)
	}
	var op *OpError
	if errors.As(err, &op) && op.Err != nil {
		return ErrorText(op.Err) // the bare cause, as AnyEvent reports it
	}
	return err.Error()
}

// Strerror returns the C library's text for errno. Go's syscall tables carry
// the same words as glibc with a lower-case first letter, so the C text is
// Go's text with the first letter raised.
func Strerror(errno syscall.Errno) string {
	s := errno.Error()
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
