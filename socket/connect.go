package socket

import (
	"net/netip"
	"strings"
	"syscall"

	"github.com/anyevent-go/anyevent/loop"
)

// Theory of operation: a Connecting is one tcp_connect (spec §15.1): a
// Resolution, then connection attempts ([loop.Loop.Connect]) over the
// addresses in order until one connects.
//
// Rules:
//  1. cb runs on the loop and never before Dial (or Retry) returns: a
//     failure is delivered through [loop.Loop.Defer]; a connection from
//     the callback of the attempt that made it.
//  2. cb runs once per Dial or Retry, and never after Cancel returned.
//  3. Every fd not handed to cb is closed by the time the Connecting
//     leaves phaseResolve or phaseConnect, whichever way it leaves:
//     loop.Connecting.Cancel closes an attempt's fd, and a winning attempt
//     hands its fd to cb.
//  4. Without happy eyeballs one attempt runs at a time; the next starts
//     when it fails. With happy eyeballs the next also starts when the
//     stagger timer fires, AttemptDelay after the latest start, and the
//     first attempt to connect cancels the others.
//  5. The reported failure is the last attempt's (AnyEvent: the errno of
//     the last address).
//  6. c.phase is written only by enter, which checks legalNext.
//
// Phases and transitions:
//
//	phaseResolve   --addresses----------------> phaseConnect
//	phaseResolve   --no address, bad service--> phasePending
//	phaseConnect   --an attempt connected-----> phaseConnected (cb fd)
//	phaseConnect   --every attempt failed-----> phasePending
//	phaseConnected --Retry--------------------> phaseConnect
//	phasePending   --deferred delivery--------> phaseDone (cb error)
//	phaseResolve, phaseConnect --total timeout--> phasePending
//	any but phaseDone --Cancel----------------> phaseDone

// phase is the phase of a Connecting.
type phase uint8

const (
	phaseResolve   phase = iota // looking the host up
	phaseConnect                // attempts in flight
	phaseConnected              // cb has a connection; Retry may continue
	phasePending                // failed; delivery deferred
	phaseDone                   // failure delivered, or cancelled
)

// legalNext lists the phases each phase may move to.
var legalNext = [...]uint8{
	phaseResolve:   1<<phaseConnect | 1<<phasePending | 1<<phaseDone,
	phaseConnect:   1<<phaseConnected | 1<<phasePending | 1<<phaseDone,
	phaseConnected: 1<<phaseConnect | 1<<phaseDone,
	phasePending:   1 << phaseDone,
	phaseDone:      0,
}

var phaseNames = [...]string{"phaseResolve", "phaseConnect", "phaseConnected", "phasePending", "phaseDone"}

// String returns the phase's name.
func (p phase) String() string { return phaseNames[p] }

// Connecting is a [TCPConnect] or [Dialer.Dial] in progress: the guard
// AnyEvent's tcp_connect returns. Its methods must be called on the loop's
// goroutine.
type Connecting struct {
	l       *loop.Loop
	d       Dialer // a copy of the caller's settings
	host    string
	service string
	cb      ConnectFunc // nil once no callback may run
	phase   phase

	res      *Resolution      // phaseResolve
	addrs    []netip.AddrPort // the addresses, in the order they are tried
	path     string           // Unix socket path; addrs is then one zero AddrPort
	next     int              // index in addrs of the next attempt
	inflight []*attempt       // phaseConnect: attempts not yet finished
	stagger  *loop.Timer      // happy eyeballs: starts the next attempt
	total    *loop.Timer      // TotalTimeout
	err      error            // the last attempt's failure
	errAddr  netip.AddrPort   // its address
	final    error            // phasePending: what cb gets
}

// attempt is one address being connected to.
type attempt struct {
	c    *Connecting
	addr netip.AddrPort
	lc   *loop.Connecting
}

func newConnecting(l *loop.Loop, d *Dialer, host, service string, cb ConnectFunc) *Connecting {
	c := &Connecting{l: l, d: *d, host: host, service: service, cb: cb}
	c.d.Protocols = append([]Protocol(nil), d.Protocols...)
	return c
}

// enter is the single place c.phase changes.
func (c *Connecting) enter(next phase) {
	if legalNext[c.phase]&(1<<next) == 0 {
		panic("socket: illegal transition " + c.phase.String() + " -> " + next.String())
	}
	c.phase = next
}

// start begins: the total timer, then the resolution or, for [Unix], the
// one attempt.
func (c *Connecting) start() {
	if c.d.TotalTimeout > 0 {
		c.total = c.l.Timer(c.d.TotalTimeout, 0, c.onTotalTimeout)
	}
	if c.host != Unix {
		c.res = c.d.Resolve(c.l, c.host, c.service, c.onResolved)
		return
	}
	if !strings.HasPrefix(c.service, "/") {
		c.fail(&Error{Op: "resolve", Host: c.host, Service: c.service, Err: syscall.ENXIO})
		return
	}
	c.path = c.service
	c.addrs = []netip.AddrPort{{}}
	c.enter(phaseConnect)
	c.startNext()
}

// onResolved takes the address list and starts connecting.
func (c *Connecting) onResolved(addrs []netip.AddrPort, err error) {
	c.res = nil
	if err != nil {
		c.fail(err)
		return
	}
	if c.d.HappyEyeballs {
		addrs = interleave(addrs)
		c.stagger = c.l.NewTimer(c.onStagger)
	}
	c.addrs = addrs
	c.enter(phaseConnect)
	c.startNext()
}

