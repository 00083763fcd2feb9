package httpc

import (
	"time"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
)

// Defaults of [Client], AnyEvent::HTTP's globals (spec §1.3).
const (
	// DefaultMaxRecurse is the redirect budget of a request.
	DefaultMaxRecurse = 10
	// DefaultTimeout is the inactivity timeout of each phase.
	DefaultTimeout = 300 * time.Second
	// DefaultMaxPerHost bounds the connections per host name, and the idle
	// connections per pool key (AnyEvent: "changing this is evil").
	DefaultMaxPerHost = 4
	// DefaultPersistentTimeout is how long an idle pooled connection is
	// kept without any I/O.
	DefaultPersistentTimeout = 3 * time.Second
	// DefaultUserAgent is AnyEvent::HTTP 2.25's User-Agent, byte for byte.
	DefaultUserAgent = "Mozilla/5.0 (compatible; U; AnyEvent-HTTP/2.25; +http://software.schmorp.de/pkg/AnyEvent)"
)

// Client is AnyEvent::HTTP bound to one loop: its knobs, its per-host
// slots and its connection pool. The zero value of every field gives
// AnyEvent's default; fields are read when they are needed, so changes
// affect later requests. A Client belongs to its loop's goroutine.
type Client struct {
	// MaxRecurse is the default redirect budget; 0 means
	// DefaultMaxRecurse (use Options.Recurse for a budget of 0).
	MaxRecurse int
	// Timeout is the default inactivity timeout; 0 means DefaultTimeout.
	Timeout time.Duration
	// UserAgent is the default User-Agent; "" means DefaultUserAgent.
	UserAgent string
	// MaxPerHost bounds active connections per host; 0 means
	// DefaultMaxPerHost.
	MaxPerHost int
	// PersistentTimeout is the idle time after which a pooled connection
	// is closed; 0 means DefaultPersistentTimeout.
	PersistentTimeout time.Duration
	// Resolver resolves host names for the default connector; nil means
	// socket.DefaultResolver of the loop, shared with everything else on
	// it (AnyEvent's one resolver per process).
	Resolver *dns.Resolver
	// Compat turns on AnyEvent::HTTP's exact behaviour where the default
	// differs for safety; 0 means the safe behaviour.
	Compat Compat

	l      *loop.Loop
	hosts  map[string]*hostSlots
	pool   map[poolKey]*idlePool
	active int
	spare  []*hostSlots // recycled slot records
	wbuf   []byte       // scratch for request heads, shared by all conns
	// lastHead is the head of the last request made without options.
	lastHead headMemo
	trace    func(from, to Phase) // test hook: every phase transition
	rh       respHead             // head parser state, shared: see conn.readHead
	// lastURL is the URL of the last request that passed setURL's checks
	// (see Call.setURL); lastURL.Raw is "" before the first.
	lastURL urlParts
	// lastHosts is the slot record acquire found last; it is still in
	// hosts while its host field equals the name (schedule clears it).
	lastHosts *hostSlots
	// lastPool is the pool entry findPool found last; nil once unref
	// removes it from pool.
	lastPool *idlePool
}

// hostSlots is the slot bookkeeping of one host (spec §5.1).
type hostSlots struct {
	host   string
	active int
	queue  []*Call // FIFO of requests waiting for a slot
}

// New returns a client for l with AnyEvent's defaults.
func New(l *loop.Loop) *Client {
	return &Client{l: l, hosts: make(map[string]*hostSlots), pool: make(map[poolKey]*idlePool)}
}

// Loop returns the client's loop.
func (cl *Client) Loop() *loop.Loop { return cl.l }

// Active returns the number of granted connection slots: requests that are
// connecting or using a connection, not queued ones and not idle pooled
// connections (AnyEvent $ACTIVE).
func (cl *Client) Active() int { return cl.active }

// Idle returns the number of idle pooled connections.
func (cl *Client) Idle() int {
	n := 0
	for _, p := range cl.pool {
		n += p.idle
	}
	return n
}

