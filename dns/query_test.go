package dns

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/looptest"
	"golang.org/x/net/dns/dnsmessage"
)

// The legal transitions of an exchange, as a table (STYLE B8).
func TestLegalTransitions(t *testing.T) {
	want := map[queryState][]queryState{
		querySend: {queryWait, queryTCP, queryDone},
		queryWait: {queryWait, queryTCP, queryDone},
		queryTCP:  {queryWait, queryTCP, queryDone},
		queryDone: nil,
	}
	for from := querySend; from <= queryDone; from++ {
		var got []queryState
		for to := querySend; to <= queryDone; to++ {
			if legalNext[from]&(1<<to) != 0 {
				got = append(got, to)
			}
		}
		if !reflect.DeepEqual(got, want[from]) {
			t.Errorf("%v may go to %v, want %v", from, got, want[from])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("an illegal transition did not panic")
		}
	}()
	x := &exchange{state: queryDone}
	x.enter(queryWait)
}

func servFail(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
	s.send(reply(req, dnsmessage.RCodeServerFailure), from)
}

// A SERVFAIL ends the attempt at once and the next server is asked
// (AnyEvent::DNS would stop at the first reply, Appendix B W11).
func TestServFailFallsBackToNextServer(t *testing.T) {
	l := newLoop(t)
	bad := startFake(t, "127.0.0.2", servFail)
	good := startDnsmasq(t)
	r := newResolver(t, l, fastConfig(ms(5000, 5000), bad.addr, good.Addr))
	start := time.Now()
	a, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeA)
	if err != nil || a.Server != good.Addr {
		t.Fatalf("Lookup = %+v, %v; want the answer of %v", a, err, good.Addr)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v: the SERVFAIL was not acted on at once", d)
	}
	if n := bad.count.Load(); n != 1 {
		t.Errorf("failing server asked %d times, want 1", n)
	}
}

// When every server fails, each is asked once per round and the lookup
// reports SERVFAIL; Exchange also hands over the last reply.
func TestAllServersFail(t *testing.T) {
	l := newLoop(t)
	a := startFake(t, "127.0.0.2", servFail)
	b := startFake(t, "127.0.0.3", servFail)
	r := newResolver(t, l, fastConfig(ms(5000, 5000, 5000), a.addr, b.addr))
	_, err := lookupSync(t, l, r, "x.test.", dnsmessage.TypeA)
	var e *Error
	if !errors.Is(err, ErrServFail) || !errors.As(err, &e) || e.Server != b.addr {
		t.Fatalf("err = %v, want SERVFAIL from %v", err, b.addr)
	}
	if a.count.Load() != 3 || b.count.Load() != 3 {
		t.Errorf("asked %d and %d times, want 3 each", a.count.Load(), b.count.Load())
	}
	msg := &dnsmessage.Message{Questions: []dnsmessage.Question{question("x.test.", dnsmessage.TypeA)}}
	rep, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) })
	if !errors.Is(err, ErrServFail) || rep == nil || rep.Msg.Header.RCode != dnsmessage.RCodeServerFailure {
		t.Errorf("Exchange = %+v, %v", rep, err)
	}
}

// A server that never answers costs one timeout, then the next server
// answers.
func TestTimeoutMovesToNextServer(t *testing.T) {
	l := newLoop(t)
	hole := startFake(t, "127.0.0.2", blackHole)
	good := startDnsmasq(t)
	r := newResolver(t, l, fastConfig(ms(150, 150), hole.addr, good.Addr))
	start := time.Now()
	a, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeA)
	d := time.Since(start)
	if err != nil || a.Server != good.Addr {
		t.Fatalf("Lookup = %+v, %v", a, err)
	}
	if d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("answered after %v, want just over the 150ms timeout", d)
	}
	if hole.count.Load() != 1 {
		t.Errorf("silent server asked %d times, want 1", hole.count.Load())
	}
}

// With only silent servers, the whole ladder runs: A, B, A, B with the
// timeouts of each round, then ErrTimeout.
func TestTimeoutLadder(t *testing.T) {
	l := newLoop(t)
	a := startFake(t, "127.0.0.2", blackHole)
	b := startFake(t, "127.0.0.3", blackHole)
	r := newResolver(t, l, fastConfig(ms(100, 200), a.addr, b.addr))
	start := time.Now()
	_, err := lookupSync(t, l, r, "x.test.", dnsmessage.TypeA)
	total := time.Since(start)
	var e *Error
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &e) || !e.Timeout() {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if total < 600*time.Millisecond || total > 3*time.Second {
		t.Errorf("gave up after %v, want about 100+100+200+200 ms", total)
	}
	_, ta := a.received()
	_, tb := b.received()
	if len(ta) != 2 || len(tb) != 2 {
		t.Fatalf("queries: %d to A, %d to B; want 2 each", len(ta), len(tb))
	}
	gaps := []time.Duration{tb[0].Sub(ta[0]), ta[1].Sub(tb[0]), tb[1].Sub(ta[1])}
	for i, want := range ms(100, 100, 200) {
		if gaps[i] < want-20*time.Millisecond || gaps[i] > want+500*time.Millisecond {
			t.Errorf("gap %d = %v, want about %v", i, gaps[i], want)
		}
	}
}

