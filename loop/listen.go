package loop

import (
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"time"

	"github.com/anyevent-go/anyevent/internal/sys"
	"golang.org/x/sys/unix"
)

// DefaultBacklog is the listen(2) queue length used when
// [ListenOptions.Backlog] is 0: the system's SOMAXCONN, which Linux further
// caps at net.core.somaxconn. (AnyEvent's tcp_server uses 128.)
const DefaultBacklog = unix.SOMAXCONN

// maxAcceptBatch bounds how many connections one readiness event of a
// listener accepts. The rest wait for the next iteration, when every other
// ready watcher has had its turn: a connection storm on one listener cannot
// starve established connections, and each iteration's work stays bounded
// (the ET read budget of STYLE B6.7 applied to accept).
const maxAcceptBatch = 32

// acceptPause is how long a listener stops accepting after accept(2) failed
// for lack of resources (EMFILE, ENFILE, ENOBUFS, ENOMEM) or unexpectedly.
// The pending connection stays queued, so retrying at once would spin on
// the same error; a short pause lets other callbacks release descriptors.
const acceptPause = 100 * time.Millisecond

// acceptFunc is accept(2) with the flags the loop wants; tests replace it
// to inject failures.
var acceptFunc = sys.Accept

// ListenOptions tunes a listener; nil means defaults.
type ListenOptions struct {
	// Backlog is the length of the queue of connections not yet accepted;
	// 0 means [DefaultBacklog].
	Backlog int
	// ReuseAddr sets SO_REUSEADDR on TCP listeners so that a restarted
	// server can bind while old connections linger in TIME_WAIT. nil means
	// true, as AnyEvent's tcp_server does; new(false) turns it off. Unix
	// sockets ignore it.
	ReuseAddr *bool
	// Prepare, if set, runs after bind(2) and before listen(2) with the
	// listening socket, before Listen returns (tcp_server's prepare
	// callback). A positive result replaces Backlog.
	Prepare func(fd int) int
	// OnError, if set, is told about each accept(2) failure that paused
	// the listener (see [Listener]); nothing is done about it otherwise.
	OnError func(err error)
}

// Listener accepts stream connections on the loop (AnyEvent::Socket
// tcp_server). Each readiness event accepts up to a fixed budget of pending
// connections, non-blocking and close-on-exec (accept4 where the system has
// it), and hands each to
// the callback; the rest are accepted on the next iteration. When accept
// fails for lack of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM)
// or for an unexpected reason, the listener stops accepting for a short
// pause instead of spinning, tells [ListenOptions.OnError], and then
// resumes by itself. Errors that concern one aborted connection
// (ECONNABORTED and the network errors accept(2) passes on) are skipped.
type Listener struct {
	l      *Loop
	fd     int
	w      *IO    // read watcher; interest 0 while paused
	pause  *Timer // armed while paused
	cb     func(fd int, peer net.Addr)
	onErr  func(err error)
	addr   net.Addr
	path   string // Unix socket file bound by us, removed by Close
	file   fileID // identity of path right after bind
	closed bool
}

// fileID identifies a file, to tell whether a path still names the socket
// we bound (AnyEvent unlinks "if it is still the same inode").
type fileID struct{ dev, ino uint64 }

