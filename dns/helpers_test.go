package dns

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/dns/dnsmessage"
)

// testLimit bounds every wait in these tests.
const testLimit = 10 * time.Second

func newLoop(t testing.TB) *loop.Loop {
	t.Helper()
	l, err := loop.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// fakeClock is a loop clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newFakeLoop(t testing.TB) (*loop.Loop, *fakeClock) {
	t.Helper()
	c := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	l, err := loop.NewWithConfig(loop.Config{Clock: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, c
}

// wait starts a query whose callback has the shape func(T, error) and runs
// the loop until it is called; it also checks that the callback did not
// run before the starting call returned.
func wait[T any](t testing.TB, l *loop.Loop, start func(cb func(T, error)) *Query) (T, error) {
	t.Helper()
	var (
		v        T
		err      error
		done     bool
		returned bool
	)
	start(func(x T, e error) {
		if !returned {
			t.Error("callback ran before the call returned")
		}
		if done {
			t.Error("callback ran twice")
		}
		v, err, done = x, e, true
	})
	returned = true
	looptest.RunUntil(t, l, testLimit, func() bool { return done })
	return v, err
}

func newResolver(t testing.TB, l *loop.Loop, cfg *Config) *Resolver {
	t.Helper()
	r, err := NewResolver(l, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

// fakeServer is a scripted UDP nameserver on a loopback address, run by a
// goroutine of the test. handle decides what to send for each query.
type fakeServer struct {
	t      testing.TB
	conn   *net.UDPConn
	addr   netip.AddrPort
	handle func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr)

	mu      sync.Mutex
	queries []*dnsmessage.Message
	times   []time.Time
	count   atomic.Int32
}

// startFake starts a fake server on ip (a 127.0.0.x address) at a free
// port; it stops when the test ends.
func startFake(t testing.TB, ip string, handle func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr)) *fakeServer {
	t.Helper()
	conn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(netip.MustParseAddr(ip), 0)))
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{t: t, conn: conn, addr: conn.LocalAddr().(*net.UDPAddr).AddrPort(), handle: handle}
	done := make(chan struct{})
	go s.serve(done)
	t.Cleanup(func() {
		conn.Close()
		<-done
	})
	return s
}

func (s *fakeServer) serve(done chan struct{}) {
	defer close(done)
	buf := make([]byte, 65536)
	for {
		n, from, err := s.conn.ReadFromUDP(buf)
		if err != nil {
			return
		}
		var m dnsmessage.Message
		if m.Unpack(buf[:n]) != nil {
			continue
		}
		s.mu.Lock()
		s.queries = append(s.queries, &m)
		s.times = append(s.times, time.Now())
		s.mu.Unlock()
		s.count.Add(1)
		if s.handle != nil {
			s.handle(s, &m, from)
		}
	}
}

// received returns the queries received so far and when.
func (s *fakeServer) received() ([]*dnsmessage.Message, []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*dnsmessage.Message(nil), s.queries...), append([]time.Time(nil), s.times...)
}

// send packs m and sends it to to from the server's socket.
func (s *fakeServer) send(m *dnsmessage.Message, to *net.UDPAddr) {
	b, err := m.Pack()
	if err != nil {
		s.t.Error(err)
		return
	}
	s.conn.WriteToUDP(b, to)
}

// reply returns the response to req with the given code and answers.
func reply(req *dnsmessage.Message, rc dnsmessage.RCode, answers ...dnsmessage.Resource) *dnsmessage.Message {
	return &dnsmessage.Message{
		Header: dnsmessage.Header{ID: req.Header.ID, Response: true, RecursionDesired: req.Header.RecursionDesired,
			RecursionAvailable: true, RCode: rc},
		Questions: req.Questions,
		Answers:   answers,
	}
}

// answerA answers every A query with addr.
func answerA(addr [4]byte) func(*fakeServer, *dnsmessage.Message, *net.UDPAddr) {
	return func(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
		q := req.Questions[0]
		s.send(reply(req, dnsmessage.RCodeSuccess, rrA(q.Name.String(), 60, addr)), from)
	}
}

// blackHole never answers.
func blackHole(*fakeServer, *dnsmessage.Message, *net.UDPAddr) {}

// fastConfig is a configuration for tests: the given servers, no cache,
// short timeouts.
func fastConfig(timeouts []time.Duration, srv ...netip.AddrPort) *Config {
	c := DefaultConfig()
	c.Servers = srv
	c.Timeouts = timeouts
	c.CacheSize = 0
	return c
}

func ms(list ...int) []time.Duration {
	var out []time.Duration
	for _, v := range list {
		out = append(out, time.Duration(v)*time.Millisecond)
	}
	return out
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }
