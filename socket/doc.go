// Package socket is AnyEvent::Socket on a [loop.Loop]: connecting to a host
// by name or address ([TCPConnect], [Dialer]), listening ([TCPServer]), and
// AnyEvent's address helpers ([ParseHostPort], [FormatHostPort],
// [ParseAddress], [FormatAddress], [ParseIPv4], [ParseIPv6],
// [FormatIPv6]).
//
// # Threading
//
// Everything here belongs to the goroutine of the loop it was given, like
// the loop itself; there are no goroutines. Callbacks run on the loop,
// exactly once unless cancelled (a connection callback once more after each
// [Connecting.Retry]), and never before the call that registered them
// returns. A prepare callback is different: it runs inside the call that
// makes the socket, possibly before [TCPConnect] returns, as in AnyEvent.
//
// # Connecting
//
// A connection goes through two phases, each cancellable by
// [Connecting.Cancel] without leaking a file descriptor:
//
//  1. Resolve ([Dialer.Resolve], AnyEvent's resolve_sockaddr). The service
//     is a port number, a service name (/etc/services, then a built-in
//     table), or "name=port". The host "localhost" is 127.0.0.1 and ::1
//     without any lookup; an IP address (any [ParseAddress] form, or IPv6
//     with a zone) is itself; a name is looked up with the dns.Resolver,
//     after an SRV lookup of _service._tcp.host when the service is a name
//     (see [Dialer.NoSRV]). The addresses are ordered by protocol
//     preference (IPv4 first by default, see [Dialer.Protocols]), then as
//     the lookups returned them. No address is the error ENXIO, which
//     [loop.ErrorText] renders as AnyEvent does: "No such device or
//     address".
//  2. Connect. Without happy eyeballs (the default, AnyEvent's way) the
//     addresses are tried one at a time, each with the timeout of
//     [Dialer.Timeout] or of the prepare callback, and the error reported
//     when all fail is the last attempt's ("Connection refused",
//     "Connection timed out"). With [Dialer.HappyEyeballs] (RFC 8305) the
//     address families alternate and a new attempt starts every
//     [Dialer.AttemptDelay] (or at once when one fails) while the earlier
//     ones continue; the first to connect wins and the others are
//     cancelled. [Dialer.TotalTimeout] optionally bounds both phases.
//
// The connection callback gets a connected, non-blocking fd, which it
// owns; [Dialer.DialHandle] wraps it in a [loop.Handle] instead.
//
// # Differences from AnyEvent::Socket
//
//   - Names are looked up with [dns.Resolver.LookupNetIP], which trusts the
//     hosts file over DNS (glibc's order); AnyEvent asks DNS first and
//     uses the hosts file only for a family DNS had no address of.
//   - The protocol preference is [Dialer.Protocols], not the environment;
//     [ProtocolsFromEnv] reads PERL_ANYEVENT_PROTOCOLS for those who want
//     it.
//   - Errors are values, not exceptions or errno: an [*Error] whose cause
//     carries the errno, so [loop.ErrorText] gives AnyEvent's wording.
//   - Addresses are [netip.Addr] values: [ParseAddress] does not return a
//     token for "unix/" (compare the host with [Unix]), and IPv6 zones are
//     accepted as connection targets.
//   - Ports above 65535 are errors rather than being truncated.
//   - Happy eyeballs and a total timeout are available as options
//     (spec Appendix B W11, W12).
package socket
