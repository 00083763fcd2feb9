package dns

import (
	"errors"
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// MX is a mail exchanger.
type MX struct {
	Host string // as received, with a trailing dot
	Pref uint16
}

var (
	errBadNetwork    = errors.New(`dns: network must be "ip", "ip4" or "ip6"`)
	errQuestionCount = errors.New("dns: a query must have exactly one question")
)

// deliver runs fn on the loop after the current callback, unless q is
// cancelled first: the path of outcomes known at once.
func (r *Resolver) deliver(q *Query, fn func()) *Query {
	r.l.Defer(func() {
		if q.complete() {
			fn()
		}
	})
	return q
}

// LookupHost is LookupNetIP("ip", name, cb).
func (r *Resolver) LookupHost(name string, cb func(addrs []netip.Addr, err error)) *Query {
	return r.LookupNetIP("ip", name, cb)
}

// LookupNetIP returns the addresses of name: IPv4 ("ip4"), IPv6 ("ip6") or
// both ("ip"; IPv4 first, as AnyEvent prefers it). An IP literal is its own
// answer. The hosts database is consulted first and wins over DNS, as glibc
// does: with "ip", a name listed there gets its listed addresses only;
// with "ip4" or "ip6", if it lists some of that family. (AnyEvent::Socket
// does it the other way round: DNS first, hosts only when DNS has no
// address of the family.) Otherwise A and AAAA lookups ([Resolver.Resolve])
// run in parallel and cb gets their addresses once both are done, or the
// more telling error when neither found any.
func (r *Resolver) LookupNetIP(network, name string, cb func(addrs []netip.Addr, err error)) *Query {
	want4, want6 := network != "ip6", network != "ip4"
	if network != "ip" && network != "ip4" && network != "ip6" {
		return r.deliver(&Query{r: r}, func() { cb(nil, &Error{Name: name, Err: errBadNetwork}) })
	}
	if ip, ok := parseLiteral(name); ok {
		if (ip.Unmap().Is4() && !want4) || (!ip.Unmap().Is4() && !want6) {
			return r.deliver(&Query{r: r}, func() { cb(nil, &Error{Name: name, Err: ErrNoData}) })
		}
		return r.deliver(&Query{r: r}, func() { cb([]netip.Addr{ip}, nil) })
	}
	if addrs := hostsAddrs(r.hosts.Lookup(name), want4, want6); len(addrs) > 0 {
		return r.deliver(&Query{r: r}, func() { cb(addrs, nil) })
	}
	if want4 && want6 {
		j := &addrJob2{}
		j.lks = j.arr[:]
		j.socks.init(r) // one socket per server for both questions
		j.begin(r, cb, name, &j.socks, dnsmessage.TypeA, dnsmessage.TypeAAAA)
		return &j.q
	}
	qtype := dnsmessage.TypeA
	if !want4 {
		qtype = dnsmessage.TypeAAAA
	}
	j := &addrJob1{}
	j.lks = j.arr[:]
	j.begin(r, cb, name, nil, qtype)
	return &j.q
}

// parseLiteral parses name as an IP address, without the cost of a failed
// parse (an error value) for names that cannot be one.
func parseLiteral(name string) (netip.Addr, bool) {
	if name == "" || (name[0] > '9' && !strings.Contains(name, ":")) {
		return netip.Addr{}, false
	}
	ip, err := netip.ParseAddr(name)
	return ip, err == nil
}

// hostsAddrs filters the hosts entries of a name by family. With both
// families wanted every entry is returned, IPv4 first.
func hostsAddrs(list []netip.Addr, want4, want6 bool) []netip.Addr {
	var v4, v6 []netip.Addr
	for _, ip := range list {
		if ip.Unmap().Is4() {
			v4 = append(v4, ip)
		} else {
			v6 = append(v6, ip)
		}
	}
	switch {
	case !want6:
		return v4
	case !want4:
		return v6
	}
	return append(v4, v6...)
}

// addrJob joins the A and AAAA lookups of LookupNetIP. It is part of an
// addrJob1 or addrJob2, which hold its lookups (and the sockets both
// share), so the job is one allocation of the size it needs; the
// addresses handed to the callback are a second; exchanges and timers
// come from the resolver's free lists.
type addrJob struct {
	q       Query
	cb      func([]netip.Addr, error)
	pending int
	lks     []lookup   // A and/or AAAA, in that order
	ans     [2]*Answer // by family: A, AAAA
	errs    [2]error   // likewise
}

// addrJob1 is the job of LookupNetIP for one family.
type addrJob1 struct {
	addrJob
	arr [1]lookup
}

// addrJob2 is the job of LookupNetIP for both families.
type addrJob2 struct {
	addrJob
	arr   [2]lookup
	socks udpSet // the UDP sockets both lookups share
}

// begin starts a lookup for each type, one per element of j.lks, sharing
// set if it is not nil.
func (j *addrJob) begin(r *Resolver, cb func([]netip.Addr, error), name string, set *udpSet, types ...dnsmessage.Type) {
	j.q.r, j.cb = r, cb
	for i, qtype := range types {
		lk := &j.lks[i]
		if i > 0 {
			lk.initSibling(&j.lks[0], qtype)
		} else {
			lk.init(r, name, qtype, nil, j)
		}
		if set != nil {
			lk.useSockets(set)
		}
		j.pending++
		j.q.jobs[i] = lk
		r.deferStart(lk)
	}
}

func (j *addrJob) lookupDone(lk *lookup, a *Answer, err error) {
	i := 0
	if lk.qtype == dnsmessage.TypeAAAA {
		i = 1
	}
	j.ans[i], j.errs[i] = a, err
	j.pending--
	j.finish()
}

func (j *addrJob) finish() {
	if j.pending > 0 || !j.q.complete() {
		return
	}
	if all := answerAddrs(j.ans[0], j.ans[1]); len(all) > 0 {
		j.cb(all, nil)
		return
	}
	err := j.errs[0]
	if err == nil || (errors.Is(err, ErrNoData) && j.errs[1] != nil && !errors.Is(j.errs[1], ErrNXDomain)) {
		err = j.errs[1]
	}
	j.cb(nil, err)
}

// answerAddrs returns the addresses of the answers, in one slice of the
// exact size.
func answerAddrs(answers ...*Answer) []netip.Addr {
	n := 0
	for _, a := range answers {
		if a != nil {
			n += len(a.Records)
		}
	}
	if n == 0 {
		return nil
	}
	addrs := make([]netip.Addr, 0, n)
	for _, a := range answers {
		if a == nil {
			continue
		}
		for _, rr := range a.Records {
			switch b := rr.Body.(type) {
			case *dnsmessage.AResource:
				addrs = append(addrs, netip.AddrFrom4(b.A))
			case *dnsmessage.AAAAResource:
				addrs = append(addrs, netip.AddrFrom16(b.AAAA))
			}
		}
	}
	if len(addrs) == 0 {
		return nil
	}
	return addrs
}

// LookupMX returns the mail exchangers of name sorted by preference,
// stable for equal ones (AnyEvent::DNS mx).
func (r *Resolver) LookupMX(name string, cb func(mx []MX, err error)) *Query {
	return r.Lookup(name, dnsmessage.TypeMX, func(a *Answer, err error) {
		if err != nil {
			cb(nil, err)
			return
		}
		var mx []MX
		for _, rr := range a.Records {
			if b, ok := rr.Body.(*dnsmessage.MXResource); ok {
				mx = append(mx, MX{Host: b.MX.String(), Pref: b.Pref})
			}
		}
		slices.SortStableFunc(mx, func(a, b MX) int { return int(a.Pref) - int(b.Pref) })
		cb(mx, nil)
	})
}

// LookupNS returns the name servers of name.
func (r *Resolver) LookupNS(name string, cb func(hosts []string, err error)) *Query {
	return r.lookupNames(name, dnsmessage.TypeNS, cb)
}

// LookupCNAME returns the target of name's CNAME record (one hop, not the
// end of the chain).
func (r *Resolver) LookupCNAME(name string, cb func(target string, err error)) *Query {
	return r.lookupNames(name, dnsmessage.TypeCNAME, func(names []string, err error) {
		if err != nil {
			cb("", err)
			return
		}
		cb(names[0], nil)
	})
}

// LookupTXT returns the TXT records of name, the strings of each record
// joined (RFC 7208 §3.3; AnyEvent::DNS txt keeps only the first string).
func (r *Resolver) LookupTXT(name string, cb func(txt []string, err error)) *Query {
	return r.Lookup(name, dnsmessage.TypeTXT, func(a *Answer, err error) {
		if err != nil {
			cb(nil, err)
			return
		}
		var txt []string
		for _, rr := range a.Records {
			if b, ok := rr.Body.(*dnsmessage.TXTResource); ok {
				txt = append(txt, strings.Join(b.TXT, ""))
			}
		}
		cb(txt, nil)
	})
}

// LookupPTR returns the names of ip (reverse lookup): from the hosts
// database if it lists ip, else from the PTR records of its in-addr.arpa
// or ip6.arpa name. IPv4-mapped addresses are looked up as IPv4.
func (r *Resolver) LookupPTR(ip netip.Addr, cb func(names []string, err error)) *Query {
	if names := r.hosts.LookupAddr(ip); len(names) > 0 {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = n + "."
		}
		return r.deliver(&Query{r: r}, func() { cb(out, nil) })
	}
	return r.lookupNames(ReverseName(ip), dnsmessage.TypePTR, cb)
}