// Listen starts accepting connections and returns the listener.
//
// network is "tcp", "tcp4", "tcp6" or "unix". For TCP, address is
// "host:port" with an IP literal host ("127.0.0.1:0", "[::1]:8080"; the
// loop does no name lookups), an empty host meaning every address
// (0.0.0.0, or :: for "tcp6"), and a decimal port, 0 or empty meaning an
// ephemeral one ([Listener.Addr] tells which). "tcp4" accepts only IPv4
// hosts and "tcp6" only IPv6 ones, with IPV6_V6ONLY set; "tcp" picks the
// family from the host and leaves IPV6_V6ONLY at the system default.
//
// For "unix", address is the socket's path (on Linux "@name" is an
// abstract socket). A socket file left at that path by a dead listener,
// one that refuses connections, is removed first; a live listener's socket
// or any other file is left alone and bind(2) fails with EADDRINUSE. (The
// test is a connect(2) to the path, so a live listener sees one connection
// that closes at once.)
// [Listener.Close] removes the socket file if the path still names it.
//
// cb runs on the loop for each accepted connection with its non-blocking,
// close-on-exec fd, which belongs to cb, and the peer's address: a
// *[net.TCPAddr] (v4-mapped peers of dual-stack listeners shown as IPv4)
// or a *[net.UnixAddr], usually unnamed. Errors are *[OpError] values whose
// Op names the failed call ("socket", "setsockopt", "bind", "listen") or
// "listen" for a bad network or address.
func (l *Loop) Listen(network, address string, opts *ListenOptions, cb func(fd int, peer net.Addr)) (*Listener, error) {
	if l.closed {
		return nil, ErrClosed
	}
	if opts == nil {
		opts = &ListenOptions{}
	}
	ln := &Listener{l: l, fd: -1, cb: cb, onErr: opts.OnError}
	var err error
	switch network {
	case "tcp", "tcp4", "tcp6":
		err = ln.bindTCP(network, address, opts)
	case "unix":
		err = ln.bindUnix(address)
	default:
		err = newOpError("listen", net.UnknownNetworkError(network))
	}
	if err == nil {
		err = ln.listen(opts)
	}
	if err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// bindTCP creates the socket of a TCP listener and binds it.
func (ln *Listener) bindTCP(network, address string, opts *ListenOptions) error {
	ap, err := parseListenAddr(network, address)
	if err != nil {
		return newOpError("listen", err)
	}
	sa, family, err := sys.Sockaddr(ap)
	if err != nil {
		return newOpError("listen", err)
	}
	if ln.fd, err = sys.Socket(family, unix.SOCK_STREAM, 0); err != nil {
		ln.fd = -1
		return newOpError("socket", err)
	}
	if opts.ReuseAddr == nil || *opts.ReuseAddr {
		if err := sys.SetReuseAddr(ln.fd, true); err != nil {
			return newOpError("setsockopt", err)
		}
	}
	if network == "tcp6" {
		if err := sys.SetV6Only(ln.fd, true); err != nil {
			return newOpError("setsockopt", err)
		}
	}
	if err := unix.Bind(ln.fd, sa); err != nil {
		return newOpError("bind", err)
	}
	return nil
}

// parseListenAddr parses a TCP listen address as documented at
// [Loop.Listen].
func parseListenAddr(network, address string) (netip.AddrPort, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	var ip netip.Addr
	switch {
	case host == "" && network == "tcp6":
		ip = netip.IPv6Unspecified()
	case host == "":
		ip = netip.IPv4Unspecified()
	default:
		if ip, err = netip.ParseAddr(host); err != nil {
			return netip.AddrPort{}, &net.AddrError{Err: "not an IP address", Addr: host}
		}
	}
	switch {
	case network == "tcp4" && !ip.Unmap().Is4():
		return netip.AddrPort{}, &net.AddrError{Err: "non-IPv4 address", Addr: host}
	case network == "tcp6" && (ip.Is4() || ip.Is4In6()):
		return netip.AddrPort{}, &net.AddrError{Err: "non-IPv6 address", Addr: host}
	}
	var n uint64
	if port != "" {
		if n, err = strconv.ParseUint(port, 10, 16); err != nil {
			return netip.AddrPort{}, &net.AddrError{Err: "invalid port", Addr: address}
		}
	}
	return netip.AddrPortFrom(ip, uint16(n)), nil
}

// bindUnix creates the socket of a Unix listener and binds it to path,
// removing a stale socket file first.
func (ln *Listener) bindUnix(path string) error {
	if path == "" {
		return newOpError("listen", &net.AddrError{Err: "empty socket path", Addr: path})
	}
	abstract := runtime.GOOS == "linux" && path[0] == '@'
	if !abstract {
		removeStaleSocket(path)
	}
	fd, err := sys.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return newOpError("socket", err)
	}
	ln.fd = fd
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		return newOpError("bind", err)
	}
	if !abstract {
		ln.path = path
		ln.file, _ = statID(path)
	}
	return nil
}

