package socket

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/anyevent-go/anyevent/loop"
)

var (
	// ErrUnknownService: a service name that is neither a port number nor
	// in the services database (AnyEvent croaks "service unknown").
	ErrUnknownService = errors.New("socket: unknown service")
	// ErrBadAddress: the host of [TCPServer] is not an IP address or
	// [Unix] (AnyEvent croaks "cannot parse '…' as host address").
	ErrBadAddress = errors.New("socket: cannot parse host address")

	errBadPort = errors.New("socket: port number out of range")
)

// serviceError is a service that could not be turned into a port.
type serviceError struct {
	service string
	err     error
}

func (e *serviceError) Error() string { return e.err.Error() + " " + quote(e.service) }
func (e *serviceError) Unwrap() error { return e.err }

// Error is a failed [TCPConnect], [Dialer.Resolve] or [TCPServer]: which
// operation, for which host and service, and why. The 59x Reason text
// AnyEvent::HTTP would show is [loop.ErrorText] of the error: for example
// "No such device or address" when the host has no address (ENXIO, as
// AnyEvent sets errno), "Connection refused" or "Connection timed out".
type Error struct {
	// Op is "resolve" (no address to connect to), "connect" (every
	// address failed, or the total timeout expired) or "listen".
	Op      string
	Host    string
	Service string
	// Addr is the address of the attempt whose failure is reported (the
	// last to fail); invalid when no attempt was made or for [Unix].
	Addr netip.AddrPort
	// Err is the cause: a [syscall.Errno] such as ENXIO, an *[loop.OpError]
	// of the failed connect or listen, [loop.ErrTimeout], or an error
	// matching [ErrUnknownService] or [ErrBadAddress].
	Err error
	// Lookup is the resolver's error when a lookup failed and no address
	// was found (a *[dns.Error]); nil otherwise.
	Lookup error
}

// Error reads "socket: OP HOST:SERVICE (ADDR): REASON", with the lookup
// failure appended after a semicolon when there is one.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("socket: ")
	b.WriteString(e.Op)
	b.WriteByte(' ')
	b.WriteString(FormatHostPort(e.Host, e.Service))
	if e.Addr.IsValid() {
		b.WriteString(" (")
		b.WriteString(FormatHostPort(FormatAddress(e.Addr.Addr()), strconv.Itoa(int(e.Addr.Port()))))
		b.WriteByte(')')
	}
	b.WriteString(": ")
	b.WriteString(reason(e.Err))
	if e.Lookup != nil {
		b.WriteString("; ")
		b.WriteString(e.Lookup.Error())
	}
	return b.String()
}

// Unwrap returns Err and, if set, Lookup, so that errors.Is and errors.As
// see both; Err comes first, so an errno of Err is the one found.
func (e *Error) Unwrap() []error {
	if e.Lookup == nil {
		return []error{e.Err}
	}
	return []error{e.Err, e.Lookup}
}

// Timeout reports whether the connection attempt or the total timeout
// expired ([Dialer.Timeout], [Dialer.TotalTimeout], the prepare callback's
// timeout, or the kernel's ETIMEDOUT).
func (e *Error) Timeout() bool {
	var t interface{ Timeout() bool }
	if errors.As(e.Err, &t) && t.Timeout() {
		return true
	}
	return errors.Is(e.Err, syscall.ETIMEDOUT)
}

// reason is the text of err without a package prefix of ours.
func reason(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := loop.ErrorText(err)
	for _, p := range []string{"socket: ", "loop: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// quote quotes at most the first 64 bytes of s (STYLE B5.8).
func quote(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64]) + "…"
	}
	return strconv.Quote(s)
}