// CloseIdle closes every idle pooled connection.
func (cl *Client) CloseIdle() {
	for _, p := range cl.pool {
		c := p.newest
		p.newest, p.idle = nil, 0
		for c != nil {
			next := c.nextIdle
			c.nextIdle = nil
			c.close() // may remove p from the map: allowed during range
			c = next
		}
	}
}

func (cl *Client) maxPerHost() int {
	if cl.MaxPerHost > 0 {
		return cl.MaxPerHost
	}
	return DefaultMaxPerHost
}

func (cl *Client) timeout() time.Duration {
	if cl.Timeout > 0 {
		return cl.Timeout
	}
	return DefaultTimeout
}

func (cl *Client) persistentTimeout() time.Duration {
	if cl.PersistentTimeout > 0 {
		return cl.PersistentTimeout
	}
	return DefaultPersistentTimeout
}

func (cl *Client) userAgent() string {
	if cl.UserAgent != "" {
		return cl.UserAgent
	}
	return DefaultUserAgent
}

func (cl *Client) maxRecurse() int {
	if cl.MaxRecurse != 0 {
		return cl.MaxRecurse
	}
	return DefaultMaxRecurse
}

// acquire asks for a slot for call's host: granted at once (and the
// request started) while the host has fewer than MaxPerHost, else queued.
func (cl *Client) acquire(call *Call) {
	hs := cl.lastHosts
	if hs == nil || hs.host != call.u.Host {
		hs = cl.hosts[call.u.Host]
		if hs == nil {
			hs = cl.newHostSlots(call.u.Host)
		}
		cl.lastHosts = hs
	}
	call.hs = hs
	if hs.active < cl.maxPerHost() && len(hs.queue) == 0 {
		cl.grant(hs, call)
		return
	}
	call.state = callQueued
	hs.queue = append(hs.queue, call)
}

func (cl *Client) newHostSlots(host string) *hostSlots {
	var hs *hostSlots
	if k := len(cl.spare); k > 0 {
		hs, cl.spare = cl.spare[k-1], cl.spare[:k-1]
	} else {
		hs = &hostSlots{}
	}
	hs.host = host
	cl.hosts[host] = hs
	return hs
}

func (cl *Client) grant(hs *hostSlots, call *Call) {
	hs.active++
	cl.active++
	call.state = callActive
	call.start()
}

// release gives call's slot back and grants the queue head, if any, at
// once (spec §1.5: the next request may start before the callback runs).
func (cl *Client) release(call *Call) {
	hs := call.hs
	if hs == nil {
		return
	}
	call.hs = nil
	hs.active--
	cl.active--
	cl.schedule(hs)
}

// schedule grants waiting requests while slots are free, and forgets the
// host once it has neither slots nor waiters.
func (cl *Client) schedule(hs *hostSlots) {
	for len(hs.queue) > 0 && hs.active < cl.maxPerHost() {
		next := hs.queue[0]
		copy(hs.queue, hs.queue[1:])
		hs.queue[len(hs.queue)-1] = nil
		hs.queue = hs.queue[:len(hs.queue)-1]
		cl.grant(hs, next)
	}
	if hs.active == 0 && len(hs.queue) == 0 && cl.hosts[hs.host] == hs {
		delete(cl.hosts, hs.host)
		hs.host = ""
		if len(cl.spare) < 64 {
			cl.spare = append(cl.spare, hs)
		}
	}
}

// dequeue removes a cancelled call from its host's queue.
func (cl *Client) dequeue(call *Call) {
	hs := call.hs
	call.hs = nil
	if hs == nil {
		return
	}
	for i, w := range hs.queue {
		if w == call {
			copy(hs.queue[i:], hs.queue[i+1:])
			hs.queue[len(hs.queue)-1] = nil
			hs.queue = hs.queue[:len(hs.queue)-1]
			break
		}
	}
	cl.schedule(hs)
}
