package dns

import (
	"errors"
	"net/netip"

	"golang.org/x/net/dns/dnsmessage"
)

// ResolveOptions refine a [Resolver.Resolve]; nil means defaults.
type ResolveOptions struct {
	// Search, when not nil, replaces the resolver's search list for this
	// lookup; the ndots rule still decides the order. (In AnyEvent::DNS a
	// search option also drops the bare name, and an empty list means no
	// candidates at all.)
	Search []string
	// Accept lists the record types that answer the query; empty means
	// the query type alone. A CNAME is followed unless CNAME is accepted.
	Accept []dnsmessage.Type
	// Class is the query class; 0 means IN.
	Class dnsmessage.Class
}

// Query is a lookup in progress; its only use is [Query.Cancel].
type Query struct {
	r    *Resolver
	jobs [2]interface{ cancel() }
	done bool // the callback ran or the query was cancelled
}

// Cancel stops the query. After Cancel returns the callback never runs; the
// sockets of the query are closed and its slot is freed. Cancelling after
// the callback ran, or twice, does nothing.
func (q *Query) Cancel() {
	if q.done {
		return
	}
	q.done = true
	// Hold the queue while the jobs go, so that the slot one of them frees
	// is not given to another job of this query.
	r := q.r
	held := r.starting
	r.starting = true
	for _, j := range q.jobs {
		if j != nil {
			j.cancel()
		}
	}
	r.starting = held
	r.startWaiting()
}

// complete marks q done and reports whether the callback may run.
func (q *Query) complete() bool {
	if q.done {
		return false
	}
	q.done = true
	return true
}

// Lookup is Resolve with default options.
func (r *Resolver) Lookup(name string, qtype dnsmessage.Type, cb func(*Answer, error)) *Query {
	return r.Resolve(name, qtype, nil, cb)
}

// Resolve looks name up in DNS as AnyEvent::DNS resolve does (spec
// §16.4): it tries the candidates of the search list in ndots order
// (a name with a trailing dot is tried alone), answers each from the
// cache or the servers, follows CNAME chains (at most [MaxCNAMEHops] per
// candidate), and calls cb with the first records of an accepted type. A
// candidate that does not exist, has no such records or whose servers
// fail moves the lookup to the next one; when none is left cb gets an
// [*Error]: [ErrNoData] if some candidate exists, else a failure
// ([ErrTimeout], [ErrServFail], …) if one occurred, else [ErrNXDomain].
//
// Resolve does not consult the hosts database; [Resolver.LookupHost],
// [Resolver.LookupNetIP] and [Resolver.LookupPTR] do.
func (r *Resolver) Resolve(name string, qtype dnsmessage.Type, opts *ResolveOptions, cb func(*Answer, error)) *Query {
	j := &resolveJob{cb: cb}
	j.q.r = r
	j.lk.init(r, name, qtype, opts, j)
	j.q.jobs[0] = &j.lk
	r.deferStart(&j.lk)
	return &j.q
}

// resolveJob is a Resolve: its query handle, its lookup and the
// callback, in one allocation.
type resolveJob struct {
	q  Query
	lk lookup
	cb func(*Answer, error)
}

func (j *resolveJob) lookupDone(_ *lookup, a *Answer, err error) {
	if j.q.complete() {
		j.cb(a, err)
	}
}

// lookupOwner is what a lookup reports its outcome to: the job that made
// it (an interface rather than a func, so no closure is allocated per
// lookup).
type lookupOwner interface {
	lookupDone(lk *lookup, a *Answer, err error)
}

// lookup is one Resolve: it walks the candidates and the CNAME chain and
// runs one exchange at a time, taken from the resolver's free list. A
// lookup is part of its job's allocation and is never reused.
type lookup struct {
	r        *Resolver
	name     string // as the caller gave it, for errors
	qtype    dnsmessage.Type
	class    dnsmessage.Class
	accept   []dnsmessage.Type
	qtypes   [1]dnsmessage.Type // backs accept when it is just qtype
	names    []string           // candidates; nil when the name is invalid
	namesBuf [2]string          // backs names in the common cases
	next     int                // index of the next candidate
	cand     string             // the current candidate
	cur      string             // the name being asked: cand or a CNAME target
	hops     int                // CNAMEs followed for cand
	ex       *exchange          // the question in flight, else nil
	socks    *udpSet            // the UDP sockets of all its exchanges; nil until needed
	own      udpSet             // backs socks unless it is shared
	err      error              // the failure to report if no candidate answers
	errSrv   netip.AddrPort
	owner    lookupOwner
	ans      Answer // the answer handed to owner
	over     bool   // finished or cancelled
}

// init prepares a lookup, which a job embeds; r.deferStart starts it.
func (lk *lookup) init(r *Resolver, name string, qtype dnsmessage.Type, opts *ResolveOptions, owner lookupOwner) {
	lk.r, lk.name, lk.qtype, lk.class, lk.owner = r, name, qtype, dnsmessage.ClassINET, owner
	search := r.search
	if opts != nil {
		if opts.Search != nil {
			search = searchList(opts.Search)
		}
		if len(opts.Accept) > 0 {
			lk.accept = opts.Accept
		}
		if opts.Class != 0 {
			lk.class = opts.Class
		}
	}
	if lk.accept == nil {
		lk.qtypes[0] = qtype
		lk.accept = lk.qtypes[:]
	}
	lk.names, _ = candidates(lk.namesBuf[:0], name, search, r.ndots)
}

