package dns

import (
	"net"
	"net/netip"
	"reflect"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// querySource records the source of every query a fake server gets.
type querySource struct {
	mu   sync.Mutex
	from []netip.AddrPort
	ids  []uint16
}

func (q *querySource) add(req *dnsmessage.Message, from *net.UDPAddr) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.from = append(q.from, from.AddrPort())
	q.ids = append(q.ids, req.Header.ID)
}

// answerBoth answers A with 1.2.3.4 and AAAA with 2001:db8::1.
func answerBoth(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
	q := req.Questions[0]
	var rr dnsmessage.Resource
	if q.Type == dnsmessage.TypeAAAA {
		rr = dnsmessage.Resource{
			Header: dnsmessage.ResourceHeader{Name: q.Name, Type: q.Type, Class: q.Class, TTL: 60},
			Body:   &dnsmessage.AAAAResource{AAAA: netip.MustParseAddr("2001:db8::1").As16()},
		}
	} else {
		rr = rrA(q.Name.String(), 60, [4]byte{1, 2, 3, 4})
	}
	s.send(reply(req, dnsmessage.RCodeSuccess, rr), from)
}

// TestLookupHostSharesSocket: the A and AAAA queries of one LookupHost
// leave from one socket (one source port) with different IDs; another
// LookupHost uses another port.
func TestLookupHostSharesSocket(t *testing.T) {
	l := newLoop(t)
	var src querySource
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		src.add(req, from)
		answerBoth(s, req, from)
	})
	r := newResolver(t, l, fastConfig(ms(2000), srv.addr))
	for _, name := range []string{"one.test", "two.test"} {
		got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost(name, cb) })
		if err != nil || !reflect.DeepEqual(got, addrs("1.2.3.4", "2001:db8::1")) {
			t.Fatalf("LookupHost(%s) = %v, %v", name, got, err)
		}
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	if len(src.from) != 4 {
		t.Fatalf("%d queries, want 4", len(src.from))
	}
	if src.from[0] != src.from[1] || src.from[2] != src.from[3] {
		t.Errorf("the queries of one lookup came from %v", src.from)
	}
	if src.from[0] == src.from[2] {
		t.Errorf("two lookups used the same source port %v", src.from[0])
	}
	if src.ids[0] == src.ids[1] || src.ids[2] == src.ids[3] {
		t.Errorf("the queries of one lookup share an ID: %v", src.ids)
	}
}

// TestSharedSocketMatchesQuestion: on a shared socket a reply counts only
// for the query whose ID and question it carries. The server first sends
// each query's answer with the other query's ID (right ID, wrong
// question), which both exchanges must drop; then the real answers.
func TestSharedSocketMatchesQuestion(t *testing.T) {
	l := newLoop(t)
	var mu sync.Mutex
	var pending []*dnsmessage.Message
	var fromAddr *net.UDPAddr
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		mu.Lock()
		pending = append(pending, req)
		fromAddr = from
		both := len(pending) == 2
		mu.Unlock()
		if !both {
			return
		}
		a, b := pending[0], pending[1]
		for _, p := range [][2]*dnsmessage.Message{{a, b}, {b, a}} {
			crossed := *p[0]
			crossed.Header.ID = p[1].Header.ID
			s.send(reply(&crossed, dnsmessage.RCodeSuccess, rrA(p[0].Questions[0].Name.String(), 60, [4]byte{6, 6, 6, 6})), fromAddr)
		}
		time.Sleep(30 * time.Millisecond)
		answerBoth(s, a, fromAddr)
		answerBoth(s, b, fromAddr)
	})
	r := newResolver(t, l, fastConfig(ms(2000), srv.addr))
	got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost("x.test", cb) })
	if err != nil || !reflect.DeepEqual(got, addrs("1.2.3.4", "2001:db8::1")) {
		t.Fatalf("LookupHost = %v, %v; want the genuine answers", got, err)
	}
}

// TestSharedSocketICMPError: an ICMP error on the shared socket moves both
// queries to the next server at once.
func TestSharedSocketICMPError(t *testing.T) {
	l := newLoop(t)
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	closed := c.LocalAddr().(*net.UDPAddr).AddrPort()
	c.Close()
	good := startFake(t, "127.0.0.2", answerBoth)
	r := newResolver(t, l, fastConfig(ms(5000), closed, good.addr))
	start := time.Now()
	got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupHost("x.test", cb) })
	if err != nil || len(got) != 2 {
		t.Fatalf("LookupHost = %v, %v", got, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v; the ICMP error did not move both queries on", d)
	}
}

// TestSharedSocketCount: a LookupHost in flight holds one socket per
// server asked, and none once cancelled.
func TestSharedSocketCount(t *testing.T) {
	l := newLoop(t)
	hole := startFake(t, "127.0.0.2", blackHole)
	r := newResolver(t, l, fastConfig(ms(5000), hole.addr))
	before := openFds(t)
	q := r.LookupHost("a.test", func([]netip.Addr, error) { t.Error("callback ran") })
	runUntil(t, l, testLimit, func() bool { return hole.count.Load() == 2 })
	if n := openFds(t); n != before+1 {
		t.Errorf("%d fds open during the lookup, want %d", n, before+1)
	}
	q.Cancel()
	if n := openFds(t); n != before {
		t.Errorf("%d fds open after Cancel, want %d", n, before)
	}
}
