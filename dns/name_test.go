package dns

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestCandidates(t *testing.T) {
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 61)
	search := []string{"a.com", "b.com"}
	tests := []struct {
		name   string
		search []string
		ndots  int
		want   []string // nil: invalid
	}{
		{"www", search, 1, []string{"www.a.com.", "www.b.com.", "www."}},
		{"www.x", search, 1, []string{"www.x.", "www.x.a.com.", "www.x.b.com."}},
		{"www.x", search, 2, []string{"www.x.a.com.", "www.x.b.com.", "www.x."}},
		{"www.x.", search, 1, []string{"www.x."}},
		{"WWW.X", nil, 1, []string{"www.x."}},
		{"www", nil, 1, []string{"www."}},
		{"www", search, 0, []string{"www.", "www.a.com.", "www.b.com."}},
		{long, search, 1, []string{long + "."}},
		{".", search, 1, []string{"."}},
		{"", search, 1, nil},
		{"a..b", search, 1, nil},
		{"..", search, 1, nil},
		{strings.Repeat("x", 64), nil, 1, nil},
		{long + ".e", nil, 1, nil},
	}
	for _, tt := range tests {
		got, ok := candidates(nil, tt.name, tt.search, tt.ndots)
		if ok != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("candidates(%q, %q, %d) = %q, %v; want %q", tt.name, tt.search, tt.ndots, got, ok, tt.want)
		}
	}
}

func TestReverseName(t *testing.T) {
	tests := []struct{ ip, want string }{
		{"1.2.3.4", "4.3.2.1.in-addr.arpa."},
		{"::ffff:10.0.0.1", "1.0.0.10.in-addr.arpa."},
		{"2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."},
	}
	for _, tt := range tests {
		if got := ReverseName(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("ReverseName(%s) = %s, want %s", tt.ip, got, tt.want)
		}
	}
}

func TestAsciiLower(t *testing.T) {
	if got := asciiLower("WwW.ÄB.c"); got != "www.Äb.c" {
		t.Errorf("asciiLower = %q", got)
	}
	s := "already.lower"
	if got := asciiLower(s); got != s {
		t.Errorf("asciiLower(%q) = %q", s, got)
	}
}
