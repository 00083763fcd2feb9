package socket

import (
	"net/netip"
	"slices"
	"strings"
	"syscall"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/idna"
)

// Theory of operation: a Resolution is AnyEvent::Socket's resolve_sockaddr
// for TCP (spec §15.2) on a dns.Resolver.
//
// Rules:
//  1. The service is parsed first: a bad one fails the resolution.
//  2. The host gives the targets, each a name or address with a port:
//     "localhost" is 127.0.0.1 and ::1 (no lookup at all); an IP literal is
//     itself; a name with a service name is looked up as SRV
//     _service._tcp.host first, and if there are SRV records their targets
//     and ports are the targets ("." alone means the service is not
//     offered: no target); otherwise the host and port are the target.
//  3. Every name target is looked up with LookupNetIP, all in parallel,
//     for the enabled protocols; addresses of disabled protocols are
//     dropped.
//  4. Once all lookups are done, the addresses are ordered by protocol
//     preference, then by target, then as the resolver returned them, and
//     cb runs once, never before Resolve returned; with no address at all
//     the error is ENXIO ("No such device or address"), with the last
//     lookup failure attached.
//  5. Cancel stops every lookup; cb does not run afterwards.

// Resolution is a [Dialer.Resolve] in progress; its only use is
// [Resolution.Cancel].
type Resolution struct {
	l       *loop.Loop
	r       *dns.Resolver // set when a name needs looking up
	pr      prefs
	host    string // as given, for errors
	service string
	noSRV   bool
	getR    func() (*dns.Resolver, error)
	cb      func([]netip.AddrPort, error)

	srv     *dns.Query   // the SRV lookup while it runs
	lookups []*dns.Query // the address lookups
	pending int          // address lookups not yet answered
	found   []found
	err     error // set: the resolution fails with it whatever was found
	lastErr error // the last lookup failure, for the ENXIO error
	over    bool  // cb ran, or cancelled
}

// found is one address and where it sorts.
type found struct {
	rank, target int
	ap           netip.AddrPort
}

// target is a name or address to look up, with its port.
type target struct {
	name string
	port int
}

// Resolve turns host and service into the list of addresses [Dialer.Dial]
// would try, in that order (without the happy eyeballs interleaving), and
// calls cb with them on l: once unless cancelled, never before Resolve
// returns. host and service are as for [TCPConnect], except that [Unix]
// is not accepted (it has no IP addresses). With no address, err is an
// [*Error] wrapping ENXIO (and the resolver's error in Lookup), or an
// error for a bad service.
func (d *Dialer) Resolve(l *loop.Loop, host, service string, cb func(addrs []netip.AddrPort, err error)) *Resolution {
	rs := &Resolution{
		l: l, pr: newPrefs(d.Protocols), host: host, service: service,
		noSRV: d.NoSRV, cb: cb,
	}
	res := d.Resolver
	rs.getR = func() (*dns.Resolver, error) {
		if res != nil {
			return res, nil
		}
		return DefaultResolver(l)
	}
	rs.start()
	return rs
}

// Cancel stops the resolution; cb does not run after Cancel returns.
// Cancelling after cb ran, or twice, does nothing.
func (rs *Resolution) Cancel() {
	if rs.over {
		return
	}
	rs.over = true
	if rs.srv != nil {
		rs.srv.Cancel()
		rs.srv = nil
	}
	for _, q := range rs.lookups {
		q.Cancel()
	}
	rs.lookups = nil
}

// start parses the arguments and starts the first lookup, or schedules the
// answer when none is needed.
func (rs *Resolution) start() {
	srvName, port, err := parseService(rs.service)
	if err != nil {
		rs.err = err
		rs.l.Defer(rs.finish)
		return
	}
	host := toASCII(rs.host)
	if host == "localhost" {
		rs.add(0, netip.AddrFrom4([4]byte{127, 0, 0, 1}), port)
		rs.add(1, netip.IPv6Loopback(), port)
		rs.l.Defer(rs.finish)
		return
	}
	if ip, ok := parseLiteral(host); ok {
		rs.add(0, ip, port)
		rs.l.Defer(rs.finish)
		return
	}
	if rs.r, err = rs.getR(); err != nil {
		rs.lastErr = err
		rs.l.Defer(rs.finish)
		return
	}
	if srvName != "" && !rs.noSRV {
		rs.srv = rs.r.LookupSRV(srvName, "tcp", host, func(srv []dns.SRV, err error) {
			rs.srv = nil
			rs.onSRV(host, port, srv, err)
		})
		return
	}
	rs.lookup([]target{{host, port}})
}