// removeStaleSocket removes the socket file at path if connecting to it is
// refused: its listener is gone. A live listener (connect succeeds or its
// queue is full), a file that is not a socket, or any doubt leaves path
// alone, for bind(2) to report EADDRINUSE.
func removeStaleSocket(path string) {
	var st unix.Stat_t
	if unix.Lstat(path, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return
	}
	fd, err := sys.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return
	}
	err = unix.Connect(fd, &unix.SockaddrUnix{Name: path})
	unix.Close(fd)
	if err == unix.ECONNREFUSED {
		unix.Unlink(path)
	}
}

func statID(path string) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return fileID{}, err
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// listen runs Prepare, puts the bound socket into the listening state and
// starts watching it.
func (ln *Listener) listen(opts *ListenOptions) error {
	backlog := opts.Backlog
	if backlog <= 0 {
		backlog = DefaultBacklog
	}
	if opts.Prepare != nil {
		if n := opts.Prepare(ln.fd); n > 0 {
			backlog = n
		}
	}
	if err := unix.Listen(ln.fd, backlog); err != nil {
		return newOpError("listen", err)
	}
	sa, err := unix.Getsockname(ln.fd)
	if err != nil {
		return newOpError("getsockname", err)
	}
	ln.addr = sys.NetAddr(sa)
	w, err := ln.l.IO(ln.fd, Read, ln.onReadable)
	if err != nil {
		return err
	}
	ln.w = w
	ln.pause = ln.l.NewTimer(ln.resume)
	ln.l.own(ln)
	return nil
}

// releaseFd closes the listener when its loop closes.
func (ln *Listener) releaseFd() { ln.Close() }

// Addr returns the address the listener is bound to, with the actual port
// of an ephemeral one: a *[net.TCPAddr] or a *[net.UnixAddr].
func (ln *Listener) Addr() net.Addr { return ln.addr }

// Fd returns the listening socket, -1 after Close. It belongs to the
// listener.
func (ln *Listener) Fd() int { return ln.fd }

// Close stops accepting, closes the listening socket, and removes the Unix
// socket file if its path still names the socket Listen bound. Connections
// already accepted are not affected; ones still queued are reset by the
// kernel. Close may be called from any callback, including the listener's
// own; the callback does not run again. Closing twice is harmless.
func (ln *Listener) Close() error {
	if ln.closed {
		return nil
	}
	ln.closed = true
	ln.l.disown(ln)
	if ln.w != nil {
		ln.w.Stop()
	}
	if ln.pause != nil {
		ln.pause.Stop()
	}
	var err error
	if ln.fd >= 0 {
		err = unix.Close(ln.fd)
		ln.fd = -1
	}
	if ln.path != "" {
		if id, serr := statID(ln.path); serr == nil && id == ln.file {
			unix.Unlink(ln.path)
		}
	}
	if err != nil {
		return newOpError("close", err)
	}
	return nil
}

// onReadable accepts up to maxAcceptBatch pending connections. If the
// budget runs out first, the fd stays ready and the loop calls again on the
// next iteration.
func (ln *Listener) onReadable(Events) {
	for range maxAcceptBatch {
		fd, sa, err := acceptFunc(ln.fd)
		if err != nil {
			if ln.acceptFailed(err) {
				continue
			}
			return
		}
		if ln.cb == nil {
			unix.Close(fd)
			continue
		}
		ln.cb(fd, sys.NetAddr(sa))
		if ln.closed {
			return
		}
	}
}

// acceptFailed handles an accept error and reports whether to go on
// accepting.
func (ln *Listener) acceptFailed(err error) bool {
	switch err {
	case unix.EAGAIN:
		ln.w.ClearReady(Read)
		return false
	case unix.ECONNABORTED, unix.EPROTO, unix.EPERM, unix.ENETDOWN, unix.ENETUNREACH,
		unix.EHOSTDOWN, unix.EHOSTUNREACH, unix.ENOPROTOOPT, unix.EOPNOTSUPP:
		// The connection died before we took it, or a firewall refused
		// it (accept(2): treat these like EAGAIN for the listener and
		// retry).
		return true
	}
	ln.w.SetInterest(0)
	ln.pause.Start(acceptPause, 0)
	if ln.onErr != nil {
		ln.onErr(newOpError("accept", err))
	}
	return false
}

// resume ends a pause.
func (ln *Listener) resume() {
	if !ln.closed {
		ln.w.SetInterest(Read)
	}
}
