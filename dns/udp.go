package dns

import (
	"github.com/anyevent-go/anyevent/internal/sys"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

// maxReadsPerWakeup bounds the datagrams one readiness callback reads, so a
// flood of forged packets cannot hold the loop (STYLE B6.7); the rest wait
// for the next iteration.
const maxReadsPerWakeup = 16

// udpSet is the UDP sockets of one lookup, one per server, each opened on
// first use and connected to its server. Every exchange of the lookup
// sends on them: the A and AAAA questions of [Resolver.LookupNetIP], the
// names of the search list, the targets of CNAMEs (glibc sends A and AAAA
// on one socket likewise). A datagram is offered to the exchange whose ID
// it carries; that exchange's checkReply then decides, as before. The
// exchanges of one set draw distinct IDs.
//
// The set is reference-counted: each lookup using it and each exchange
// attached to it holds a reference, and the sockets close when the last
// one goes, so late answers to a lookup still in progress are read and
// dropped rather than refused with ICMP errors.
type udpSet struct {
	r     *Resolver
	socks []udpSock   // by server index
	inl   [3]udpSock  // backs socks for up to three servers, the common case
	users []*exchange // exchanges attached (waiting for replies)
	inlU  [2]*exchange
	refs  int
}

// udpSock is the socket of a set for one server.
type udpSock struct {
	fd int
	w  *loop.IO // nil while closed
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
		s.socks = make([]udpSock, n)
	}
	s.users = s.inlU[:0]
}

func (s *udpSet) hold() { s.refs++ }

// release drops a reference; the last one closes the sockets.
func (s *udpSet) release() {
	s.refs--
	if s.refs == 0 {
		s.closeSockets()
	}
}

// closeSockets closes every socket of the set.
func (s *udpSet) closeSockets() {
	for i := range s.socks {
		s.socks[i].close()
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

// sendUDP sends the query to server srv, opening its socket first if
// needed.
func (x *exchange) sendUDP(srv int) error {
	s := &x.set.socks[srv]
	if s.w == nil {
		if err := x.set.open(srv); err != nil {
			return err
		}
	}
	for {
		_, err := unix.Write(s.fd, x.pkt[2:])
		if err == unix.EINTR {
			continue
		}
		if err != nil && len(x.set.users) > 1 {
			// The error may be the ICMP answer to another exchange's
			// datagram, which send(2) reported and cleared instead of
			// its read: tell the others too, after x has moved on.
			set := x.set
			x.r.l.Defer(func() { set.onSocketError(srv, err, x) })
		}
		return err
	}
}

// open creates the socket for server srv: non-blocking, close-on-exec,
// connected to the server. connect(2) binds it to an ephemeral port the
// kernel chooses at random (Linux and the BSDs randomise ephemeral ports),
// so every lookup, and every server within it, uses a fresh source port
// (RFC 5452 §9.2), and the kernel delivers only datagrams whose source is
// the server's address and port.
func (s *udpSet) open(srv int) error {
	a := &s.r.addrs[srv]
	if a.err != nil {
		return a.err
	}
	fd, err := sys.Socket(a.family, unix.SOCK_DGRAM, 0)
	if err != nil {
		return err
	}
	if err := unix.Connect(fd, a.sa); err != nil {
		unix.Close(fd)
		return err
	}
	w, err := s.r.l.IO(fd, loop.Read, func(loop.Events) { s.onReadable(srv) })
	if err != nil {
		unix.Close(fd)
		return err
	}
	s.socks[srv] = udpSock{fd: fd, w: w}
	return nil
}

// onReadable reads the datagrams waiting on the socket of server srv and
// offers each to the exchange it names. It stops when the socket closes
// (the last exchange finished) or has nothing more. An ICMP error reported
// by the socket (ECONNREFUSED: nothing listens there) fails that server's
// attempt at once for every exchange waiting on it.
func (s *udpSet) onReadable(srv int) {
	sock := &s.socks[srv]
	for range maxReadsPerWakeup {
		if sock.w == nil {
			return
		}
		n, err := sock.w.Read(s.r.rbuf)
		switch {
		case err == unix.EAGAIN:
			return
		case err != nil:
			s.onSocketError(srv, err, nil)
			return
		}
		s.offer(s.r.rbuf[:n], srv)
	}
}

// offer hands a datagram to the attached exchange whose ID it carries;
// anything else is dropped.
func (s *udpSet) offer(buf []byte, srv int) {
	if len(buf) < 2 {
		return
	}
	id := uint16(buf[0])<<8 | uint16(buf[1])
	for _, x := range s.users {
		if x.id == id {
			x.onPacket(buf, srv, false)
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

func (s *udpSock) close() {
	if s.w != nil {
		s.w.Stop()
		unix.Close(s.fd)
		s.w = nil
	}
}
