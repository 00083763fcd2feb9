package httpc

import (
	"errors"
	"os"
	"syscall"

	"github.com/anyevent-go/anyevent/loop"
	"github.com/anyevent-go/anyevent/socket"
)

// Exported sentinels: the errors callers branch on (STYLE B5.1).
var (
	// ErrTooManyRedirects is the cause of a 599 "Too many redirections":
	// the redirect budget (Options.Recurse) was negative when a request or
	// its automatic retry started.
	ErrTooManyRedirects = errors.New("httpc: Too many redirections")
	// ErrAborted matches (errors.Is) the cause of a 598: OnHeader or
	// OnBody returned Abort.
	ErrAborted = errors.New("httpc: request aborted by callback")
)

// Unexported causes whose text (after the prefix) is AnyEvent's Reason.
var (
	errOnHeader      = abortError("httpc: Request cancelled by on_header")
	errOnBody        = abortError("httpc: Request cancelled by on_body")
	errIllegalPhase  = errors.New("httpc: internal error: illegal phase transition")
	errBrokenPipe    = syscall.EPIPE
	errUnexpectedEOF = errors.New("httpc: Unexpected end-of-file")
	errNoTLS         = &parseError{"httpc: https is not supported yet", "TLS support not available on this system", 596}
)

// abortError is the cause of a 598; its text is AnyEvent's Reason.
type abortError string

func (e abortError) Error() string        { return string(e) }
func (e abortError) Is(target error) bool { return target == ErrAborted }

// errKind says how an [Error]'s status is derived.
type errKind uint8

const (
	kindIO    errKind = iota // from the phase (595/596/597)
	kindAbort                // 598: OnHeader/OnBody said Abort
	kindLocal                // 599: URL, redirects, malformed heads, config
)

// Error is the error of a failed request: where it failed and why. Its
// [Error.Status] is AnyEvent::HTTP's 59x code for it and [Error.Reason]
// AnyEvent's text, so Response.Status and Response.Reason are views of it
// (STYLE B5.2).
type Error struct {
	Phase Phase  // the phase the request was in
	Op    string // what failed: "url", "resolve", "connect", "write", "read", "timeout", "parse", "callback", "redirect"
	URL   string // the URL of the hop that failed
	Err   error  // the cause: an errno, a loop error, a *socket.Error (resolve, connect), or an httpc sentinel
	kind  errKind
}

// Error formats the error with the "httpc: " prefix.
func (e *Error) Error() string {
	return "httpc: " + e.Op + " " + e.URL + ": " + e.Reason()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Status returns AnyEvent's code: 595 for resolve, connect and proxy
// failures; 596 for TLS, write and head failures; 597 for body failures;
// 598 when a callback aborted; 599 for local problems (bad URL, redirect
// budget, malformed response head).
func (e *Error) Status() int {
	var pe *parseError
	switch {
	case e.kind == kindAbort:
		return 598
	case errors.As(e.Err, &pe):
		return pe.status()
	case e.kind == kindLocal:
		return 599
	}
	return e.Phase.status()
}

// Reason returns AnyEvent's Reason text for the error: glibc's errno
// wording ("Connection refused"), or the sentinel's text without prefix.
func (e *Error) Reason() string { return reasonOf(e.Err) }

// Timeout reports whether the request failed because the inactivity
// timeout expired.
func (e *Error) Timeout() bool {
	return errors.Is(e.Err, os.ErrDeadlineExceeded) || errors.Is(e.Err, syscall.ETIMEDOUT)
}

// reasonOf gives the AnyEvent text of a cause.
func reasonOf(err error) string {
	var pe *parseError
	if errors.As(err, &pe) {
		return pe.reason()
	}
	if se, ok := err.(*socket.Error); ok {
		// The cause, not the lookup failure that may be joined to it: a
		// name without addresses is ENXIO whatever DNS said.
		err = se.Err
	}
	var oe *loop.OpError
	if errors.As(err, &oe) {
		err = oe.Err
	}
	s := loop.ErrorText(err)
	if len(s) > 7 && s[:7] == "httpc: " {
		return s[7:]
	}
	return s
}

func newError(p Phase, op, url string, err error, kind errKind) *Error {
	return &Error{Phase: p, Op: op, URL: url, Err: err, kind: kind}
}
