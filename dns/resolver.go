package dns

import (
	crand "crypto/rand"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	"github.com/anyevent-go/anyevent/internal/sys"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/dns/dnsmessage"
	"golang.org/x/sys/unix"
)

// Resolver is a stub resolver running on one [loop.Loop]. Its methods must
// be called on the loop's goroutine; every callback runs there, exactly
// once unless its query is cancelled, and never before the method that
// registered it returns.
type Resolver struct {
	l        *loop.Loop
	servers  []netip.AddrPort
	addrs    []serverAddr // socket addresses of servers, same order
	search   []string
	ndots    int
	timeouts []time.Duration
	rotate   bool
	tcp      bool
	udpSize  int
	hosts    *Hosts
	maxOut   int
	cache    *cache // nil when caching is off
	rng      *rand.Rand

	nextFirst int         // Rotate: the server the next exchange starts with
	active    []*exchange // exchanges holding a slot; exchange.slot indexes it
	waiting   []*exchange // FIFO of exchanges waiting for a slot
	starting  bool        // startWaiting is running, or Query.Cancel holds the queue
	closed    bool
	idle      [2][]*udpSock // idle UDP sockets by family (IPv4, IPv6), oldest first
	sweep     *loop.Timer   // closes idle sockets; nil until the first is idle
	rbuf      []byte        // receive buffer shared by every UDP read (one goroutine)
	scratch   []byte        // where queries are built before being copied out

	// Lookups made since the last runStarts; one Defer of runStarts (a
	// func value made once) starts them all, instead of a method value
	// allocated per lookup.
	toStart   []*lookup
	starts    []*lookup // the batch runStarts is starting (reused backing array)
	runStarts func()
	timers    []*queryTimer // free list of attempt timers
	exchanges []*exchange   // free list of the exchanges of lookups
}

