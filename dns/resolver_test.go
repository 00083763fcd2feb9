package dns

import (
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/dns/dnstest"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/dns/dnsmessage"
)

// bigTXT is one TXT record of about 1.5 KB: more than the 1232-byte EDNS0
// payload, so dnsmasq truncates it over UDP.
var bigTXT = slices.Repeat([]string{strings.Repeat("x", 250)}, 6)

// zone is what the test dnsmasq serves; the "test" zone and the reverse
// zones of its addresses are authoritative, so negative answers carry a
// SOA. (Authoritative dnsmasq serves the PTR records of its host records
// but not --ptr-record ones; TestDnsmasqPTRRecord covers those.)
var zone = []string{
	"--host-record=www.test,10.1.2.3,2001:db8::1,300",
	"--host-record=v4only.test,10.1.2.4,300",
	"--mx-host=test,mail.test,10", "--mx-host=test,mail2.test,5", "--mx-host=test,mail3.test,10",
	"--srv-host=_http._tcp.test,www.test,80,1,5", "--srv-host=_http._tcp.test,backup.test,8080,2,0",
	"--txt-record=txt.test,hello,world",
	"--txt-record=big.test," + strings.Join(bigTXT, ","),
	"--cname=alias.test,www.test", "--cname=alias2.test,alias.test",
	"--auth-server=ns1.test,127.0.0.1", "--auth-zone=test,10.0.0.0/8,2001:db8::/32",
	"--auth-soa=1234,hostmaster.test,1200,120,604800", "--auth-ttl=300",
	"--local=/in-addr.arpa/", "--local=/ip6.arpa/",
}

const zoneHosts = "10.0.0.5 hostsname.test\n"

func startDnsmasq(t testing.TB) *dnstest.Server {
	t.Helper()
	return dnstest.Start(t, zoneHosts, zone...)
}

// dnsmasqResolver returns a resolver whose only server is a fresh dnsmasq.
func dnsmasqResolver(t testing.TB, l *loop.Loop) (*Resolver, *dnstest.Server) {
	t.Helper()
	srv := startDnsmasq(t)
	return newResolver(t, l, fastConfig(ms(2000), srv.Addr)), srv
}

func lookupSync(t testing.TB, l *loop.Loop, r *Resolver, name string, qtype dnsmessage.Type) (*Answer, error) {
	t.Helper()
	return wait(t, l, func(cb func(*Answer, error)) *Query { return r.Lookup(name, qtype, cb) })
}

func TestDnsmasqAddressRecords(t *testing.T) {
	l := newLoop(t)
	r, srv := dnsmasqResolver(t, l)
	t.Run("A and AAAA", func(t *testing.T) {
		got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost("www.test", cb) })
		if err != nil || !reflect.DeepEqual(got, addrs("10.1.2.3", "2001:db8::1")) {
			t.Errorf("LookupHost = %v, %v", got, err)
		}
		a, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeAAAA)
		if err != nil || a.Name != "www.test." || a.Server != srv.Addr || a.Source != SourceNetwork || len(a.Records) != 1 {
			t.Errorf("Lookup AAAA = %+v, %v", a, err)
		}
		got, err = wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip4", "hostsname.test", cb) })
		if err != nil || !reflect.DeepEqual(got, addrs("10.0.0.5")) {
			t.Errorf("LookupNetIP(ip4, hostsname.test) = %v, %v", got, err)
		}
	})
	t.Run("CNAME chain", func(t *testing.T) {
		a, err := lookupSync(t, l, r, "alias2.test", dnsmessage.TypeA)
		if err != nil || a.Name != "alias2.test." || a.Canonical != "www.test." || len(answerAddrs(a)) != 1 {
			t.Fatalf("Lookup(alias2.test) = %+v, %v", a, err)
		}
		target, err := wait(t, l, func(cb func(string, error)) *Query { return r.LookupCNAME("alias2.test", cb) })
		if err != nil || target != "alias.test." {
			t.Errorf("LookupCNAME = %q, %v", target, err)
		}
	})
}

func TestDnsmasqOtherRecordTypes(t *testing.T) {
	l := newLoop(t)
	r, srv := dnsmasqResolver(t, l)
	t.Run("MX", func(t *testing.T) {
		mx, err := wait(t, l, func(cb func([]MX, error)) *Query { return r.LookupMX("test", cb) })
		if err != nil || len(mx) != 3 || mx[0] != (MX{"mail2.test.", 5}) || mx[1].Pref != 10 || mx[2].Pref != 10 {
			t.Errorf("LookupMX = %v, %v", mx, err)
		}
	})
	t.Run("NS", func(t *testing.T) {
		ns, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupNS("test.", cb) })
		if err != nil || !reflect.DeepEqual(ns, []string{"ns1.test."}) {
			t.Errorf("LookupNS = %v, %v", ns, err)
		}
	})
	t.Run("TXT", func(t *testing.T) {
		txt, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupTXT("txt.test", cb) })
		if err != nil || !reflect.DeepEqual(txt, []string{"helloworld"}) {
			t.Errorf("LookupTXT = %q, %v", txt, err)
		}
	})
	t.Run("SRV", func(t *testing.T) {
		srvs, err := wait(t, l, func(cb func([]SRV, error)) *Query { return r.LookupSRV("http", "tcp", "test", cb) })
		want := []SRV{{"www.test.", 80, 1, 5}, {"backup.test.", 8080, 2, 0}}
		if err != nil || !reflect.DeepEqual(srvs, want) {
			t.Errorf("LookupSRV = %v, %v", srvs, err)
		}
	})
	t.Run("PTR", func(t *testing.T) {
		for ip, want := range map[string]string{"10.1.2.3": "www.test.", "2001:db8::1": "www.test."} {
			names, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupPTR(netip.MustParseAddr(ip), cb) })
			if err != nil || !reflect.DeepEqual(names, []string{want}) {
				t.Errorf("LookupPTR(%s) = %v, %v", ip, names, err)
			}
		}
	})
	t.Run("SOA", func(t *testing.T) {
		a, err := lookupSync(t, l, r, "test.", dnsmessage.TypeSOA)
		if err != nil || len(a.Records) != 1 {
			t.Fatalf("Lookup SOA = %+v, %v", a, err)
		}
		soa := a.Records[0].Body.(*dnsmessage.SOAResource)
		if soa.Serial != 1234 || soa.MBox.String() != "hostmaster.test." || soa.Refresh != 1200 {
			t.Errorf("SOA = %+v", soa)
		}
	})
	t.Run("ANY accepts every type", func(t *testing.T) {
		a, err := wait(t, l, func(cb func(*Answer, error)) *Query {
			return r.Resolve("www.test", dnsmessage.TypeA, &ResolveOptions{Accept: []dnsmessage.Type{dnsmessage.TypeA, dnsmessage.TypeAAAA}}, cb)
		})
		if err != nil || len(a.Records) != 1 {
			t.Errorf("Resolve with Accept = %+v, %v", a, err)
		}
	})
	t.Run("raw Exchange", func(t *testing.T) {
		msg := &dnsmessage.Message{Header: dnsmessage.Header{ID: 7, RecursionDesired: true},
			Questions: []dnsmessage.Question{question("TXT.test.", dnsmessage.TypeTXT)}}
		rep, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) })
		if err != nil || rep.TCP || len(rep.Msg.Answers) != 1 || rep.Server != srv.Addr || rep.Size == 0 {
			t.Fatalf("Exchange = %+v, %v", rep, err)
		}
		if msg.Header.ID != 7 {
			t.Error("Exchange modified the caller's message")
		}
	})
}

func TestDnsmasqNegativeAnswers(t *testing.T) {
	l := newLoop(t)
	r, srv := dnsmasqResolver(t, l)
	_, err := lookupSync(t, l, r, "nope.test", dnsmessage.TypeA)
	var e *Error
	if !errors.Is(err, ErrNXDomain) || !errors.As(err, &e) || !e.NotFound() || e.Server != srv.Addr || e.Name != "nope.test" {
		t.Errorf("NXDOMAIN: %v", err)
	}
	if want := "dns: lookup nope.test on " + srv.Addr.String() + ": no such host"; err == nil || err.Error() != want {
		t.Errorf("error text %q, want %q", err, want)
	}
	_, err = lookupSync(t, l, r, "www.test", dnsmessage.TypeTXT)
	if !errors.Is(err, ErrNoData) {
		t.Errorf("NODATA: %v", err)
	}
	addrs, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip6", "v4only.test", cb) })
	if !errors.Is(err, ErrNoData) || addrs != nil {
		t.Errorf("LookupNetIP(ip6, v4only.test) = %v, %v", addrs, err)
	}
	// Outside its zones, dnsmasq without upstream refuses.
	_, err = lookupSync(t, l, r, "example.com", dnsmessage.TypeA)
	if !errors.Is(err, ErrRefused) {
		t.Errorf("REFUSED: %v", err)
	}
}