// Forged replies are ignored: wrong ID, wrong question, wrong source port
// or address; the genuine answer that follows wins.
func TestSpoofedRepliesIgnored(t *testing.T) {
	l := newLoop(t)
	other, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	otherAddr, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 9)})
	if err != nil {
		t.Fatal(err)
	}
	defer otherAddr.Close()
	var forged atomic.Int32
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		q := req.Questions[0]
		evil := rrA(q.Name.String(), 60, [4]byte{6, 6, 6, 6})
		wrongID := reply(req, 0, evil)
		wrongID.Header.ID++
		s.send(wrongID, from)
		wrongName := reply(req, 0, rrA("evil.test.", 60, [4]byte{6, 6, 6, 7}))
		wrongName.Questions = []dnsmessage.Question{question("evil.test.", dnsmessage.TypeA)}
		s.send(wrongName, from)
		wrongType := reply(req, 0, evil)
		wrongType.Questions = []dnsmessage.Question{question(q.Name.String(), dnsmessage.TypeAAAA)}
		s.send(wrongType, from)
		b, _ := reply(req, 0, evil).Pack()
		other.WriteToUDP(b, from)     // same address, other port
		otherAddr.WriteToUDP(b, from) // other address
		forged.Store(5)
		time.Sleep(50 * time.Millisecond)
		s.send(reply(req, 0, rrA(q.Name.String(), 60, [4]byte{1, 2, 3, 4})), from)
	})
	r := newResolver(t, l, fastConfig(ms(2000), srv.addr))
	got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip4", "www.test", cb) })
	if err != nil || !reflect.DeepEqual(got, addrs("1.2.3.4")) {
		t.Fatalf("LookupNetIP = %v, %v; want the genuine 1.2.3.4", got, err)
	}
	if forged.Load() != 5 {
		t.Error("the forged replies were not sent")
	}
}

// A server whose port is closed answers with an ICMP error, which ends its
// attempt at once.
func TestICMPErrorMovesOn(t *testing.T) {
	l := newLoop(t)
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	closed := c.LocalAddr().(*net.UDPAddr).AddrPort()
	c.Close()
	good := startDnsmasq(t)
	r := newResolver(t, l, fastConfig(ms(5000), closed, good.Addr))
	start := time.Now()
	a, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeA)
	if err != nil || a.Server != good.Addr {
		t.Fatalf("Lookup = %+v, %v", a, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v; the ICMP error was not acted on", d)
	}
	r2 := newResolver(t, l, fastConfig(ms(5000), closed))
	_, err = lookupSync(t, l, r2, "www.test", dnsmessage.TypeA)
	if want := "dns: lookup www.test on " + closed.String() + ": Connection refused"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

// A server that does not know EDNS0 (FORMERR without OPT) is asked again
// without it (RFC 6891 §7).
func TestEDNSFallback(t *testing.T) {
	l := newLoop(t)
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		if len(req.Additionals) > 0 {
			s.send(reply(req, dnsmessage.RCodeFormatError), from)
			return
		}
		answerA([4]byte{1, 2, 3, 4})(s, req, from)
	})
	r := newResolver(t, l, fastConfig(ms(2000), srv.addr))
	if _, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeA); err != nil {
		t.Fatal(err)
	}
	qs, _ := srv.received()
	if len(qs) != 2 || len(qs[0].Additionals) != 1 || len(qs[1].Additionals) != 0 || qs[0].Header.ID != qs[1].Header.ID {
		t.Errorf("queries %v; want one with OPT, then the same without", qs)
	}
}

// At most MaxOutstanding exchanges are in flight; the rest queue and all
// complete.
func TestMaxOutstanding(t *testing.T) {
	l := newLoop(t)
	var inFlight, peak atomic.Int32
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		go func() {
			time.Sleep(30 * time.Millisecond)
			inFlight.Add(-1)
			answerA([4]byte{1, 2, 3, 4})(s, req, from)
		}()
	})
	cfg := fastConfig(ms(2000), srv.addr)
	cfg.MaxOutstanding = 3
	r := newResolver(t, l, cfg)
	done := 0
	for i := range 8 {
		r.LookupNetIP("ip4", "h"+string(rune('a'+i))+".test", func(a []netip.Addr, err error) {
			if err != nil {
				t.Error(err)
			}
			done++
		})
	}
	looptest.RunUntil(t, l, testLimit, func() bool { return done == 8 })
	if p := peak.Load(); p != 3 {
		t.Errorf("peak of %d queries in flight, want 3", p)
	}
	if len(r.active) != 0 || len(r.waiting) != 0 {
		t.Errorf("slots not released: %d active, %d waiting", len(r.active), len(r.waiting))
	}
}