// NewResolver returns a resolver on l configured by cfg, or by
// [SystemConfig] when cfg is nil. A configuration without servers is
// accepted: its lookups fail with [ErrNoServers] unless the hosts database
// answers them.
func NewResolver(l *loop.Loop, cfg *Config) (*Resolver, error) {
	if cfg == nil {
		c, err := SystemConfig()
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	var seed [32]byte
	crand.Read(seed[:])
	r := &Resolver{
		l:        l,
		servers:  slices.Clone(cfg.Servers),
		search:   slices.Clone(cfg.Search),
		ndots:    cfg.Ndots,
		timeouts: slices.Clone(cfg.timeouts()),
		rotate:   cfg.Rotate,
		tcp:      cfg.TCP,
		udpSize:  cfg.UDPSize,
		hosts:    cfg.Hosts,
		maxOut:   cfg.MaxOutstanding,
		rng:      rand.New(rand.NewChaCha8(seed)),
		rbuf:     make([]byte, MaxPacket),
		scratch:  make([]byte, 0, 512),
	}
	r.runStarts = r.startLookups
	for _, s := range r.servers {
		sa, family, err := sys.Sockaddr(s)
		r.addrs = append(r.addrs, serverAddr{sa, family, err})
	}
	if r.udpSize == 0 {
		r.udpSize = DefaultUDPSize
	}
	if r.maxOut <= 0 {
		r.maxOut = DefaultMaxOutstanding
	}
	if cfg.CacheSize > 0 {
		r.cache = newCache(cfg.CacheSize)
	}
	return r, nil
}

// serverAddr is a server's address in the form socket calls take,
// converted once; err is set when it cannot be (an unknown zone).
type serverAddr struct {
	sa     unix.Sockaddr
	family int
	err    error
}

// Servers returns a copy of the nameserver list.
func (r *Resolver) Servers() []netip.AddrPort { return slices.Clone(r.servers) }

// Close cancels every query in flight or waiting, closes their sockets and
// makes later queries fail with [ErrClosed]. Callbacks of cancelled queries
// do not run. Closing twice is harmless.
func (r *Resolver) Close() {
	if r.closed {
		return
	}
	r.closed = true
	for len(r.active) > 0 {
		r.active[len(r.active)-1].abandon()
	}
	for _, x := range r.waiting {
		if x != nil {
			x.abandon()
		}
	}
	r.waiting = nil
	r.closeAllIdle()
}

// FlushCache empties the cache.
func (r *Resolver) FlushCache() {
	if r.cache != nil {
		r.cache = newCache(r.cache.max)
	}
}

// newID returns a random query ID (RFC 5452 §9.2).
func (r *Resolver) newID() uint16 { return uint16(r.rng.Uint32()) }

// firstServer returns the server an exchange starts with: the first, or
// with Rotate each in turn.
func (r *Resolver) firstServer() int {
	if !r.rotate || len(r.servers) == 0 {
		return 0
	}
	i := r.nextFirst
	r.nextFirst = (i + 1) % len(r.servers)
	return i
}

// submit starts x if a slot is free and queues it otherwise
// (AnyEvent::DNS max_outstanding, spec §16.7).
func (r *Resolver) submit(x *exchange) {
	if len(r.active) < r.maxOut {
		r.begin(x)
		return
	}
	r.waiting = append(r.waiting, x)
}

// begin gives x a slot and starts it.
func (r *Resolver) begin(x *exchange) {
	x.slot = len(r.active)
	r.active = append(r.active, x)
	x.begin()
}

// release frees the slot of x and starts waiting exchanges in FIFO order.
func (r *Resolver) release(x *exchange) {
	if x.slot >= 0 {
		last := len(r.active) - 1
		r.active[x.slot] = r.active[last]
		r.active[x.slot].slot = x.slot
		r.active[last] = nil
		r.active = r.active[:last]
		x.slot = -1
	}
	r.startWaiting()
}

// startWaiting fills free slots from the queue. An exchange may finish
// inside begin (every send failed) and release its slot again; the guard
// turns that recursion into iterations of this loop.
func (r *Resolver) startWaiting() {
	if r.starting {
		return
	}
	r.starting = true
	for len(r.active) < r.maxOut && len(r.waiting) > 0 && !r.closed {
		x := r.waiting[0]
		r.waiting[0] = nil
		r.waiting = r.waiting[1:]
		if x.state == querySend {
			r.begin(x)
		}
	}
	if len(r.waiting) == 0 {
		r.waiting = nil
	}
	r.starting = false
}

// cacheGet returns the live cache entry for the question, or nil.
func (r *Resolver) cacheGet(name string, qtype dnsmessage.Type, class dnsmessage.Class) *cacheEntry {
	if r.cache == nil {
		return nil
	}
	return r.cache.get(cacheKey{name, qtype, class}, r.l.Now())
}

// cachePut caches a reply to the question.
func (r *Resolver) cachePut(name string, qtype dnsmessage.Type, class dnsmessage.Class, rep *Reply) {
	if r.cache != nil {
		r.cache.put(cacheKey{name, qtype, class}, rep.Msg, rep.Server, r.l.Now())
	}
}

// deferStart starts lk on the loop after the current callback, in the
// order of the calls.
func (r *Resolver) deferStart(lk *lookup) {
	if len(r.toStart) == 0 {
		r.l.Defer(r.runStarts)
	}
	r.toStart = append(r.toStart, lk)
}

// startLookups starts the lookups deferStart collected. Lookups made
// while it runs (by callbacks of lookups that finish at once) wait for
// the next Defer pass, so no callback runs before its call returns.
func (r *Resolver) startLookups() {
	r.starts, r.toStart = r.toStart, r.starts[:0]
	for i, lk := range r.starts {
		r.starts[i] = nil
		lk.start()
	}
	r.starts = r.starts[:0]
}

// queryTimer is the attempt timer of an exchange. Timers are kept on a
// free list (at most one per slot is in use), each with its callback
// bound once, so an exchange allocates neither.
type queryTimer struct {
	*loop.Timer
	x *exchange // the exchange using it; nil while free
}

func (t *queryTimer) fire() {
	if t.x != nil {
		t.x.onTimeout()
	}
}

// takeTimer returns a stopped timer for x.
func (r *Resolver) takeTimer(x *exchange) *queryTimer {
	var t *queryTimer
	if n := len(r.timers); n > 0 {
		t = r.timers[n-1]
		r.timers[n-1] = nil
		r.timers = r.timers[:n-1]
	} else {
		t = &queryTimer{}
		t.Timer = r.l.NewTimer(t.fire)
	}
	t.x = x
	return t
}

// putTimer stops t and puts it on the free list.
func (r *Resolver) putTimer(t *queryTimer) {
	t.Stop()
	t.x = nil
	r.timers = append(r.timers, t)
}

// takeExchange returns an exchange for a lookup's question, from the
// free list if it has one; the caller resets it, keeping seq.
//
// An exchange of a lookup goes back to the list when it is done: after
// finish has called back, or once cancelled, unless it was still queued
// for a slot (r.waiting may hold it until startWaiting passes). By then
// nothing refers to it: its timer is back on its own list, its TCP
// connection closed, it has left its set and its slot, and its lookup
// has dropped it. The one later reference is a deferred socket-error
// report (sendUDP), which recognises a reused exchange by its seq.
func (r *Resolver) takeExchange() *exchange {
	if n := len(r.exchanges); n > 0 {
		x := r.exchanges[n-1]
		r.exchanges[n-1] = nil
		r.exchanges = r.exchanges[:n-1]
		return x
	}
	return &exchange{}
}

// putExchange puts a lookup's exchange that is done on the free list,
// which keeps at most as many as may be in flight.
func (r *Resolver) putExchange(x *exchange) {
	if len(r.exchanges) < r.maxOut {
		x.lk, x.set, x.last, x.err, x.raw = nil, nil, nil, nil, nil
		r.exchanges = append(r.exchanges, x)
	}
}
