package socket

import (
	"net/netip"
	"slices"
	"testing"
)

func TestParseProtocols(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []Protocol
	}{
		{"ipv4,ipv6", []Protocol{IPv4, IPv6}},
		{"ipv6,ipv4", []Protocol{IPv6, IPv4}},
		{"ipv6", []Protocol{IPv6}},
		{" IPv4 , ipv4, ipv6 ", []Protocol{IPv4, IPv6}},
		{"ipx,ipv6", []Protocol{IPv6}},
		{"", nil},
		{"foo", nil},
	} {
		if got := ParseProtocols(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("ParseProtocols(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestProtocolsFromEnv(t *testing.T) {
	t.Setenv("AE_PROTOCOLS", "ipv6")
	t.Setenv("PERL_ANYEVENT_PROTOCOLS", "ipv6,ipv4")
	if got := ProtocolsFromEnv(); !slices.Equal(got, []Protocol{IPv6, IPv4}) {
		t.Errorf("PERL_ANYEVENT_PROTOCOLS: got %v", got)
	}
	t.Setenv("PERL_ANYEVENT_PROTOCOLS", "")
	if got := ProtocolsFromEnv(); !slices.Equal(got, DefaultProtocols()) {
		t.Errorf("empty PERL_ANYEVENT_PROTOCOLS: got %v, want the default", got)
	}
}

func TestPrefs(t *testing.T) {
	v4, v6 := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("::1")
	mapped := netip.MustParseAddr("::ffff:10.0.0.1")
	for _, tt := range []struct {
		ps               []Protocol
		r4, r6, rmapped  int
		network, display string
	}{
		{nil, 0, 1, 0, "ip", "ipv4"},
		{[]Protocol{IPv6, IPv4}, 1, 0, 1, "ip", "ipv6"},
		{[]Protocol{IPv6}, -1, 0, -1, "ip6", "ipv6"},
		{[]Protocol{IPv4, IPv4}, 0, -1, 0, "ip4", "ipv4"},
	} {
		p := newPrefs(tt.ps)
		if p.rank(v4) != tt.r4 || p.rank(v6) != tt.r6 || p.rank(mapped) != tt.rmapped {
			t.Errorf("%v: ranks %d %d %d, want %d %d %d", tt.ps, p.rank(v4), p.rank(v6), p.rank(mapped), tt.r4, tt.r6, tt.rmapped)
		}
		if p.network() != tt.network || p.order[0].String() != tt.display {
			t.Errorf("%v: network %q first %v", tt.ps, p.network(), p.order[0])
		}
	}
}