// initSibling prepares lk to ask for qtype what sib, made by init without
// options, asks for its own type: the same name and candidates, which it
// copies rather than derives again.
func (lk *lookup) initSibling(sib *lookup, qtype dnsmessage.Type) {
	lk.r, lk.name, lk.qtype, lk.class, lk.owner = sib.r, sib.name, qtype, sib.class, sib.owner
	lk.qtypes[0] = qtype
	lk.accept = lk.qtypes[:]
	if sib.names != nil {
		lk.names = append(lk.namesBuf[:0], sib.names...)
	}
}

// start runs on the loop after Resolve returned (Resolver.runStarts).
func (lk *lookup) start() {
	switch {
	case lk.over:
		return
	case lk.r.closed:
		lk.finish(nil, ErrClosed)
	case lk.names == nil:
		lk.finish(nil, ErrInvalidName)
	case len(lk.r.servers) == 0:
		lk.finish(nil, ErrNoServers)
	default:
		lk.nextCandidate()
	}
}

func (lk *lookup) cancel() {
	lk.over = true
	if lk.ex != nil {
		lk.ex.cancel()
		lk.ex = nil
	}
	lk.dropSockets()
}

// useSockets makes the lookup share set with others (the other family of
// LookupNetIP).
func (lk *lookup) useSockets(set *udpSet) {
	set.hold()
	lk.socks = set
}

// dropSockets gives up the lookup's hold on its sockets.
func (lk *lookup) dropSockets() {
	if lk.socks != nil {
		lk.socks.release()
		lk.socks = nil
	}
}

// nextCandidate moves to the next candidate, or fails when none is left.
func (lk *lookup) nextCandidate() {
	if lk.next >= len(lk.names) {
		err := lk.err
		if err == nil {
			err = ErrNXDomain
		}
		lk.finish(nil, err)
		return
	}
	lk.cand = lk.names[lk.next]
	lk.next++
	lk.cur, lk.hops = lk.cand, 0
	lk.ask()
}

// ask answers lk.cur from the cache, or sends it to the servers.
func (lk *lookup) ask() {
	r := lk.r
	if e := r.cacheGet(lk.cur, lk.qtype, lk.class); e != nil {
		lk.consider(e.rcode, e.records(r.l.Now()), e.server, SourceCache)
		return
	}
	q := dnsmessage.Question{Type: lk.qtype, Class: lk.class}
	q.Name, _ = dnsmessage.NewName(lk.cur)
	if lk.socks == nil && lk.own.r == nil {
		lk.own.init(r)
		lk.useSockets(&lk.own)
	}
	x := r.takeExchange()
	*x = exchange{r: r, q: q, name: lk.name, lk: lk, set: lk.socks, slot: -1, seq: x.seq + 1}
	lk.ex = x
	r.submit(x)
}

// onReply takes the outcome of the exchange for lk.cur.
func (lk *lookup) onReply(rep *Reply, err error) {
	lk.ex = nil
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			lk.note(e.Err, e.Server)
		} else {
			lk.note(err, netip.AddrPort{})
		}
		lk.nextCandidate()
		return
	}
	lk.r.cachePut(lk.cur, lk.qtype, lk.class, rep)
	lk.consider(rep.Msg.Header.RCode, rep.Msg.Answers, rep.Server, SourceNetwork)
}

// consider decides what an answer for lk.cur means: records found, a CNAME
// chain to chase, or a failure of this candidate.
func (lk *lookup) consider(rc dnsmessage.RCode, rrs []dnsmessage.Resource, srv netip.AddrPort, src Source) {
	if rc == dnsmessage.RCodeNameError {
		lk.note(ErrNXDomain, srv)
		lk.nextCandidate()
		return
	}
	recs, owner, next, loop := follow(rrs, lk.cur, lk.accept, lk.class, &lk.hops)
	switch {
	case len(recs) > 0:
		lk.ans = Answer{Name: lk.cand, Canonical: owner, Records: recs, Server: srv, Source: src}
		lk.finish(&lk.ans, nil)
	case loop:
		lk.note(ErrCNAMELoop, srv)
		lk.nextCandidate()
	case next != "":
		lk.cur = next
		lk.ask()
	default:
		lk.note(ErrNoData, srv)
		lk.nextCandidate()
	}
}

// note remembers the failure of a candidate if it says more than the one
// kept so far: "no data" beats a failure to get an answer, which beats
// "no such name" (glibc res_search reports the same way).
func (lk *lookup) note(err error, srv netip.AddrPort) {
	if lk.err == nil || failureRank(err) > failureRank(lk.err) {
		lk.err, lk.errSrv = err, srv
	}
}

func failureRank(err error) int {
	switch err {
	case ErrNXDomain:
		return 0
	case ErrNoData:
		return 2
	}
	return 1
}

func (lk *lookup) finish(a *Answer, err error) {
	if lk.over {
		return
	}
	lk.over = true
	lk.dropSockets()
	if err != nil {
		lk.owner.lookupDone(lk, nil, &Error{Name: lk.name, Server: lk.errSrv, Err: err})
		return
	}
	lk.owner.lookupDone(lk, a, nil)
}
