package dns

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// truncating answers every UDP query with TC set.
func truncating(s *fakeServer, req *dnsmessage.Message, from *net.UDPAddr) {
	m := reply(req, dnsmessage.RCodeSuccess)
	m.Header.Truncated = true
	s.send(m, from)
}

// startTCPFake listens on TCP at the address of the UDP fake s and runs
// serve for each connection, with the query read from it. When the test
// ends every connection is closed and its goroutine waited for, so no
// descriptor of it closes later, during another test's fd count.
func startTCPFake(t *testing.T, s *fakeServer, serve func(c net.Conn, req *dnsmessage.Message)) {
	t.Helper()
	ln, err := net.Listen("tcp", s.addr.String())
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(testLimit))
				var n [2]byte
				if _, err := io.ReadFull(c, n[:]); err != nil {
					return
				}
				buf := make([]byte, binary.BigEndian.Uint16(n[:]))
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				var m dnsmessage.Message
				if m.Unpack(buf) == nil {
					serve(c, &m)
				}
			})
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
}

func frame(t *testing.T, m *dnsmessage.Message) []byte {
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte{byte(len(b) >> 8), byte(len(b))}, b...)
}

// The TCP exchange reassembles a reply written one byte at a time.
func TestTCPReplyInPieces(t *testing.T) {
	l := newLoop(t)
	s := startFake(t, "127.0.0.2", truncating)
	startTCPFake(t, s, func(c net.Conn, req *dnsmessage.Message) {
		txt := dnsmessage.Resource{
			Header: dnsmessage.ResourceHeader{Name: req.Questions[0].Name, Type: dnsmessage.TypeTXT, Class: dnsmessage.ClassINET, TTL: 60},
			Body:   &dnsmessage.TXTResource{TXT: []string{strings.Repeat("z", 200)}},
		}
		for _, b := range frame(t, reply(req, 0, txt)) {
			c.Write([]byte{b})
			time.Sleep(100 * time.Microsecond)
		}
	})
	r := newResolver(t, l, fastConfig(ms(2000), s.addr))
	txt, err := wait(t, l, func(cb func([]string, error)) *Query { return r.LookupTXT("t.test", cb) })
	if err != nil || len(txt) != 1 || len(txt[0]) != 200 {
		t.Fatalf("LookupTXT = %q, %v", txt, err)
	}
}

// Each way a TCP exchange can fail ends the attempt and moves on to the
// next server, which answers.
func TestTCPFailuresMoveOn(t *testing.T) {
	tests := []struct {
		name  string
		serve func(t *testing.T, c net.Conn, req *dnsmessage.Message)
		want  string // the error when the next server is silent
	}{
		{"no listener", nil, "Connection refused"},
		{"closed early", func(t *testing.T, c net.Conn, req *dnsmessage.Message) {
			c.Write(frame(t, reply(req, 0))[:5])
		}, "connection closed before the reply"},
		{"wrong id", func(t *testing.T, c net.Conn, req *dnsmessage.Message) {
			m := reply(req, 0)
			m.Header.ID++
			c.Write(frame(t, m))
		}, "unacceptable reply over TCP"},
		{"stalls", func(t *testing.T, c net.Conn, req *dnsmessage.Message) {
			io.Copy(io.Discard, c) // until the resolver gives up and closes
		}, "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newLoop(t)
			bad := startFake(t, "127.0.0.2", truncating)
			if tt.serve != nil {
				startTCPFake(t, bad, func(c net.Conn, req *dnsmessage.Message) { tt.serve(t, c, req) })
			}
			good := startFake(t, "127.0.0.3", answerA([4]byte{1, 2, 3, 4}))
			r := newResolver(t, l, fastConfig(ms(300), bad.addr, good.addr))
			a, err := lookupSync(t, l, r, "x.test.", dnsmessage.TypeA)
			if err != nil || a.Server != good.addr {
				t.Fatalf("Lookup = %+v, %v; want the answer of the next server", a, err)
			}
			r2 := newResolver(t, l, fastConfig(ms(300), bad.addr))
			_, err = lookupSync(t, l, r2, "x.test.", dnsmessage.TypeA)
			var e *Error
			if !errors.As(err, &e) || e.Server != bad.addr || !strings.HasSuffix(err.Error(), tt.want) {
				t.Errorf("alone: %v; want %q from %v", err, tt.want, bad.addr)
			}
		})
	}
}

func TestReadFiles(t *testing.T) {
	dir := t.TempDir()
	conf, hosts := dir+"/resolv.conf", dir+"/hosts"
	if err := writeFile(conf, "nameserver 192.0.2.1\nsearch example\n"); err != nil {
		t.Fatal(err)
	}
	if err := writeFile(hosts, "192.0.2.2 h\n"); err != nil {
		t.Fatal(err)
	}
	c, err := ReadConfig(conf)
	if err != nil || len(c.Servers) != 1 || c.Search[0] != "example" || c.CacheSize != DefaultCacheSize {
		t.Errorf("ReadConfig = %+v, %v", c, err)
	}
	h, err := ReadHosts(hosts)
	if err != nil || h.Lookup("h")[0] != netip.MustParseAddr("192.0.2.2") {
		t.Errorf("ReadHosts = %v, %v", h, err)
	}
	if _, err := ReadConfig(dir + "/missing"); err == nil {
		t.Error("ReadConfig of a missing file succeeded")
	}
	if _, err := SystemConfig(); err != nil {
		t.Errorf("SystemConfig: %v", err)
	}
}

func TestResolverAccessors(t *testing.T) {
	l := newLoop(t)
	cfg := fastConfig(ms(100), netip.MustParseAddrPort("127.0.0.1:53"))
	cfg.CacheSize = 4
	r := newResolver(t, l, cfg)
	s := r.Servers()
	s[0] = netip.AddrPort{}
	if r.Servers()[0] != netip.MustParseAddrPort("127.0.0.1:53") {
		t.Error("Servers returned the internal slice")
	}
	r.cache.put(cacheKey{"a.", dnsmessage.TypeA, dnsmessage.ClassINET},
		msgWith(0, []dnsmessage.Resource{rrA("a.", 60, [4]byte{})}, nil), netip.AddrPort{}, l.Now())
	r.FlushCache()
	if r.cache.len() != 0 {
		t.Error("FlushCache left entries")
	}
	for src, want := range map[Source]string{SourceNetwork: "network", SourceCache: "cache", SourceHosts: "hosts"} {
		if src.String() != want {
			t.Errorf("Source(%d) = %q", src, src.String())
		}
	}
	for rc, want := range map[dnsmessage.RCode]string{dnsmessage.RCodeFormatError: "dns: server answered FormatError",
		dnsmessage.RCodeNotImplemented: "dns: server answered NotImplemented"} {
		if got := errorForRCode(rc).Error(); got != want {
			t.Errorf("errorForRCode(%d) = %q, want %q", rc, got, want)
		}
	}
}
