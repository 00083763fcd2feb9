package dns

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

func servers(list ...string) []netip.AddrPort {
	var out []netip.AddrPort
	for _, s := range list {
		out = append(out, netip.AddrPortFrom(netip.MustParseAddr(s), 53))
	}
	return out
}

func secs(list ...int) []time.Duration {
	var out []time.Duration
	for _, s := range list {
		out = append(out, time.Duration(s)*time.Second)
	}
	return out
}

var resolvConfTests = []struct {
	name     string
	in       string
	servers  []netip.AddrPort
	search   []string
	ndots    int
	timeouts []time.Duration
	rotate   bool
	tcp      bool
}{
	{
		// Appendix C T76, first case.
		name: "T76",
		in: "nameserver 10.0.0.1 # c\nnameserver 10.0.0.1\nnameserver ::1\nnameserver bogus\n" +
			"search a.com b.com ;x\ndomain z.org\noptions ndots:3 attempts:2 timeout:4 rotate\n",
		servers: servers("10.0.0.1", "::1"), search: []string{"z.org"}, ndots: 3,
		timeouts: secs(4, 4), rotate: true,
	},
	{
		// T76 second case, without AnyEvent's public fallback servers.
		name: "attempts only", in: "options attempts:3\n",
		ndots: 1, timeouts: secs(2, 2, 2),
	},
	{name: "empty", in: "", ndots: 1, timeouts: secs(2, 5, 5)},
	{name: "timeout alone is one round", in: "options timeout:7", ndots: 1, timeouts: secs(7)},
	{
		name: "search wins over earlier domain", in: "domain x.org\nsearch A.com. b.com\n",
		search: []string{"a.com", "b.com"}, ndots: 1, timeouts: secs(2, 5, 5),
	},
	{
		name: "search drops the root and what is no name", in: "search .. . a..b -x.org. " + strings.Repeat("l", 64) + ".com Ok.Org y.net..\n",
		search: []string{"-x.org", "ok.org", "y.net"}, ndots: 1, timeouts: secs(2, 5, 5),
	},
	{
		name: "keywords case-insensitive, tabs, CRLF", in: "NameServer\t192.0.2.1\r\nOPTIONS NDOTS:2 use-vc\r\n",
		servers: servers("192.0.2.1"), ndots: 2, timeouts: secs(2, 5, 5), tcp: true,
	},
	{
		name: "inet_aton forms and mapped", in: "nameserver 10.1\nnameserver 0x7f000001\nnameserver ::ffff:1.2.3.4\n",
		servers: servers("10.0.0.1", "127.0.0.1", "1.2.3.4"), ndots: 1, timeouts: secs(2, 5, 5),
	},
	{
		name: "two addresses on a line are ignored", in: "nameserver 1.1.1.1 2.2.2.2\n",
		ndots: 1, timeouts: secs(2, 5, 5),
	},
	{
		name: "glibc bounds", in: "options ndots:99 timeout:100 attempts:9\n",
		ndots: 15, timeouts: secs(30, 30, 30, 30, 30),
	},
	{
		name: "bad option values ignored", in: "options ndots:-1 timeout:0 attempts:x ndots:\n",
		ndots: 1, timeouts: secs(2, 5, 5),
	},
	{
		name: "IPv6 with zone", in: "nameserver fe80::1%lo\n",
		servers: []netip.AddrPort{netip.MustParseAddrPort("[fe80::1%lo]:53")}, ndots: 1, timeouts: secs(2, 5, 5),
	},
}

func TestParseResolvConf(t *testing.T) {
	for _, tt := range resolvConfTests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			c := ParseResolvConf(in[:len(in):len(in)])
			if !reflect.DeepEqual(c.Servers, tt.servers) {
				t.Errorf("servers %v, want %v", c.Servers, tt.servers)
			}
			if !reflect.DeepEqual(c.Search, tt.search) {
				t.Errorf("search %q, want %q", c.Search, tt.search)
			}
			if c.Ndots != tt.ndots || c.Rotate != tt.rotate || c.TCP != tt.tcp {
				t.Errorf("ndots %d rotate %v tcp %v, want %d %v %v", c.Ndots, c.Rotate, c.TCP, tt.ndots, tt.rotate, tt.tcp)
			}
			if !reflect.DeepEqual(c.Timeouts, tt.timeouts) {
				t.Errorf("timeouts %v, want %v", c.Timeouts, tt.timeouts)
			}
		})
	}
}