// onSRV takes the SRV answer: its targets, or the host itself when there
// are no records (a failed SRV lookup counts as none, as in AnyEvent).
func (rs *Resolution) onSRV(host string, port int, srv []dns.SRV, err error) {
	if err != nil || len(srv) == 0 {
		rs.lookup([]target{{host, port}})
		return
	}
	var ts []target
	for _, s := range srv {
		if s.Target != "." {
			ts = append(ts, target{s.Target, int(s.Port)})
		}
	}
	rs.lookup(ts) // none left: RFC 2782 "service decidedly not available"
}

// lookup resolves the targets, all at once; literals need no lookup.
func (rs *Resolution) lookup(ts []target) {
	network := rs.pr.network()
	for i, t := range ts {
		if ip, ok := parseLiteral(t.name); ok {
			rs.add(i, ip, t.port)
			continue
		}
		if network == "" {
			continue
		}
		rs.pending++
		i, port := i, t.port
		q := rs.r.LookupNetIP(network, strings.ToLower(t.name), func(addrs []netip.Addr, err error) {
			rs.onAddrs(i, port, addrs, err)
		})
		rs.lookups = append(rs.lookups, q)
	}
	if rs.pending == 0 {
		rs.l.Defer(rs.finish)
	}
}

// onAddrs takes the answer for target i.
func (rs *Resolution) onAddrs(i, port int, addrs []netip.Addr, err error) {
	rs.pending--
	if err != nil {
		rs.lastErr = err
	}
	for _, ip := range addrs {
		rs.add(i, ip, port)
	}
	if rs.pending == 0 {
		rs.finish()
	}
}

// add records an address of target i, unless its protocol is disabled.
func (rs *Resolution) add(i int, ip netip.Addr, port int) {
	ip = ip.Unmap()
	if rank := rs.pr.rank(ip); rank >= 0 {
		rs.found = append(rs.found, found{rank, i, netip.AddrPortFrom(ip, uint16(port))})
	}
}

// finish orders the addresses and calls back.
func (rs *Resolution) finish() {
	if rs.over {
		return
	}
	rs.over = true
	rs.lookups = nil
	if rs.err == nil && len(rs.found) == 0 {
		rs.err = syscall.ENXIO
	}
	if rs.err != nil {
		rs.cb(nil, &Error{Op: "resolve", Host: rs.host, Service: rs.service, Err: rs.err, Lookup: rs.lastErr})
		return
	}
	slices.SortStableFunc(rs.found, func(a, b found) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.target - b.target
	})
	addrs := make([]netip.AddrPort, len(rs.found))
	for i, f := range rs.found {
		addrs[i] = f.ap
	}
	rs.cb(addrs, nil)
}

// parseLiteral parses a host that is an IP address: any [ParseAddress]
// form, or an IPv6 address with a zone ("fe80::1%eth0"), which AnyEvent
// does not take.
func parseLiteral(host string) (netip.Addr, bool) {
	if ip, ok := ParseAddress(host); ok {
		return ip, true
	}
	if strings.Contains(host, "%") {
		if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() {
			return ip, true
		}
	}
	return netip.Addr{}, false
}

// toASCII converts an internationalised name to its ASCII form (IDNA,
// UTS #46); a name that does not convert is used as it is (AnyEvent
// idn_to_ascii).
func toASCII(host string) string {
	for i := 0; i < len(host); i++ {
		if host[i] >= 0x80 {
			if a, err := idna.Lookup.ToASCII(host); err == nil {
				return a
			}
			return host
		}
	}
	return host
}