// startNext starts the attempt for the next address; with none left, the
// Connecting fails once no attempt is in flight.
func (c *Connecting) startNext() {
	if c.next >= len(c.addrs) {
		if len(c.inflight) == 0 {
			c.fail(c.connectError())
		}
		return
	}
	a := &attempt{c: c, addr: c.addrs[c.next]}
	c.next++
	opts := &loop.ConnectOptions{Timeout: c.d.Timeout, Prepare: c.d.Prepare}
	if c.path != "" {
		a.lc = c.l.ConnectUnix(c.path, opts, a.done)
	} else {
		a.lc = c.l.Connect(a.addr, opts, a.done)
	}
	if c.phase != phaseConnect {
		// Prepare cancelled us while the attempt was being made (its
		// callback cannot have run yet).
		a.lc.Cancel()
		return
	}
	c.inflight = append(c.inflight, a)
	if c.stagger != nil && c.next < len(c.addrs) {
		c.stagger.Start(c.d.attemptDelay(), 0)
	}
}

// done is the callback of an attempt.
func (a *attempt) done(fd int, err error) {
	c := a.c
	c.forget(a)
	if err != nil {
		c.err, c.errAddr = err, a.addr
		c.startNext()
		return
	}
	c.cancelAttempts()
	c.stopTimers()
	c.enter(phaseConnected)
	c.cb(fd, a.addr, nil)
}

// forget removes a from the attempts in flight.
func (c *Connecting) forget(a *attempt) {
	for i, x := range c.inflight {
		if x == a {
			c.inflight = append(c.inflight[:i], c.inflight[i+1:]...)
			return
		}
	}
}

// onStagger starts the next happy eyeballs attempt alongside the others.
func (c *Connecting) onStagger() {
	if c.phase == phaseConnect && c.next < len(c.addrs) {
		c.startNext()
	}
}

// onTotalTimeout gives up when TotalTimeout expires before cb ran.
func (c *Connecting) onTotalTimeout() {
	op := "connect"
	switch c.phase {
	case phaseResolve:
		op = "resolve"
		c.res.Cancel()
		c.res = nil
	case phaseConnect:
	default:
		return
	}
	c.fail(&Error{Op: op, Host: c.host, Service: c.service, Err: loop.ErrTimeout})
}

// connectError is the failure to report when every address failed.
func (c *Connecting) connectError() error {
	err := c.err
	if err == nil {
		err = syscall.ENXIO
	}
	return &Error{Op: "connect", Host: c.host, Service: c.service, Addr: c.errAddr, Err: err}
}

// fail stops everything and defers the delivery of err.
func (c *Connecting) fail(err error) {
	c.cancelAttempts()
	c.stopTimers()
	c.final = err
	c.enter(phasePending)
	c.l.Defer(c.deliver)
}

// deliver runs cb with the failure, unless cancelled meanwhile.
func (c *Connecting) deliver() {
	if c.phase != phasePending {
		return
	}
	c.enter(phaseDone)
	cb, err := c.cb, c.final
	c.cb, c.final = nil, nil
	cb(-1, netip.AddrPort{}, err)
}

func (c *Connecting) cancelAttempts() {
	for _, a := range c.inflight {
		a.lc.Cancel()
	}
	clear(c.inflight)
	c.inflight = c.inflight[:0]
}

func (c *Connecting) stopTimers() {
	if c.stagger != nil {
		c.stagger.Stop()
	}
	if c.total != nil {
		c.total.Stop()
	}
}

// Cancel abandons the connection in whatever phase it is: lookups stop,
// attempts are cancelled and their sockets closed. After Cancel returns cb
// never runs. Once cb got a connection, Cancel leaves that fd alone (it
// belongs to cb) and only ends the possibility of [Connecting.Retry].
// Cancelling twice does nothing.
func (c *Connecting) Cancel() {
	switch c.phase {
	case phaseDone:
		return
	case phaseResolve:
		c.res.Cancel()
		c.res = nil
	case phaseConnect:
		c.cancelAttempts()
	}
	c.stopTimers()
	c.enter(phaseDone)
	c.cb, c.final = nil, nil
}

// Retry is the retry callback of AnyEvent's tcp_connect: called after cb
// got a connection the caller does not want, it goes on with the next
// address, and cb runs again with the next connection or, when none is
// left, with the last failure. The fd cb got is not touched: close it
// first. Retry does nothing in any other phase.
func (c *Connecting) Retry() {
	if c.phase != phaseConnected {
		return
	}
	c.enter(phaseConnect)
	c.startNext()
}

// Phase-independent helpers.

// interleave reorders addresses sorted by preferred family so that the
// families alternate, starting with the preferred one (RFC 8305 §4, First
// Address Family Count 1).
func interleave(addrs []netip.AddrPort) []netip.AddrPort {
	if len(addrs) < 3 {
		return addrs
	}
	first := addrs[0].Addr().Is4()
	var a, b []netip.AddrPort
	for _, ap := range addrs {
		if ap.Addr().Is4() == first {
			a = append(a, ap)
		} else {
			b = append(b, ap)
		}
	}
	out := make([]netip.AddrPort, 0, len(addrs))
	for i := 0; i < len(a) || i < len(b); i++ {
		if i < len(a) {
			out = append(out, a[i])
		}
		if i < len(b) {
			out = append(out, b[i])
		}
	}
	return out
}