// lookupNames returns the target names of records of a name-valued type.
func (r *Resolver) lookupNames(name string, qtype dnsmessage.Type, cb func([]string, error)) *Query {
	return r.Lookup(name, qtype, func(a *Answer, err error) {
		if err != nil {
			cb(nil, err)
			return
		}
		var names []string
		for _, rr := range a.Records {
			switch b := rr.Body.(type) {
			case *dnsmessage.NSResource:
				names = append(names, b.NS.String())
			case *dnsmessage.PTRResource:
				names = append(names, b.PTR.String())
			case *dnsmessage.CNAMEResource:
				names = append(names, b.CNAME.String())
			}
		}
		cb(names, nil)
	})
}

// Exchange sends msg, which must have exactly one question, to the servers
// with the retry schedule and the TCP fallback, and calls cb with the
// reply: no search list, no CNAME chasing, no cache, no hosts database
// (AnyEvent::DNS request). The ID of msg is replaced by a random one; msg
// itself is not modified. NOERROR and NXDOMAIN replies are final; after
// SERVFAIL-class replies the next server is asked, and if none does better
// cb gets the last such reply together with the error.
func (r *Resolver) Exchange(msg *dnsmessage.Message, cb func(*Reply, error)) *Query {
	q := &Query{r: r}
	if len(msg.Questions) != 1 {
		return r.deliver(q, func() { cb(nil, &Error{Err: errQuestionCount}) })
	}
	m := *msg
	x := r.newExchange(m.Questions[0].Name.String(), m.Questions[0], &m, func(rep *Reply, err error) {
		if q.complete() {
			cb(rep, err)
		}
	})
	q.jobs[0] = x
	r.l.Defer(func() {
		switch {
		case x.state != querySend:
		case r.closed:
			x.finish(nil, &Error{Name: x.name, Err: ErrClosed})
		default:
			r.submit(x)
		}
	})
	return q
}
