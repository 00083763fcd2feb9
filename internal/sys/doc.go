// Package sys holds the thin helpers over golang.org/x/sys/unix that the
// loop package needs to open, connect and accept sockets without blocking:
// socket and accept that return non-blocking, close-on-exec descriptors in
// one system call where the kernel allows it, conversions between
// [netip.AddrPort] and [unix.Sockaddr], SO_ERROR, disconnecting a datagram
// socket (connect to AF_UNSPEC), the socket options AnyEvent exposes
// (TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, IPV6_V6ONLY), and read, write,
// writev and zero-timeout epoll_wait for non-blocking descriptors, and
// recv, send and sendmsg (MSG_NOSIGNAL) for connected stream sockets, made
// without the scheduler's system-call hooks (rawio.go, rawsock_linux.go).
//
// The helpers return the raw [syscall.Errno] of the failing call; callers
// wrap it with the operation's name. Nothing here blocks, allocates
// goroutines, or knows about the event loop.
package sys
