package dns

import (
	"net/netip"
	"reflect"
	"testing"
)

const hostsSample = `# comment
127.0.0.1	localhost
::1		localhost ip6-localhost
10.0.0.5 Web.Example.  web   # trailing comment
10.0.0.6 web.example
10.1 short
bogus name.invalid
10.0.0.9
fe80::1%lo linklocal
::ffff:192.0.2.7 mapped
10.0.0.10 .. a..b bad.
`

func addrs(list ...string) []netip.Addr {
	var out []netip.Addr
	for _, s := range list {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

func TestParseHosts(t *testing.T) {
	h := ParseHosts([]byte(hostsSample))
	tests := []struct {
		name string
		want []netip.Addr
	}{
		{"localhost", addrs("127.0.0.1", "::1")},
		{"LOCALHOST.", addrs("127.0.0.1", "::1")},
		{"ip6-localhost", addrs("::1")},
		{"web.example", addrs("10.0.0.5", "10.0.0.6")},
		{"web", addrs("10.0.0.5")},
		{"short", addrs("10.0.0.1")},
		{"name.invalid", nil},
		{"linklocal", addrs("fe80::1%lo")},
		{"mapped", addrs("192.0.2.7")},
		{"missing", nil},
		{"..", nil},
		{"a..b", nil},
		{"bad", addrs("10.0.0.10")},
	}
	for _, tt := range tests {
		if got := h.Lookup(tt.name); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := h.LookupAddr(netip.MustParseAddr("10.0.0.5")); !reflect.DeepEqual(got, []string{"web.example", "web"}) {
		t.Errorf("LookupAddr(10.0.0.5) = %v", got)
	}
	if got := h.LookupAddr(netip.MustParseAddr("::ffff:10.0.0.6")); !reflect.DeepEqual(got, []string{"web.example"}) {
		t.Errorf("LookupAddr(::ffff:10.0.0.6) = %v", got)
	}
	if h.Len() != 8 {
		t.Errorf("Len = %d, want 8", h.Len())
	}
	var nilHosts *Hosts
	if nilHosts.Lookup("x") != nil || nilHosts.LookupAddr(netip.IPv6Loopback()) != nil || nilHosts.Len() != 0 {
		t.Error("nil Hosts is not empty")
	}
}

func FuzzHosts(f *testing.F) {
	f.Add([]byte(hostsSample))
	f.Add([]byte("1.2.3.4 a b c\n::1 a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h := ParseHosts(data[:len(data):len(data)])
		for name, list := range h.byName {
			if name == "" || name != hostsKey(name) {
				t.Fatalf("bad key %q", name)
			}
			for _, ip := range list {
				if !ip.IsValid() {
					t.Fatal("invalid address stored")
				}
				found := false
				for _, n := range h.LookupAddr(ip) {
					found = found || n == name
				}
				if !found {
					t.Fatalf("%v -> %q missing from the reverse map", ip, name)
				}
			}
		}
	})
}
