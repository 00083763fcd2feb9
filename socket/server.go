package socket

import (
	"net"
	"net/netip"

	"github.com/anyevent-go/anyevent/internal/sys"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// DefaultBacklog is the listen queue of [TCPServer] when its prepare
// callback returns 0 or there is none (AnyEvent's 128).
const DefaultBacklog = 128

// AcceptFunc receives each connection a [Server] accepts: a non-blocking,
// close-on-exec fd that now belongs to the callback, and the peer's
// address (IPv4-mapped peers of a dual-stack listener shown as IPv4; the
// zero AddrPort for a [Unix] server).
type AcceptFunc func(fd int, peer netip.AddrPort)

// ListenPrepareFunc is tcp_server's prepare callback: it runs after bind(2)
// and before listen(2), before TCPServer returns, with the listening
// socket and its local address (the actual port of an ephemeral one), and
// returns the listen backlog, 0 meaning [DefaultBacklog].
type ListenPrepareFunc func(fd int, local netip.AddrPort) int

// Server is a listening socket made by [TCPServer]: the guard AnyEvent's
// tcp_server returns. Its methods must be called on the loop's goroutine.
type Server struct {
	ln    *loop.Listener
	local netip.AddrPort
}

// TCPServer is AnyEvent::Socket's tcp_server (spec §15.4): it binds a
// stream socket to host and service, sets SO_REUSEADDR, runs prepare
// (which may be nil), listens, and calls cb on l for every connection
// accepted.
//
// host is an IP address in any [ParseAddress] form ("0" is 0.0.0.0, "::"
// the IPv6 wildcard, which on Linux also accepts IPv4 unless the system
// says otherwise), "" for 0.0.0.0, or [Unix] with the socket's path as
// service. service is a port number, a service name, or "" or "0" for an
// ephemeral port ([Server.Addr] tells which). Errors, which AnyEvent
// raises as exceptions, are returned as an [*Error]: a host that does not
// parse ([ErrBadAddress]), an unknown service ([ErrUnknownService]), or the
// failed system call (a *[loop.OpError] such as "Address already in use").
//
// Unlike AnyEvent, which unlinks a Unix socket path before binding, an
// existing file at path is removed only if it is a socket nobody listens
// on (see [loop.Loop.Listen]).
func TCPServer(l *loop.Loop, host, service string, cb AcceptFunc, prepare ListenPrepareFunc) (*Server, error) {
	network, address, err := listenAddress(host, service)
	if err != nil {
		return nil, &Error{Op: "listen", Host: host, Service: service, Err: err}
	}
	s := &Server{}
	opts := &loop.ListenOptions{Backlog: DefaultBacklog}
	opts.Prepare = func(fd int) int {
		if sa, err := unix.Getsockname(fd); err == nil {
			ap := sys.AddrPort(sa)
			s.local = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
		if prepare == nil {
			return 0
		}
		return prepare(fd, s.local)
	}
	ln, err := l.Listen(network, address, opts, func(fd int, peer net.Addr) {
		var ap netip.AddrPort
		if t, ok := peer.(*net.TCPAddr); ok {
			ap = t.AddrPort()
			ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
		cb(fd, ap)
	})
	if err != nil {
		return nil, &Error{Op: "listen", Host: host, Service: service, Err: err}
	}
	s.ln = ln
	return s, nil
}

// listenAddress turns tcp_server's host and service into the arguments
// of loop.Listen.
func listenAddress(host, service string) (network, address string, err error) {
	if host == Unix {
		return "unix", service, nil
	}
	if host == "" {
		host = "0"
	}
	ip, ok := ParseAddress(host)
	if !ok {
		return "", "", &serviceError{host, ErrBadAddress}
	}
	port := 0
	if service != "" {
		if port, err = LookupPort(service); err != nil {
			return "", "", err
		}
	}
	return "tcp", netip.AddrPortFrom(ip, uint16(port)).String(), nil
}

// Addr returns the local address the server is bound to, with the actual
// port of an ephemeral one; the zero AddrPort for a [Unix] server.
func (s *Server) Addr() netip.AddrPort { return s.local }

// Fd returns the listening socket, -1 after Close. It belongs to the
// server.
func (s *Server) Fd() int { return s.ln.Fd() }

// Close stops accepting and closes the listening socket (and removes a
// Unix socket file it bound). Connections already accepted are not
// affected. Closing twice is harmless.
func (s *Server) Close() error { return s.ln.Close() }
