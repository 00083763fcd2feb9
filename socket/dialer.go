package socket

import (
	"net/netip"
	"time"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// DefaultAttemptDelay is the Connection Attempt Delay of happy eyeballs:
// how long an attempt runs alone before the next address is tried
// alongside it (RFC 8305 §8 recommends 250 ms).
const DefaultAttemptDelay = 250 * time.Millisecond

// PrepareFunc is AnyEvent's prepare callback: it gets the fresh,
// non-blocking, unconnected socket of each connection attempt, before
// connect(2), so it can bind it or set options, and returns that attempt's
// connect timeout. 0 keeps [Dialer.Timeout] (for [TCPConnect], whose
// Timeout is 0: no timeout, as in AnyEvent), a positive value replaces it,
// a negative one disables it. It must not close fd.
type PrepareFunc func(fd int) time.Duration

// ConnectFunc receives the outcome of [TCPConnect] or [Dialer.Dial]: a
// connected, non-blocking, close-on-exec fd that now belongs to the
// callback and the address it is connected to (the zero AddrPort for a
// [Unix] socket), or fd -1 and an [*Error].
type ConnectFunc func(fd int, peer netip.AddrPort, err error)

// HandleFunc receives the outcome of [Dialer.DialHandle]: a [loop.Handle]
// over the connection, or nil and an error.
type HandleFunc func(h *loop.Handle, peer netip.AddrPort, err error)

// Dialer connects to hosts by name or address, as AnyEvent's tcp_connect
// does (see the package documentation for the order of addresses, the
// timeouts and happy eyeballs). The zero value is AnyEvent's behaviour
// with the loop's default resolver. A Dialer is only read by its methods,
// which copy what they need: it may be shared between loops and changed
// between calls.
type Dialer struct {
	// Resolver looks names up; nil means [DefaultResolver] of the loop
	// passed to each call.
	Resolver *dns.Resolver
	// Timeout bounds each connection attempt (each address); 0 means no
	// timeout of ours, the kernel's SYN retries decide (about two minutes
	// on Linux). Prepare may override it per attempt.
	Timeout time.Duration
	// Prepare, if set, runs for each attempt; see [PrepareFunc].
	Prepare PrepareFunc
	// Protocols lists the IP versions to use, the preferred first; empty
	// means [DefaultProtocols] (IPv4, then IPv6). See [ProtocolsFromEnv].
	Protocols []Protocol
	// HappyEyeballs interleaves the families in the address list and
	// starts the next attempt AttemptDelay after the previous one while
	// the earlier ones go on (RFC 8305 §4, §5); the first to connect wins.
	// Off, addresses are tried one at a time, all of the preferred family
	// first, as in AnyEvent.
	HappyEyeballs bool
	// AttemptDelay is the happy eyeballs Connection Attempt Delay; 0 means
	// [DefaultAttemptDelay].
	AttemptDelay time.Duration
	// TotalTimeout, if positive, bounds the whole call, name lookups
	// included, until the callback runs (an extension, spec Appendix B
	// W12; AnyEvent has per-attempt timeouts only).
	TotalTimeout time.Duration
	// NoSRV skips the SRV lookup AnyEvent makes when the service is a
	// name ("http") or "name=port" and the host is not an address.
	NoSRV bool
}

// TCPConnect is AnyEvent::Socket's tcp_connect (spec §15.1): it connects
// to host, a name, an IP address or [Unix], at service, a port number, a
// service name, "name=port" (SRV name with a fallback port) or the path of
// a Unix socket. prepare may be nil. Names are looked up with the default
// resolver of l and addresses tried one at a time, IPv4 first, each with
// the timeout prepare returns (none if it returns 0 or is nil). cb runs
// on the loop exactly once unless the returned guard is cancelled first,
// and never before TCPConnect returns; prepare may run before.
func TCPConnect(l *loop.Loop, host, service string, cb ConnectFunc, prepare PrepareFunc) *Connecting {
	d := Dialer{Prepare: prepare}
	return d.Dial(l, host, service, cb)
}

// Dial connects to host at service (see [TCPConnect] for their forms)
// with the dialer's settings, and calls cb on l with the outcome: exactly
// once unless the returned guard is cancelled first (or again after
// [Connecting.Retry]), and never before Dial returns. Prepare may run
// before Dial returns.
func (d *Dialer) Dial(l *loop.Loop, host, service string, cb ConnectFunc) *Connecting {
	c := newConnecting(l, d, host, service, cb)
	c.start()
	return c
}

// DialHandle is Dial followed by [loop.NewHandle] with opts (nil for
// defaults) on the connected fd. If opts has no Peername, the handle's is
// host, as AnyEvent::Handle's connect option sets it (TLS uses it for SNI
// and verification). If NewHandle fails, the fd is closed and cb gets the
// error.
func (d *Dialer) DialHandle(l *loop.Loop, host, service string, opts *loop.HandleOptions, cb HandleFunc) *Connecting {
	var o loop.HandleOptions
	if opts != nil {
		o = *opts
	}
	if o.Peername == "" {
		o.Peername = host
	}
	return d.Dial(l, host, service, func(fd int, peer netip.AddrPort, err error) {
		if err != nil {
			cb(nil, peer, err)
			return
		}
		h, err := loop.NewHandle(l, fd, &o)
		if err != nil {
			unix.Close(fd)
			cb(nil, peer, &Error{Op: "connect", Host: host, Service: service, Addr: peer, Err: err})
			return
		}
		cb(h, peer, nil)
	})
}

// attemptDelay returns the happy eyeballs stagger.
func (d *Dialer) attemptDelay() time.Duration {
	if d.AttemptDelay > 0 {
		return d.AttemptDelay
	}
	return DefaultAttemptDelay
}
