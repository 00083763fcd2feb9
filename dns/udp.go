package dns

import (
	"time"

	"github.com/anyevent-go/anyevent/internal/sys"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// maxReadsPerWakeup bounds the datagrams one readiness callback reads, so a
// flood of forged packets cannot hold the loop (STYLE B6.7); the rest wait
// for the next iteration.
const maxReadsPerWakeup = 16

// idleSocketTimeout is how long a socket may stay idle before it is
// closed: after a burst of lookups the descriptors go back to the system.
const idleSocketTimeout = 2 * time.Second

// udpSet is the UDP sockets of one lookup, one per server, each taken on
// first use and connected to its server. Every exchange of the lookup
// sends on them: the A and AAAA questions of [Resolver.LookupNetIP], the
// names of the search list, the targets of CNAMEs (glibc sends A and AAAA
// on one socket likewise). A datagram is offered to the exchange whose ID
// it carries; that exchange's checkReply then decides, as before. The
// exchanges of one set draw distinct IDs.
//
// The set is reference-counted: each lookup using it and each exchange
// attached to it holds a reference, and the sockets are given back when
// the last one goes, so late answers to a lookup still in progress are
// read and dropped rather than refused with ICMP errors.
type udpSet struct {
	r     *Resolver
	socks []*udpSock  // by server index; nil until used
	inl   [3]*udpSock // backs socks for up to three servers, the common case
	users []*exchange // exchanges attached (waiting for replies)
	inlU  [2]*exchange
	refs  int
}

// udpSock is a UDP socket of the resolver. It is either in use by one set,
// connected to one server and so bound to a port the kernel chose at
// random, or idle in the resolver's pool: disconnected, which released
// its port, and drained (see [Resolver.recycle]).
type udpSock struct {
	r      *Resolver
	fd     int
	w      *loop.IO // nil once closed
	family int
	set    *udpSet // the set using it; nil while idle or closed
	srv    int     // the server it is connected to, while in use

	// unanswered counts the datagrams sent since the socket was connected
	// minus the replies that matched one of them (checkReply passed): a
	// socket whose every query got its reply is the only kind recycled.
	unanswered int
	failed     bool      // an error was reported on it: never recycled
	idleSince  time.Time // when it joined the pool
}

func (r *Resolver) newUDPSet() *udpSet {
	s := &udpSet{}
	s.init(r)
	return s
}

// init prepares a set that is part of a larger struct (a lookup, the
// job of LookupNetIP), which saves an allocation.
func (s *udpSet) init(r *Resolver) {
	s.r = r
	if n := len(r.servers); n <= len(s.inl) {
		s.socks = s.inl[:n]
	} else {
		s.socks = make([]*udpSock, n)
	}
	s.users = s.inlU[:0]
}

func (s *udpSet) hold() { s.refs++ }

// release drops a reference; the last one gives the sockets back.
func (s *udpSet) release() {
	s.refs--
	if s.refs == 0 {
		for i, k := range s.socks {
			if k != nil {
				s.socks[i] = nil
				s.r.recycle(k)
			}
		}
	}
}

// closeSockets closes every socket of the set.
func (s *udpSet) closeSockets() {
	for i, k := range s.socks {
		if k != nil {
			s.socks[i] = nil
			k.close()
		}
	}
}

// attach makes x a receiver of the set's datagrams and gives it an ID no
// other exchange of the set has (RFC 5452 §9.2: each query a random ID).
func (s *udpSet) attach(x *exchange) {
	for x.id = s.r.newID(); s.idInUse(x.id); x.id = s.r.newID() {
	}
	s.users = append(s.users, x)
	s.hold()
}

// detach removes x from the receivers and drops its reference.
func (s *udpSet) detach(x *exchange) {
	for i, u := range s.users {
		if u == x {
			last := len(s.users) - 1
			s.users[i] = s.users[last]
			s.users[last] = nil
			s.users = s.users[:last]
			break
		}
	}
	s.release()
}

func (s *udpSet) idInUse(id uint16) bool {
	for _, u := range s.users {
		if u.id == id {
			return true
		}
	}
	return false
}

// sendUDP sends the query to server srv, taking a socket for it first if
// needed.
func (x *exchange) sendUDP(srv int) error {
	k := x.set.socks[srv]
	if k == nil {
		var err error
		if k, err = x.r.takeSocket(srv); err != nil {
			return err
		}
		k.set = x.set
		x.set.socks[srv] = k
	}
	if _, err := k.w.Write(x.pkt[2:]); err != nil {
		k.failed = true
		if len(x.set.users) > 1 {
			// The error may be the ICMP answer to another exchange's
			// datagram, which send(2) reported and cleared instead of
			// its read: tell the others too, after x has moved on.
			set := x.set
			seq := x.seq
			x.r.l.Defer(func() {
				except := x
				if x.seq != seq {
					except = nil // x has moved on to another question
				}
				set.onSocketError(srv, err, except)
			})
		}
		return err
	}
	k.unanswered++
	return nil
}

// takeSocket returns a socket connected to server srv: an idle one of the
// pool if there is one, else a new one. Non-blocking, close-on-exec, its
// port chosen by connect(2): the kernel picks an ephemeral port at random
// (Linux and the BSDs randomise them), so every lookup, and every server
// within it, uses a fresh source port (RFC 5452 §9.2), and the kernel
// delivers only datagrams whose source is the server's address and port.
func (r *Resolver) takeSocket(srv int) (*udpSock, error) {
	a := &r.addrs[srv]
	if a.err != nil {
		return nil, a.err
	}
	pool := &r.idle[familyIndex(a.family)]
	if n := len(*pool); n > 0 {
		k := (*pool)[n-1]
		(*pool)[n-1] = nil
		*pool = (*pool)[:n-1]
		if err := sys.ConnectDgram(k.fd, a.sa); err == nil {
			k.srv = srv
			return k, nil
		}
		k.close()
	}
	fd, err := sys.Socket(a.family, unix.SOCK_DGRAM, 0)
	if err != nil {
		return nil, err
	}
	if err := sys.ConnectDgram(fd, a.sa); err != nil {
		unix.Close(fd)
		return nil, err
	}
	k := &udpSock{r: r, fd: fd, family: a.family, srv: srv}
	k.w, err = r.l.IO(fd, loop.Read, k.onReadable)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return k, nil
}

// recycle takes back a socket its set no longer needs. It goes to the
// pool only if every query sent on it got its reply and no error was
// reported on it (so no answer can still be on its way to it), the pool
// has room (as many sockets per address family as [Config.MaxOutstanding]
// exchanges may be in flight), and [sys.Disconnect] releases its port.
// It is then drained: once disconnected it has no port and receives
// nothing, so after the drain nothing that reached the port of one lookup
// can ever be read by another, which gets a new random port when it
// connects the socket again. Anything else is closed.
func (r *Resolver) recycle(k *udpSock) {
	k.set = nil
	pool := &r.idle[familyIndex(k.family)]
	if !sys.DisconnectRebinds || r.closed || k.failed || k.unanswered != 0 || len(*pool) >= r.maxOut ||
		sys.Disconnect(k.fd) != nil || !k.drain() {
		k.close()
		return
	}
	k.idleSince = r.l.Now()
	*pool = append(*pool, k)
	if r.sweep == nil {
		r.sweep = r.l.NewTimer(r.closeIdle)
	}
	if !r.sweep.Active() {
		r.sweep.Start(idleSocketTimeout, 0)
	}
}

// drain reads and drops what is queued on the socket. It reports whether
// it emptied the queue; errors, or more datagrams than one wake-up may
// read, count as failure.
func (k *udpSock) drain() bool {
	for range maxReadsPerWakeup {
		_, err := k.w.Read(k.r.rbuf)
		switch {
		case err == unix.EAGAIN:
			return true
		case err != nil:
			return false
		}
	}
	return false
}

// closeIdle closes the sockets idle for idleSocketTimeout or more and
// re-arms the sweep for the oldest one left. The pools are stacks, the
// oldest socket at the bottom.
func (r *Resolver) closeIdle() {
	limit := r.l.Now().Add(-idleSocketTimeout)
	var next time.Time
	for f := range r.idle {
		pool := r.idle[f]
		i := 0
		for i < len(pool) && !pool[i].idleSince.After(limit) {
			pool[i].close()
			i++
		}
		r.idle[f] = append(pool[:0], pool[i:]...)
		clear(pool[len(r.idle[f]):])
		if len(r.idle[f]) > 0 && (next.IsZero() || r.idle[f][0].idleSince.Before(next)) {
			next = r.idle[f][0].idleSince
		}
	}
	if !next.IsZero() {
		r.sweep.Start(next.Sub(limit), 0)
	}
}

// closeAllIdle closes the pool, for [Resolver.Close].
func (r *Resolver) closeAllIdle() {
	for f, pool := range r.idle {
		for _, k := range pool {
			k.close()
		}
		r.idle[f] = nil
	}
	if r.sweep != nil {
		r.sweep.Stop()
	}
}

func familyIndex(family int) int {
	if family == unix.AF_INET6 {
		return 1
	}
	return 0
}

// onReadable reads the datagrams waiting on the socket and offers each to
// the exchange of its set that it names. It stops when the set gives the
// socket back (the last exchange finished) or it has nothing more. An ICMP
// error reported by the socket (ECONNREFUSED: nothing listens there) fails
// that server's attempt at once for every exchange waiting on it.
func (k *udpSock) onReadable(loop.Events) {
	set := k.set
	if set == nil {
		// Idle: disconnected and then drained, so nothing can be queued;
		// the report is older than the drain.
		k.w.ClearReady(loop.Read)
		return
	}
	for range maxReadsPerWakeup {
		n, err := k.w.Read(k.r.rbuf)
		switch {
		case err == unix.EAGAIN:
			return
		case err != nil:
			k.failed = true
			set.onSocketError(k.srv, err, nil)
			return
		}
		set.offer(k.r.rbuf[:n], k)
		if k.set != set {
			return
		}
	}
}

// offer hands a datagram that arrived on k to the attached exchange whose
// ID it carries; anything else is dropped.
func (s *udpSet) offer(buf []byte, k *udpSock) {
	if len(buf) < 2 {
		return
	}
	id := uint16(buf[0])<<8 | uint16(buf[1])
	for _, x := range s.users {
		if x.id == id {
			x.onPacket(buf, k.srv, k)
			return
		}
	}
}

// onSocketError passes an error of server srv's socket to every exchange
// attached but except. Each may finish and detach, so they are collected
// first.
func (s *udpSet) onSocketError(srv int, err error, except *exchange) {
	var buf [4]*exchange
	users := append(buf[:0], s.users...)
	for _, x := range users {
		if x != except {
			x.onSocketError(srv, err)
		}
	}
}

// onSocketError handles a receive error of server srv's socket.
func (x *exchange) onSocketError(srv int, err error) {
	if x.state != queryWait {
		return
	}
	x.noteFailure(srv, err, nil)
	if srv == x.server() {
		x.nextAttempt()
	}
}

func (k *udpSock) close() {
	if k.w != nil {
		k.w.Stop()
		unix.Close(k.fd)
		k.w = nil
		k.set = nil
	}
}