func openFds(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

// Cancel stops the callback and frees the socket and the slot, in every
// phase.
func TestCancel(t *testing.T) {
	l := newLoop(t)
	hole := startFake(t, "127.0.0.2", blackHole)
	good := startFake(t, "127.0.0.3", answerA([4]byte{1, 2, 3, 4}))
	cfg := fastConfig(ms(5000), hole.addr)
	cfg.MaxOutstanding = 1
	r := newResolver(t, l, cfg)
	before := openFds(t)
	called := false
	q1 := r.LookupHost("a.test", func([]netip.Addr, error) { called = true })
	q2 := r.Lookup("b.test", dnsmessage.TypeA, func(*Answer, error) { called = true })
	q2.Cancel() // before it started
	looptest.RunUntil(t, l, testLimit, func() bool { return hole.count.Load() == 1 })
	if len(r.waiting) != 1 {
		t.Fatalf("%d exchanges waiting, want the AAAA query", len(r.waiting))
	}
	q1.Cancel() // one in flight, one queued
	q1.Cancel()
	if len(r.active) != 0 || openFds(t) != before {
		t.Errorf("after Cancel: %d active, %d fds open (was %d)", len(r.active), openFds(t), before)
	}
	r2 := newResolver(t, l, fastConfig(ms(5000), good.addr))
	if _, err := lookupSync(t, l, r2, "c.test", dnsmessage.TypeA); err != nil {
		t.Fatal(err)
	}
	if called {
		t.Error("a cancelled callback ran")
	}
	if hole.count.Load() != 1 {
		t.Errorf("%d queries sent; the cancelled ones went out", hole.count.Load())
	}
}

func TestClose(t *testing.T) {
	l := newLoop(t)
	hole := startFake(t, "127.0.0.2", blackHole)
	r := newResolver(t, l, fastConfig(ms(5000), hole.addr))
	before := openFds(t)
	called := false
	r.LookupHost("a.test", func([]netip.Addr, error) { called = true })
	looptest.RunUntil(t, l, testLimit, func() bool { return hole.count.Load() == 2 })
	r.Close()
	if openFds(t) != before {
		t.Errorf("Close left sockets open")
	}
	_, err := lookupSync(t, l, r, "b.test", dnsmessage.TypeA)
	if !errors.Is(err, ErrClosed) || called {
		t.Errorf("after Close: %v, called %v", err, called)
	}
}

// Rotate starts each exchange at the next server.
func TestRotate(t *testing.T) {
	l := newLoop(t)
	a := startFake(t, "127.0.0.2", answerA([4]byte{1, 1, 1, 1}))
	b := startFake(t, "127.0.0.3", answerA([4]byte{2, 2, 2, 2}))
	cfg := fastConfig(ms(2000), a.addr, b.addr)
	cfg.Rotate = true
	r := newResolver(t, l, cfg)
	var servers []netip.AddrPort
	for range 3 {
		ans, err := lookupSync(t, l, r, "x.test.", dnsmessage.TypeA)
		if err != nil {
			t.Fatal(err)
		}
		servers = append(servers, ans.Server)
	}
	if want := []netip.AddrPort{a.addr, b.addr, a.addr}; !reflect.DeepEqual(servers, want) {
		t.Errorf("servers %v, want %v", servers, want)
	}
}

// The candidates of the search list go out in ndots order, and the most
// telling error is reported.
func TestSearchOrderAndNdots(t *testing.T) {
	l := newLoop(t)
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		switch req.Questions[0].Name.String() {
		case "host.sub.example.":
			answerA([4]byte{1, 2, 3, 4})(s, req, from)
		case "nodata.example.":
			s.send(reply(req, dnsmessage.RCodeSuccess), from)
		default:
			s.send(reply(req, dnsmessage.RCodeNameError), from)
		}
	})
	tests := []struct {
		name  string
		ndots int
		asked []string
		err   error
	}{
		{"host", 1, []string{"host.sub.example."}, nil},
		{"x", 1, []string{"x.sub.example.", "x.example.", "x."}, ErrNXDomain},
		{"a.b", 1, []string{"a.b.", "a.b.sub.example.", "a.b.example."}, ErrNXDomain},
		{"a.b", 2, []string{"a.b.sub.example.", "a.b.example.", "a.b."}, ErrNXDomain},
		{"nodata", 1, []string{"nodata.sub.example.", "nodata.example.", "nodata."}, ErrNoData},
		{"x.", 1, []string{"x."}, ErrNXDomain},
	}
	for _, tt := range tests {
		cfg := fastConfig(ms(2000), srv.addr)
		cfg.Search, cfg.Ndots = []string{"sub.example", "example"}, tt.ndots
		r := newResolver(t, l, cfg)
		before := int(srv.count.Load())
		_, err := lookupSync(t, l, r, tt.name, dnsmessage.TypeA)
		qs, _ := srv.received()
		var asked []string
		for _, q := range qs[before:] {
			asked = append(asked, q.Questions[0].Name.String())
		}
		if !reflect.DeepEqual(asked, tt.asked) || !errors.Is(err, tt.err) && (err != nil || tt.err != nil) {
			t.Errorf("%s ndots %d: asked %v, err %v; want %v, %v", tt.name, tt.ndots, asked, err, tt.asked, tt.err)
		}
	}
}

func TestNoServers(t *testing.T) {
	l := newLoop(t)
	cfg := DefaultConfig()
	cfg.Hosts = ParseHosts([]byte("10.0.0.1 known\n"))
	r := newResolver(t, l, cfg)
	_, err := lookupSync(t, l, r, "example.com", dnsmessage.TypeA)
	if !errors.Is(err, ErrNoServers) || err.Error() != "dns: lookup example.com: no nameservers configured" {
		t.Errorf("Lookup: %v", err)
	}
	msg := &dnsmessage.Message{Questions: []dnsmessage.Question{question("example.com.", dnsmessage.TypeA)}}
	if _, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) }); !errors.Is(err, ErrNoServers) {
		t.Errorf("Exchange: %v", err)
	}
	got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost("known", cb) })
	if err != nil || !reflect.DeepEqual(got, addrs("10.0.0.1")) {
		t.Errorf("hosts lookup without servers = %v, %v", got, err)
	}
}

// The hosts database wins over DNS for address and reverse lookups, as in
// glibc; Resolve is pure DNS.
func TestHostsWinOverDNS(t *testing.T) {
	l := newLoop(t)
	srv := startDnsmasq(t)
	cfg := fastConfig(ms(2000), srv.Addr)
	cfg.Hosts = ParseHosts([]byte("10.9.9.9 www.test\n"))
	r := newResolver(t, l, cfg)
	got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost("WWW.test.", cb) })
	if err != nil || !reflect.DeepEqual(got, addrs("10.9.9.9")) {
		t.Errorf("LookupHost = %v, %v; want the hosts entry only", got, err)
	}
	got, err = wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip6", "www.test", cb) })
	if err != nil || !reflect.DeepEqual(got, addrs("2001:db8::1")) {
		t.Errorf("LookupNetIP(ip6) = %v, %v; want DNS, hosts has no IPv6", got, err)
	}
	names, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupPTR(netip.MustParseAddr("10.9.9.9"), cb) })
	if err != nil || !reflect.DeepEqual(names, []string{"www.test."}) {
		t.Errorf("LookupPTR = %v, %v", names, err)
	}
	a, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeA)
	if err != nil || !reflect.DeepEqual(answerAddrs(a), addrs("10.1.2.3")) {
		t.Errorf("Resolve = %+v, %v; want DNS", a, err)
	}
}

// Outcomes known at once still arrive after the call returns (wait checks
// that); literals need no server.
func TestImmediateOutcomes(t *testing.T) {
	l := newLoop(t)
	r := newResolver(t, l, DefaultConfig())
	got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost("::1", cb) })
	if err != nil || !reflect.DeepEqual(got, addrs("::1")) {
		t.Errorf("literal = %v, %v", got, err)
	}
	if _, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip4", "::1", cb) }); !errors.Is(err, ErrNoData) {
		t.Errorf("IPv6 literal for ip4: %v", err)
	}
	if _, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("tcp", "x", cb) }); err == nil {
		t.Error("bad network accepted")
	}
	if _, err := lookupSync(t, l, r, "a..b", dnsmessage.TypeA); !errors.Is(err, ErrInvalidName) {
		t.Errorf("invalid name: %v", err)
	}
	msg := &dnsmessage.Message{}
	if _, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) }); err == nil {
		t.Error("Exchange without a question accepted")
	}
}

// A raw message that cannot be packed fails with an *Error, after Exchange
// returned.
func TestExchangeUnpackable(t *testing.T) {
	l := newLoop(t)
	srv := startFake(t, "127.0.0.2", blackHole)
	r := newResolver(t, l, fastConfig(ms(100), srv.addr))
	msg := &dnsmessage.Message{Questions: []dnsmessage.Question{question("no-trailing-dot", dnsmessage.TypeA)}}
	_, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) })
	var e *Error
	if !errors.As(err, &e) || srv.count.Load() != 0 {
		t.Errorf("err = %v, %d queries sent", err, srv.count.Load())
	}
}
