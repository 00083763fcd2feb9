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

// udpSock is the socket of one exchange for one server.
type udpSock struct {
	fd int
	w  *loop.IO // nil while closed
}

// sendUDP sends the query to server srv, opening its socket first if
// needed.
func (x *exchange) sendUDP(srv int) error {
	s := &x.socks[srv]
	if s.w == nil {
		if err := x.openUDP(srv); err != nil {
			return err
		}
	}
	for {
		_, err := unix.Write(s.fd, x.pkt[2:])
		if err != unix.EINTR {
			return err
		}
	}
}

// openUDP creates the socket for server srv: non-blocking, close-on-exec,
// connected to the server. connect(2) binds it to an ephemeral port the
// kernel chooses at random (Linux and the BSDs randomise ephemeral ports),
// so every exchange, and every server within it, uses a fresh source port
// (RFC 5452 §9.2), and the kernel delivers only datagrams whose source is
// the server's address and port.
func (x *exchange) openUDP(srv int) error {
	a := &x.r.addrs[srv]
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
	w, err := x.r.l.IO(fd, loop.Read, func(loop.Events) { x.onReadable(srv) })
	if err != nil {
		unix.Close(fd)
		return err
	}
	x.socks[srv] = udpSock{fd: fd, w: w}
	return nil
}

// onReadable reads the datagrams waiting on the socket of server srv. An
// ICMP error reported by the socket (ECONNREFUSED: nothing listens there)
// fails that server's attempt at once.
func (x *exchange) onReadable(srv int) {
	w := x.socks[srv].w
	for range maxReadsPerWakeup {
		n, err := w.Read(x.r.rbuf)
		switch {
		case err == unix.EAGAIN:
			return
		case err != nil:
			x.onSocketError(srv, err)
			return
		}
		if v := x.onPacket(x.r.rbuf[:n], srv, false); v != replyIgnore {
			return
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