// T76 third case: applying a file keeps the timeouts and ndots it does
// not set, and replaces servers and search.
func TestApplyResolvConfKeepsUnsetOptions(t *testing.T) {
	c := &Config{Timeouts: secs(1), Ndots: 4, Servers: servers("9.9.9.9"), Search: []string{"old"}}
	c.ApplyResolvConf([]byte("search x.y\nnameserver 1.2.3.4\n"))
	if !reflect.DeepEqual(c.Timeouts, secs(1)) || c.Ndots != 4 {
		t.Errorf("timeouts %v ndots %d, want [1s] 4", c.Timeouts, c.Ndots)
	}
	if !reflect.DeepEqual(c.Servers, servers("1.2.3.4")) || !reflect.DeepEqual(c.Search, []string{"x.y"}) {
		t.Errorf("servers %v search %v", c.Servers, c.Search)
	}
	c.ApplyResolvConf([]byte("search x.y\noptions timeout:3\nnameserver 1.2.3.4\n"))
	if !reflect.DeepEqual(c.Timeouts, secs(3)) {
		t.Errorf("timeouts %v, want [3s]", c.Timeouts)
	}
}

// The T76 attempt order: with two servers and timeouts [4, 4] the
// schedule is 10.0.0.1/4, ::1/4, 10.0.0.1/4, ::1/4.
func TestScheduleOrder(t *testing.T) {
	c := ParseResolvConf([]byte("nameserver 10.0.0.1\nnameserver ::1\noptions attempts:2 timeout:4\n"))
	r := &Resolver{servers: c.Servers, timeouts: c.Timeouts}
	x := &exchange{r: r}
	var got []string
	for x.try = 0; x.try < x.attempts(); x.try++ {
		got = append(got, r.servers[x.server()].Addr().String()+"/"+x.timeout().String())
	}
	want := []string{"10.0.0.1/4s", "::1/4s", "10.0.0.1/4s", "::1/4s"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("schedule %v, want %v", got, want)
	}
}

func TestParseAddr(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means invalid
	}{
		{"10.1", "10.0.0.1"},
		{"10.0x020304", "10.2.3.4"},
		{"0377.0377.0377.0377", "255.255.255.255"},
		{"0x12345678", "18.52.86.120"},
		{"1.2.3.4", "1.2.3.4"},
		{"256.1.1.1", ""},
		{"1.2.3.4.5", ""},
		{"1.2.65536", ""},
		{"", ""},
		{"1..2", ""},
		{"08", ""},
		{"-1", ""},
		{"::1", "::1"},
		{"::ffff:1.2.3.4", "1.2.3.4"},
		{"1:2", ""},
	}
	for _, tt := range tests {
		ip, ok := parseAddr(tt.in)
		got := ""
		if ok {
			got = ip.String()
		}
		if got != tt.want {
			t.Errorf("parseAddr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzResolvConf(f *testing.F) {
	for _, tt := range resolvConfTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := ParseResolvConf(data[:len(data):len(data)])
		if c.Ndots < 0 || c.Ndots > maxNdots || len(c.Timeouts) == 0 || len(c.Timeouts) > maxAttempts {
			t.Fatalf("out of bounds: ndots %d timeouts %v", c.Ndots, c.Timeouts)
		}
		for _, d := range c.Timeouts {
			if d <= 0 || d > maxTimeout {
				t.Fatalf("timeout %v out of bounds", d)
			}
		}
		seen := map[netip.AddrPort]bool{}
		for _, s := range c.Servers {
			if !s.IsValid() || s.Port() != 53 || seen[s] {
				t.Fatalf("bad or duplicate server %v", s)
			}
			seen[s] = true
		}
		for _, s := range c.Search {
			if s == "" || s[len(s)-1] == '.' {
				t.Fatalf("bad search entry %q", s)
			}
		}
	})
}
