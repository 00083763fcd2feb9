package dns

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/internal/sys"
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
	looptest.RunUntil(t, l, testLimit, func() bool { return hole.count.Load() == 2 })
	if n := openFds(t); n != before+1 {
		t.Errorf("%d fds open during the lookup, want %d", n, before+1)
	}
	q.Cancel()
	if n := openFds(t); n != before {
		t.Errorf("%d fds open after Cancel, want %d", n, before)
	}
}

// idleCount returns the sockets in the resolver's pool.
func idleCount(r *Resolver) int { return len(r.idle[0]) + len(r.idle[1]) }

// TestSocketRecycled: lookups one after another use one socket, and each
// connects it afresh, so the source port changes (a new random port per
// lookup; 20 lookups that all kept a port would fail, ports colliding now
// and then do not).
func TestSocketRecycled(t *testing.T) {
	if !sys.DisconnectRebinds {
		t.Skip("sockets are recycled only where Disconnect releases the port")
	}
	l := newLoop(t)
	var src querySource
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		src.add(req, from)
		answerBoth(s, req, from)
	})
	r := newResolver(t, l, fastConfig(ms(2000), srv.addr))
	before := openFds(t)
	var fd int
	for i := range 20 {
		got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip4", "x.test", cb) })
		if err != nil || !reflect.DeepEqual(got, addrs("1.2.3.4")) {
			t.Fatalf("lookup %d = %v, %v", i, got, err)
		}
		if n := idleCount(r); n != 1 {
			t.Fatalf("after lookup %d: %d idle sockets, want 1", i, n)
		}
		if i == 0 {
			fd = r.idle[0][0].fd
		} else if r.idle[0][0].fd != fd {
			t.Errorf("lookup %d used fd %d, not the recycled %d", i, r.idle[0][0].fd, fd)
		}
		if n := openFds(t); n != before+1 {
			t.Errorf("after lookup %d: %d fds open, want %d", i, n, before+1)
		}
	}
	src.mu.Lock()
	ports := map[uint16]bool{}
	for _, a := range src.from {
		ports[a.Port()] = true
	}
	src.mu.Unlock()
	if len(ports) < 10 {
		t.Errorf("20 lookups came from only %d ports: %v", len(ports), ports)
	}
	r.Close()
	if n := openFds(t); n != before {
		t.Errorf("after Close: %d fds open, want %d", n, before)
	}
}

// TestRecycledSocketDropsOldDatagrams: nothing that reached the port of a
// previous lookup is read by the next one on the same socket. The test
// knows the IDs the resolver will draw (a seeded generator) and, while the
// loop does not run, queues on the first lookup's port its answer and
// then a forged answer carrying the second lookup's future ID and
// question; after the second lookup has connected, it sends another
// forged answer to the first port. The second lookup must get the
// genuine answer, sent 50ms later.
func TestRecycledSocketDropsOldDatagrams(t *testing.T) {
	if !sys.DisconnectRebinds {
		t.Skip("sockets are recycled only where Disconnect releases the port")
	}
	l := newLoop(t)
	var (
		mu    sync.Mutex
		reqs  []*dnsmessage.Message
		froms []*net.UDPAddr
	)
	srv := startFake(t, "127.0.0.2", func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		mu.Lock()
		reqs, froms = append(reqs, req), append(froms, from)
		mu.Unlock()
	})
	r := newResolver(t, l, fastConfig(ms(5000), srv.addr))
	r.rng = rand.New(rand.NewPCG(1, 2))
	twin := rand.New(rand.NewPCG(1, 2))
	id1, id2 := uint16(twin.Uint32()), uint16(twin.Uint32())
	evil := func(id uint16) *dnsmessage.Message {
		m := reply(&dnsmessage.Message{Header: dnsmessage.Header{ID: id, RecursionDesired: true},
			Questions: []dnsmessage.Question{question("x.test.", dnsmessage.TypeA)}}, 0,
			rrA("x.test.", 60, [4]byte{6, 6, 6, 6}))
		return m
	}

	var got []netip.Addr
	var gotErr error
	done := false
	r.LookupNetIP("ip4", "x.test", func(a []netip.Addr, err error) { got, gotErr, done = a, err, true })
	looptest.RunUntil(t, l, testLimit, func() bool { return srv.count.Load() == 1 })
	mu.Lock()
	req1, from1 := reqs[0], froms[0]
	mu.Unlock()
	if req1.Header.ID != id1 {
		t.Fatalf("first ID %d, predicted %d", req1.Header.ID, id1)
	}
	srv.send(reply(req1, 0, rrA("x.test.", 60, [4]byte{1, 1, 1, 1})), from1)
	srv.send(evil(id2), from1)
	time.Sleep(20 * time.Millisecond) // both queued before the loop reads
	looptest.RunUntil(t, l, testLimit, func() bool { return done })
	if gotErr != nil || !reflect.DeepEqual(got, addrs("1.1.1.1")) {
		t.Fatalf("first lookup = %v, %v", got, gotErr)
	}
	if idleCount(r) != 1 {
		t.Fatalf("%d idle sockets after the first lookup, want 1", idleCount(r))
	}

	done = false
	r.LookupNetIP("ip4", "x.test", func(a []netip.Addr, err error) { got, gotErr, done = a, err, true })
	looptest.RunUntil(t, l, testLimit, func() bool { return srv.count.Load() == 2 })
	mu.Lock()
	req2, from2 := reqs[1], froms[1]
	mu.Unlock()
	if req2.Header.ID != id2 {
		t.Fatalf("second ID %d, predicted %d", req2.Header.ID, id2)
	}
	if from2.Port != from1.Port {
		srv.send(evil(id2), from1) // the old port: nobody listens there now
	}
	time.Sleep(50 * time.Millisecond)
	srv.send(reply(req2, 0, rrA("x.test.", 60, [4]byte{1, 2, 3, 4})), from2)
	looptest.RunUntil(t, l, testLimit, func() bool { return done })
	if gotErr != nil || !reflect.DeepEqual(got, addrs("1.2.3.4")) {
		t.Fatalf("second lookup = %v, %v; want the genuine 1.2.3.4", got, gotErr)
	}
}

