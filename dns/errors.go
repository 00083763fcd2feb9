package dns

import (
	"errors"
	"net/netip"
	"os"
	"strings"

	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/dns/dnsmessage"
)

// The sentinel errors a caller may branch on. A failed lookup reports an
// [*Error] wrapping one of them (or a system error such as
// syscall.ECONNREFUSED); test with errors.Is.
var (
	// ErrNXDomain: the name does not exist (RCODE NXDOMAIN, RFC 1035 §4.1.1).
	ErrNXDomain = errors.New("dns: no such host")
	// ErrNoData: the name exists but has no records of the requested type
	// (NOERROR with an empty answer, RFC 2308 §2.2).
	ErrNoData = errors.New("dns: no records of the requested type")
	// ErrServFail: every server asked answered SERVFAIL.
	ErrServFail = errors.New("dns: server failure")
	// ErrRefused: the servers refused the query (RCODE REFUSED).
	ErrRefused = errors.New("dns: query refused")
	// ErrTimeout: no server answered within the retry schedule. It
	// implements Timeout() and matches os.ErrDeadlineExceeded.
	ErrTimeout error = &timeoutError{}
	// ErrNoServers: the configuration names no nameserver. The resolver
	// never falls back to public servers (AnyEvent::DNS does, spec §16.2).
	ErrNoServers = errors.New("dns: no nameservers configured")
	// ErrInvalidName: the name is empty, has an empty label, a label longer
	// than 63 bytes or more than 253 bytes in all (RFC 1035 §2.3.4).
	ErrInvalidName = errors.New("dns: invalid domain name")
	// ErrClosed: the resolver was closed.
	ErrClosed = errors.New("dns: resolver closed")
	// ErrCNAMELoop: a CNAME chain was longer than [MaxCNAMEHops].
	ErrCNAMELoop = errors.New("dns: too many CNAME hops")
)

type timeoutError struct{}

func (*timeoutError) Error() string   { return "dns: timed out" }
func (*timeoutError) Timeout() bool   { return true }
func (*timeoutError) Unwrap() []error { return []error{os.ErrDeadlineExceeded} }

// rcodeError reports a response code with no sentinel of its own (FORMERR,
// NOTIMP, and the rest).
type rcodeError dnsmessage.RCode

func (e rcodeError) Error() string {
	return "dns: server answered " + strings.TrimPrefix(dnsmessage.RCode(e).String(), "RCode")
}

// errorForRCode maps a failure RCODE to its error.
func errorForRCode(rc dnsmessage.RCode) error {
	switch rc {
	case dnsmessage.RCodeServerFailure:
		return ErrServFail
	case dnsmessage.RCodeRefused:
		return ErrRefused
	case dnsmessage.RCodeNameError:
		return ErrNXDomain
	}
	return rcodeError(rc)
}

// Error is a failed lookup: which name, which server decided, and why.
type Error struct {
	Name   string         // the name looked up, as the caller gave it
	Server netip.AddrPort // the server whose answer or silence decided; invalid when none did
	Err    error          // a sentinel of this package or a system error
}

// Error reads "dns: lookup NAME on SERVER: REASON".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("dns: lookup ")
	b.WriteString(e.Name)
	if e.Server.IsValid() {
		b.WriteString(" on ")
		b.WriteString(e.Server.String())
	}
	b.WriteString(": ")
	b.WriteString(reason(e.Err))
	return b.String()
}

// reason is the text of err without the package prefix of our sentinels.
func reason(err error) string {
	if err == nil {
		return "<nil>"
	}
	return strings.TrimPrefix(loop.ErrorText(err), "dns: ")
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether the lookup failed because no server answered.
func (e *Error) Timeout() bool { return errors.Is(e.Err, ErrTimeout) }

// NotFound reports whether the name does not exist or has no records of
// the type asked for: a definite answer, not a failure to get one.
func (e *Error) NotFound() bool {
	return errors.Is(e.Err, ErrNXDomain) || errors.Is(e.Err, ErrNoData)
}