// A record set too big for the 1232-byte UDP payload comes back truncated
// and is fetched again over TCP.
func TestDnsmasqTruncationFallsBackToTCP(t *testing.T) {
	l := newLoop(t)
	r, _ := dnsmasqResolver(t, l)
	txt, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupTXT("big.test", cb) })
	if err != nil || !reflect.DeepEqual(txt, []string{strings.Join(bigTXT, "")}) {
		t.Fatalf("LookupTXT(big.test) = %d records, %v", len(txt), err)
	}
	msg := &dnsmessage.Message{Header: dnsmessage.Header{RecursionDesired: true},
		Questions: []dnsmessage.Question{question("big.test.", dnsmessage.TypeTXT)}}
	rep, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) })
	if err != nil || !rep.TCP || rep.Size < 1500 {
		t.Fatalf("Exchange(big.test) = %+v, %v; want a reply over TCP", rep, err)
	}
}

// With "options use-vc" every query goes over TCP.
func TestDnsmasqTCPOnly(t *testing.T) {
	l := newLoop(t)
	srv := startDnsmasq(t)
	cfg := fastConfig(ms(2000), srv.Addr)
	cfg.TCP = true
	r := newResolver(t, l, cfg)
	msg := &dnsmessage.Message{Header: dnsmessage.Header{RecursionDesired: true},
		Questions: []dnsmessage.Question{question("www.test.", dnsmessage.TypeA)}}
	rep, err := wait(t, l, func(cb func(*Reply, error)) *Query { return r.Exchange(msg, cb) })
	if err != nil || !rep.TCP || len(rep.Msg.Answers) != 1 {
		t.Fatalf("Exchange over TCP = %+v, %v", rep, err)
	}
}

func TestDnsmasqSearchList(t *testing.T) {
	l := newLoop(t)
	srv := startDnsmasq(t)
	cfg := fastConfig(ms(2000), srv.Addr)
	cfg.Search = []string{"nope.test", "test"}
	r := newResolver(t, l, cfg)
	a, err := lookupSync(t, l, r, "www", dnsmessage.TypeA)
	if err != nil || a.Name != "www.test." {
		t.Fatalf("Lookup(www) = %+v, %v; want www.test.", a, err)
	}
	a, err = lookupSync(t, l, r, "alias2", dnsmessage.TypeA)
	if err != nil || a.Name != "alias2.test." || a.Canonical != "www.test." {
		t.Fatalf("Lookup(alias2) = %+v, %v", a, err)
	}
	_, err = lookupSync(t, l, r, "www.", dnsmessage.TypeA)
	if err == nil {
		t.Error("a name with a trailing dot used the search list")
	}
	cfg.Search = []string{"nope.test"}
	r = newResolver(t, l, cfg)
	if _, err := lookupSync(t, l, r, "www", dnsmessage.TypeA); err == nil {
		t.Error("www found with search nope.test")
	}
	a, err = wait(t, l, func(cb func(*Answer, error)) *Query {
		return r.Resolve("www", dnsmessage.TypeA, &ResolveOptions{Search: []string{"test"}}, cb)
	})
	if err != nil || a.Name != "www.test." {
		t.Errorf("Resolve(www, Search: [test]) = %+v, %v", a, err)
	}
}

// A PTR record of its own (--ptr-record), from a non-authoritative dnsmasq.
func TestDnsmasqPTRRecord(t *testing.T) {
	l := newLoop(t)
	srv := dnstest.Start(t, "", "--ptr-record=4.3.2.1.in-addr.arpa,ptr.test", "--local=/in-addr.arpa/")
	r := newResolver(t, l, fastConfig(ms(2000), srv.Addr))
	names, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupPTR(netip.MustParseAddr("1.2.3.4"), cb) })
	if err != nil || !reflect.DeepEqual(names, []string{"ptr.test."}) {
		t.Errorf("LookupPTR(1.2.3.4) = %v, %v", names, err)
	}
	_, err = wait(t, l, func(cb func([]string, error)) *Query { return r.LookupPTR(netip.MustParseAddr("1.2.3.5"), cb) })
	if !errors.Is(err, ErrNXDomain) {
		t.Errorf("LookupPTR(1.2.3.5): %v, want NXDOMAIN", err)
	}
}

