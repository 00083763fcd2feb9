package socket

import (
	"errors"
	"net/netip"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/dns/dnstest"
	"github.com/anyevent-go/anyevent/internal/looptest"
	"github.com/anyevent-go/anyevent/loop"
)

// resolve runs d.Resolve to completion.
func resolve(t *testing.T, l *loop.Loop, d *Dialer, host, service string) ([]string, error) {
	t.Helper()
	var addrs []netip.AddrPort
	var err error
	calls, returned := 0, false
	d.Resolve(l, host, service, func(a []netip.AddrPort, e error) {
		if !returned {
			t.Error("callback ran before Resolve returned")
		}
		calls++
		addrs, err = a, e
	})
	returned = true
	looptest.RunUntil(t, l, testLimit, func() bool { return calls > 0 })
	var out []string
	for _, ap := range addrs {
		out = append(out, ap.String())
	}
	return out, err
}

// TestResolveOrder checks the order of resolve_sockaddr (spec §15.2):
// preferred protocol first, then target order, then DNS order; SRV
// targets; "localhost"; literals; disabled protocols.
func TestResolveOrder(t *testing.T) {
	s := dnstest.Start(t, "",
		"--host-record=dual.test,10.0.0.1,2001:db8::1",
		"--host-record=v6.test,2001:db8::6",
		"--host-record=a.test,10.0.0.10",
		"--host-record=b.test,10.0.0.11,2001:db8::11",
		"--srv-host=_http._tcp.web.test,a.test,8080,1,10",
		"--srv-host=_http._tcp.web.test,b.test,8081,0,10",
		"--srv-host=_http._tcp.none.test",
		"--host-record=none.test,10.0.0.99",
		"--host-record=plain.test,10.0.0.7",
	)
	l := newLoop(t)
	res := testResolver(t, l, s.Addr)
	v6first := []Protocol{IPv6, IPv4}
	for _, tt := range []struct {
		name, host, service string
		protocols           []Protocol
		noSRV               bool
		want                []string
	}{
		{"ipv4 first", "dual.test", "80", nil, false, []string{"10.0.0.1:80", "[2001:db8::1]:80"}},
		{"ipv6 preferred", "dual.test", "80", v6first, false, []string{"[2001:db8::1]:80", "10.0.0.1:80"}},
		{"ipv6 only", "dual.test", "80", []Protocol{IPv6}, false, []string{"[2001:db8::1]:80"}},
		{"upper case", "DUAL.Test", "80", nil, false, []string{"10.0.0.1:80", "[2001:db8::1]:80"}},
		{"srv targets", "web.test", "http", nil, false,
			[]string{"10.0.0.11:8081", "10.0.0.10:8080", "[2001:db8::11]:8081"}},
		{"srv name=port", "web.test", "http=1234", nil, false,
			[]string{"10.0.0.11:8081", "10.0.0.10:8080", "[2001:db8::11]:8081"}},
		{"srv skipped", "plain.test", "http", nil, true, []string{"10.0.0.7:80"}},
		{"no srv records", "plain.test", "http", nil, false, []string{"10.0.0.7:80"}},
		{"numeric port, no srv", "web.test", "8000", nil, false, nil},
		{"srv root target", "none.test", "http", nil, false, nil},
		{"srv root target skipped", "none.test", "http", nil, true, []string{"10.0.0.99:80"}},
		{"localhost", "localhost", "22", nil, false, []string{"127.0.0.1:22", "[::1]:22"}},
		{"localhost ipv6 first", "localhost", "22", v6first, false, []string{"[::1]:22", "127.0.0.1:22"}},
		{"literal", "10.1", "ssh", nil, false, []string{"10.0.0.1:22"}},
		{"literal v6", "2001:db8::5", "1", nil, false, []string{"[2001:db8::5]:1"}},
		{"literal zone", "fe80::1%1", "1", nil, false, []string{"[fe80::1%1]:1"}},
		{"literal disabled", "10.0.0.1", "80", []Protocol{IPv6}, false, nil},
		{"no ipv6 address", "v6.test", "80", []Protocol{IPv4}, false, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dialer{Resolver: res, Protocols: tt.protocols, NoSRV: tt.noSRV}
			got, err := resolve(t, l, d, tt.host, tt.service)
			if tt.want == nil {
				if !errors.Is(err, syscall.ENXIO) || got != nil {
					t.Errorf("got %v, %v; want ENXIO", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestResolveIDN(t *testing.T) {
	s := dnstest.Start(t, "", "--host-record=xn--bcher-kva.test,10.0.0.5")
	l := newLoop(t)
	got, err := resolve(t, l, &Dialer{Resolver: testResolver(t, l, s.Addr)}, "Bücher.test", "80")
	if err != nil || !slices.Equal(got, []string{"10.0.0.5:80"}) {
		t.Errorf("got %v, %v; want 10.0.0.5:80", got, err)
	}
}

// TestResolveDefaultResolver: without a Resolver the loop's default is
// used, and SetDefaultResolver replaces it.
func TestResolveDefaultResolver(t *testing.T) {
	s := dnstest.Start(t, "", "--host-record=only-here.test,10.0.0.8")
	l := newLoop(t)
	SetDefaultResolver(l, testResolver(t, l, s.Addr))
	got, err := resolve(t, l, &Dialer{}, "only-here.test", "80")
	if err != nil || !slices.Equal(got, []string{"10.0.0.8:80"}) {
		t.Errorf("got %v, %v; want 10.0.0.8:80", got, err)
	}
	r1, err := DefaultResolver(l)
	SetDefaultResolver(l, nil)
	r2, err2 := DefaultResolver(l)
	if err != nil || err2 != nil || r1 == r2 || r2 == nil {
		t.Errorf("DefaultResolver after forgetting: %p, %p, %v, %v", r1, r2, err, err2)
	}
}

func TestResolveCancel(t *testing.T) {
	silent := silentDNS(t)
	l := newLoop(t)
	d := &Dialer{Resolver: testResolver(t, l, silent)}
	before := openFds(t)
	calls := 0
	rs := d.Resolve(l, "www.example.test", "80", func([]netip.AddrPort, error) { calls++ })
	runFor(t, l, 50*time.Millisecond)
	rs.Cancel()
	rs.Cancel()
	checkFds(t, before)
	runFor(t, l, 20*time.Millisecond)
	if calls != 0 {
		t.Errorf("callback ran %d times after Cancel", calls)
	}
}