// TestUnansweredSocketClosed: a socket that sent a query without getting
// its reply (a timeout), or that reported an error, is closed rather than
// recycled, since an answer may still be on its way to it; the socket of
// the server that answered is recycled.
func TestUnansweredSocketClosed(t *testing.T) {
	if !sys.DisconnectRebinds {
		t.Skip("sockets are recycled only where Disconnect releases the port")
	}
	l := newLoop(t)
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	refused := c.LocalAddr().(*net.UDPAddr).AddrPort()
	c.Close()
	hole := startFake(t, "127.0.0.2", blackHole)
	good := startFake(t, "127.0.0.3", answerBoth)
	for _, first := range []netip.AddrPort{hole.addr, refused} {
		r := newResolver(t, l, fastConfig(ms(100, 100), first, good.addr))
		before := openFds(t)
		got, err := wait(t, l, func(cb func([]netip.Addr, error)) *Query { return r.LookupNetIP("ip4", "x.test", cb) })
		if err != nil || len(got) != 1 {
			t.Fatalf("lookup = %v, %v", got, err)
		}
		if n := idleCount(r); n != 1 || r.idle[0][0].w == nil {
			t.Errorf("first server %v: %d idle sockets, want the answering server's", first, n)
		}
		if n := openFds(t); n != before+1 {
			t.Errorf("first server %v: %d fds open, want %d", first, n, before+1)
		}
		r.Close()
	}
}

// TestIdleSocketsClosed: after a burst of lookups at most MaxOutstanding
// sockets stay idle, and they are closed once idle for
// idleSocketTimeout; no descriptor is left behind.
func TestIdleSocketsClosed(t *testing.T) {
	l, clock := newFakeLoop(t)
	srv := startFake(t, "127.0.0.2", answerBoth)
	cfg := fastConfig(ms(5000), srv.addr)
	cfg.MaxOutstanding = 8
	r := newResolver(t, l, cfg)
	before := openFds(t)
	done := 0
	for i := range 40 {
		r.LookupHost("n"+strconv.Itoa(i)+".test", func(a []netip.Addr, err error) {
			if err != nil || len(a) != 2 {
				t.Errorf("lookup = %v, %v", a, err)
			}
			done++
		})
	}
	looptest.RunUntil(t, l, testLimit, func() bool { return done == 40 })
	if n := openFds(t); n > before+cfg.MaxOutstanding {
		t.Errorf("%d fds open after the burst, want at most %d", n, before+cfg.MaxOutstanding)
	}
	clock.advance(idleSocketTimeout - time.Millisecond)
	l.RunOnce(false)
	if sys.DisconnectRebinds && idleCount(r) == 0 {
		t.Error("idle sockets closed too early")
	}
	clock.advance(time.Millisecond)
	l.RunOnce(false)
	if n := openFds(t); n != before || idleCount(r) != 0 {
		t.Errorf("%d fds open, %d idle sockets after %v idle, want %d and 0", n, idleCount(r), idleSocketTimeout, before)
	}
}