// Cache hits, TTL countdown and expiry, positive and negative, with a fake
// clock driving the loop.
func TestDnsmasqCacheTTL(t *testing.T) {
	l, clock := newFakeLoop(t)
	srv := startDnsmasq(t)
	cfg := fastConfig(ms(2000), srv.Addr)
	cfg.CacheSize = 16
	r := newResolver(t, l, cfg)
	a, err := lookupSync(t, l, r, "www.test", dnsmessage.TypeA)
	if err != nil || a.Source != SourceNetwork || a.Records[0].Header.TTL != 300 {
		t.Fatalf("first lookup = %+v, %v", a, err)
	}
	clock.advance(100 * time.Second)
	a, err = lookupSync(t, l, r, "WWW.test.", dnsmessage.TypeA)
	if err != nil || a.Source != SourceCache || a.Records[0].Header.TTL != 200 || a.Server != srv.Addr {
		t.Fatalf("lookup after 100s = %+v, %v; want a cache hit with TTL 200", a, err)
	}
	clock.advance(200 * time.Second)
	a, err = lookupSync(t, l, r, "www.test", dnsmessage.TypeA)
	if err != nil || a.Source != SourceNetwork {
		t.Fatalf("lookup after 300s = %+v, %v; want the network", a, err)
	}

	// A CNAME chain is cached per question and replayed from the cache.
	if _, err := lookupSync(t, l, r, "alias2.test", dnsmessage.TypeA); err != nil {
		t.Fatal(err)
	}
	a, err = lookupSync(t, l, r, "alias2.test", dnsmessage.TypeA)
	if err != nil || a.Source != SourceCache || a.Canonical != "www.test." {
		t.Fatalf("cached chain = %+v, %v", a, err)
	}

	// NXDOMAIN carries the zone's SOA (minimum 300 s) and is cached.
	if _, err := lookupSync(t, l, r, "nope.test", dnsmessage.TypeA); !errors.Is(err, ErrNXDomain) {
		t.Fatal(err)
	}
	if e := r.cacheGet("nope.test.", dnsmessage.TypeA, dnsmessage.ClassINET); e == nil || e.rcode != dnsmessage.RCodeNameError {
		t.Fatal("NXDOMAIN not cached")
	}
	clock.advance(299 * time.Second)
	l.NowUpdate()
	if r.cacheGet("nope.test.", dnsmessage.TypeA, dnsmessage.ClassINET) == nil {
		t.Error("negative entry expired early")
	}
	clock.advance(time.Second)
	l.NowUpdate()
	if r.cacheGet("nope.test.", dnsmessage.TypeA, dnsmessage.ClassINET) != nil {
		t.Error("negative entry outlived the SOA minimum")
	}
}

// TestLookupNetIPAllocs is the allocation budget of an address lookup
// answered by the network, cache off, once sockets and timers are pooled
// (STYLE B9.10): the job (query handle, lookups, their sockets), the
// name made canonical (a trailing dot), per question the reply (message,
// question and first answer records in one allocation) and the body of
// its record, and the address slice handed to the callback.
func TestLookupNetIPAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("needs dnsmasq")
	}
	srv := startBenchServer(t)
	for _, tt := range []struct {
		network string
		want    int
		max     float64
	}{{"ip4", 1, 5}, {"ip", 2, 7}} {
		l := newLoop(t)
		r := newResolver(t, l, fastConfig(ms(2000), srv))
		var (
			got  []netip.Addr
			err  error
			done bool
		)
		cb := func(a []netip.Addr, e error) { got, err, done = a, e, true }
		lookup := func() {
			done = false
			r.LookupNetIP(tt.network, "allocs.bench.test", cb)
			for !done {
				if e := l.RunOnce(true); e != nil {
					t.Fatal(e)
				}
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("LookupNetIP(%s) = %v, %v", tt.network, got, err)
			}
		}
		for range 3 {
			lookup() // fill the pools of sockets and timers
		}
		if n := testing.AllocsPerRun(200, lookup); n > tt.max {
			t.Errorf("LookupNetIP(%q): %.1f allocations, want at most %v", tt.network, n, tt.max)
		}
	}
}
