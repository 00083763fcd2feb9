package dns

import (
	"errors"

	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/sys/unix"
)

var (
	errTCPClosed   = errors.New("dns: connection closed before the reply")
	errTCPBadReply = errors.New("dns: unacceptable reply over TCP")
)

// tcpConn is one query over TCP (RFC 1035 §4.2.2, RFC 7766): connect,
// write the length-prefixed query, read a 2-byte length and the reply.
// Its whole life is bounded by the exchange's attempt timer.
type tcpConn struct {
	x    *exchange
	srv  int
	dial *loop.Connecting // while connecting
	fd   int
	w    *loop.IO // after connecting
	sent int      // bytes of x.pkt written
	hdr  [2]byte
	buf  []byte // the reply, once its length is known
	got  int    // bytes of hdr, then of buf, read
}

// startTCP asks server srv over TCP under the current attempt's timeout.
func (x *exchange) startTCP(srv int) {
	x.closeTCP()
	x.enter(queryTCP)
	t := &tcpConn{x: x, srv: srv, fd: -1}
	x.tcp = t
	x.timer.Start(x.timeout(), 0)
	t.dial = x.r.l.Connect(x.r.servers[srv], nil, t.onConnect)
}

// closeTCP abandons the TCP query, if any.
func (x *exchange) closeTCP() {
	if t := x.tcp; t != nil {
		x.tcp = nil
		t.close()
	}
}

// tcpFailed ends the attempt after a TCP failure.
func (t *tcpConn) fail(err error) {
	x := t.x
	if x.tcp != t {
		return
	}
	x.noteFailure(t.srv, err, nil)
	x.nextAttempt()
}

func (t *tcpConn) onConnect(fd int, err error) {
	t.dial = nil
	if err != nil {
		t.fail(err)
		return
	}
	t.fd = fd
	w, err := t.x.r.l.IO(fd, loop.Write, t.onEvent)
	if err != nil {
		t.fail(err)
		return
	}
	t.w = w
}

func (t *tcpConn) onEvent(ev loop.Events) {
	if t.sent < len(t.x.pkt) {
		t.write()
		return
	}
	t.read()
}

// write sends what is left of the query, then waits for the reply.
func (t *tcpConn) write() {
	n, err := t.w.Write(t.x.pkt[t.sent:])
	switch {
	case err == unix.EAGAIN:
		return
	case err != nil:
		t.fail(err)
		return
	}
	t.sent += n
	if t.sent == len(t.x.pkt) {
		t.w.SetInterest(loop.Read)
	}
}

// read collects the length prefix and then the reply, and hands a
// complete reply to the response path. Over TCP a reply that fails its
// checks ends the attempt: the stream will bring no other.
func (t *tcpConn) read() {
	for {
		var dst []byte
		if t.buf != nil {
			dst = t.buf[t.got:]
		} else {
			dst = t.hdr[t.got:]
		}
		n, err := t.w.Read(dst)
		switch {
		case err == unix.EAGAIN:
			return
		case err != nil:
			t.fail(err)
			return
		case n == 0:
			t.fail(errTCPClosed)
			return
		}
		t.got += n
		if t.buf == nil && t.got == 2 {
			t.buf, t.got = make([]byte, int(t.hdr[0])<<8|int(t.hdr[1])), 0
		}
		if t.buf != nil && t.got == len(t.buf) {
			t.deliver()
			return
		}
	}
}

func (t *tcpConn) deliver() {
	if t.x.onPacket(t.buf, t.srv, nil) == replyIgnore {
		t.fail(errTCPBadReply)
	}
}

func (t *tcpConn) close() {
	if t.dial != nil {
		t.dial.Cancel()
		t.dial = nil
	}
	if t.w != nil {
		t.w.Stop()
		t.w = nil
	}
	if t.fd >= 0 {
		unix.Close(t.fd)
		t.fd = -1
	}
}
