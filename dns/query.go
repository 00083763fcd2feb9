package dns

import (
	"net/netip"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// Theory of operation: one exchange is one question put to the configured
// servers until one of them answers (AnyEvent::DNS "request", spec §16.5).
//
// Rules:
//  1. The schedule is "for each timeout of the ladder, for each server":
//     attempt k goes to server (first+k) mod n and waits timeouts[k/n].
//     Attempts are sequential; a server that fails (SERVFAIL, REFUSED, an
//     ICMP error, a failed TCP exchange) ends its attempt at once.
//  2. Each server gets its own UDP socket, taken on first use (a new one,
//     or a recycled one without a port), bound to a fresh ephemeral port
//     (the kernel picks it at random) and connected to the server, so the
//     kernel drops datagrams from any other source. The sockets belong to
//     a udpSet, shared by the exchanges of one lookup (udp.go), and stay
//     connected while any of them runs, so a late answer from a server
//     already given up on is still accepted.
//  3. Only a packet that passes checkReply (ID, QR, opcode, question) can
//     affect the exchange; anything else is dropped and the wait goes on.
//  4. A truncated answer moves the exchange to TCP with the same server,
//     under the timeout of the current attempt; a TCP failure ends the
//     attempt. UDP packets arriving meanwhile are read and dropped.
//  5. x.state is written only by enter, which checks legalNext.
//  6. The exchanges of lookups, and the attempt timers of all exchanges,
//     come from free lists of the resolver. An exchange goes back once it
//     has called back (finish) or been cancelled, unless it still waits
//     in the queue for a slot; nothing refers to it by then except a
//     deferred socket-error report, which checks x.seq.
//
// States and transitions:
//
//	querySend --slot granted, datagram sent--> queryWait
//	querySend --slot granted, TCP mode-------> queryTCP
//	queryWait --timeout or server failure----> queryWait (next attempt)
//	queryWait --TC set-----------------------> queryTCP
//	queryTCP  --TCP failed or timed out------> queryWait or queryTCP (next attempt)
//	any       --answer, schedule exhausted, cancel--> queryDone

// queryState is the phase of an exchange.
type queryState uint8

const (
	querySend queryState = iota // waiting for a slot, or sending an attempt
	queryWait                   // datagram sent, waiting for the reply or the timeout
	queryTCP                    // asking the server over TCP
	queryDone                   // answered, failed or cancelled
)

// legalNext lists the states each state may move to.
var legalNext = [...]uint8{
	querySend: 1<<queryWait | 1<<queryTCP | 1<<queryDone,
	queryWait: 1<<queryWait | 1<<queryTCP | 1<<queryDone,
	queryTCP:  1<<queryWait | 1<<queryTCP | 1<<queryDone,
	queryDone: 0,
}

// Reply is the answer of [Resolver.Exchange].
type Reply struct {
	Msg    *dnsmessage.Message // the parsed reply
	Server netip.AddrPort      // the server that sent it
	TCP    bool                // it came over TCP
	Size   int                 // its length in bytes
}

// exchange is one question in flight; see the theory of operation above.
type exchange struct {
	r      *Resolver
	state  queryState
	q      dnsmessage.Question
	name   string              // for errors: the name as the caller gave it
	raw    *dnsmessage.Message // the caller's query ([Resolver.Exchange]); nil for lookups
	edns   bool                // the packet carries an OPT record
	id     uint16
	pkt    []byte   // 2-byte length prefix and the query
	pktBuf [96]byte // backs pkt for names up to about 60 bytes
	try    int      // index of the current attempt
	first  int      // server of attempt 0
	set    *udpSet  // the UDP sockets: the lookup's, or the exchange's own
	onSet  bool     // attached to set (between begin and cleanup)
	tcp    *tcpConn
	timer  *queryTimer // between begin and cleanup
	slot   int         // index in r.active, -1 without a slot
	seq    uint32      // counts the uses of a pooled exchange

	err    error               // the failure to report if the schedule runs out
	errSrv netip.AddrPort      // the server err came from
	last   *Reply              // the last failure reply (SERVFAIL …), for Exchange
	lk     *lookup             // the lookup x belongs to, which it reports to; or
	done   func(*Reply, error) // what it reports to ([Resolver.Exchange])
}

// newExchange prepares an exchange; r.submit starts it.
func (r *Resolver) newExchange(name string, q dnsmessage.Question, raw *dnsmessage.Message, done func(*Reply, error)) *exchange {
	return &exchange{r: r, q: q, name: name, raw: raw, done: done, slot: -1}
}

// enter is the single place x.state changes.
func (x *exchange) enter(next queryState) {
	if legalNext[x.state]&(1<<next) == 0 {
		panic("dns: illegal query transition " + x.state.String() + " -> " + next.String())
	}
	x.state = next
}

// begin runs when x gets a slot: it builds the packet and sends the first
// attempt.
func (x *exchange) begin() {
	r := x.r
	x.first = r.firstServer()
	if x.set == nil {
		x.set = r.newUDPSet()
	}
	x.set.attach(x) // draws x.id
	x.onSet = true
	x.timer = r.takeTimer(x)
	x.edns = x.raw == nil && r.udpSize > 512
	if err := x.pack(); err != nil {
		x.finish(nil, &Error{Name: x.name, Err: err})
		return
	}
	x.advance()
}

// pack builds x.pkt for the current ID and EDNS setting, in the
// resolver's scratch buffer first so that x.pkt needs no allocation when
// it fits pktBuf, and one of the exact size otherwise.
func (x *exchange) pack() error {
	var (
		buf []byte
		err error
	)
	if x.raw != nil {
		x.raw.Header.ID = x.id
		buf, err = packQuery(x.r.scratch[:0], x.raw)
	} else {
		size := 0
		if x.edns {
			size = x.r.udpSize
		}
		buf, err = buildQuery(x.r.scratch[:0], x.id, x.q, size)
	}
	if err != nil {
		return err
	}
	x.r.scratch = buf[:0]
	if x.pkt == nil {
		x.pkt = x.pktBuf[:0]
	}
	x.pkt = append(x.pkt[:0], buf...)
	return nil
}

// attempts is the length of the schedule.
func (x *exchange) attempts() int { return len(x.r.servers) * len(x.r.timeouts) }

// server returns the index of the server of the current attempt.
func (x *exchange) server() int { return (x.first + x.try) % len(x.r.servers) }

// timeout returns the wait of the current attempt.
func (x *exchange) timeout() time.Duration { return x.r.timeouts[x.try/len(x.r.servers)] }

// advance sends the current attempt, skipping attempts whose send fails at
// once, and finishes the exchange when the schedule is exhausted.
func (x *exchange) advance() {
	for ; x.try < x.attempts(); x.try++ {
		srv := x.server()
		if x.r.tcp {
			x.startTCP(srv)
			return
		}
		if err := x.sendUDP(srv); err != nil {
			x.noteFailure(srv, err, nil)
			continue
		}
		x.enter(queryWait)
		x.timer.Start(x.timeout(), 0)
		return
	}
	x.finish(x.last, x.failure())
}

// nextAttempt abandons the current attempt and starts the next one.
func (x *exchange) nextAttempt() {
	x.timer.Stop()
	x.closeTCP()
	x.try++
	x.advance()
}

// onTimeout ends an attempt that got no answer in time.
func (x *exchange) onTimeout() {
	if x.state != queryWait && x.state != queryTCP {
		return
	}
	srv := x.server()
	if x.tcp != nil {
		srv = x.tcp.srv // a late truncated reply may have sent us elsewhere
	}
	x.noteFailure(srv, ErrTimeout, nil)
	x.nextAttempt()
}

// noteFailure remembers why an attempt failed. A definite failure (an
// RCODE, an ICMP error) is kept over a later timeout.
func (x *exchange) noteFailure(srv int, err error, rep *Reply) {
	if err == ErrTimeout && x.err != nil {
		return
	}
	x.err, x.errSrv = err, x.r.servers[srv]
	if rep != nil {
		x.last = rep
	}
}

// failure is the error of an exchange whose schedule ran out.
func (x *exchange) failure() error {
	err := x.err
	switch {
	case len(x.r.servers) == 0:
		err = ErrNoServers
	case err == nil:
		err = ErrTimeout
	}
	return &Error{Name: x.name, Server: x.errSrv, Err: err}
}

// onPacket runs a packet from server srv through the response path and
// acts on the verdict, which it returns. from is the UDP socket the packet
// came on, nil for TCP; a reply counts against its unanswered queries
// before the exchange acts, which may give the socket back.
func (x *exchange) onPacket(buf []byte, srv int, from *udpSock) verdict {
	viaTCP := from == nil
	if x.state == queryTCP && !viaTCP {
		return replyIgnore
	}
	v, rep := parseReply(buf, x.id, &x.q, viaTCP, x.raw != nil)
	if v != replyIgnore && from != nil {
		from.unanswered--
	}
	if rep != nil {
		rep.Server, rep.TCP, rep.Size = x.r.servers[srv], viaTCP, len(buf)
	}
	switch v {
	case replyOK:
		x.finish(rep, nil)
	case replyTruncated:
		x.timer.Stop()
		x.startTCP(srv)
	case replyFailed:
		x.onServerFailure(srv, rep)
	}
	return v
}

// onServerFailure handles a SERVFAIL-class answer: a server that did not
// understand EDNS0 (FORMERR or NOTIMP without an OPT record, RFC 6891 §7)
// is asked again without it; otherwise the next server is tried, unless
// the answer came late from a server the schedule already left.
func (x *exchange) onServerFailure(srv int, rep *Reply) {
	rc := rcode(rep.Msg)
	if x.edns && !hasOPT(rep.Msg) && (rc == dnsmessage.RCodeFormatError || rc == dnsmessage.RCodeNotImplemented) {
		x.edns = false
		if x.pack() == nil && srv == x.server() && x.state == queryWait && x.sendUDP(srv) == nil {
			x.timer.Start(x.timeout(), 0)
			return
		}
	}
	x.noteFailure(srv, errorForRCode(rc), rep)
	if srv == x.server() {
		x.nextAttempt()
	}
}

// finish ends the exchange: it releases every resource and the slot, then
// calls back. An exchange of a lookup then goes back to the free list, to
// be reused by another question, so finish is the last thing its callers
// do with x.
func (x *exchange) finish(rep *Reply, err error) {
	x.enter(queryDone)
	x.cleanup()
	if lk := x.lk; lk != nil {
		lk.onReply(rep, err)
		x.r.putExchange(x)
		return
	}
	x.done(rep, err)
}

// cancel ends the exchange without calling back.
func (x *exchange) cancel() {
	if x.state == queryDone {
		return
	}
	queued := x.state == querySend && x.slot < 0 // still in r.waiting
	x.enter(queryDone)
	x.cleanup()
	if x.lk != nil && !queued {
		x.r.putExchange(x)
	}
}

// abandon cancels x for Resolver.Close and closes the sockets it shares:
// the lookups holding them will never run again.
func (x *exchange) abandon() {
	set := x.set
	x.cancel()
	if set != nil {
		set.closeSockets()
	}
}

func (x *exchange) cleanup() {
	if x.timer != nil {
		x.r.putTimer(x.timer)
		x.timer = nil
	}
	x.closeTCP()
	if x.onSet {
		x.onSet = false
		x.set.detach(x)
	}
	x.r.release(x)
}

// String returns the state's name.
func (s queryState) String() string {
	switch s {
	case querySend:
		return "querySend"
	case queryWait:
		return "queryWait"
	case queryTCP:
		return "queryTCP"
	case queryDone:
		return "queryDone"
	}
	return "queryState(?)"
}
