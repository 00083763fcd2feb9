package socket

import (
	"errors"
	"maps"
	"slices"
	"testing"
)

func TestParseServices(t *testing.T) {
	data := []byte(`# comment
http		80/tcp		www		# WorldWideWeb HTTP
http		80/udp
domain		53/udp
domain		53/tcp
foo		81/tcp		http		# later lines do not override
bad		x/tcp
big		70000/tcp
noproto		99
sctp-only	9/sctp
`)
	got := ParseServices(data)
	want := map[string]int{"http": 80, "www": 80, "domain": 53, "foo": 81}
	if !maps.Equal(got, want) {
		t.Errorf("ParseServices = %v, want %v", got, want)
	}
}

func TestLookupPort(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		err  error
	}{
		{"80", 80, nil},
		{"0", 0, nil},
		{"65535", 65535, nil},
		{"65536", 0, errBadPort},
		{"http", 80, nil},
		{"https", 443, nil},
		{"ssh", 22, nil},
		{"HTTP", 0, ErrUnknownService}, // case-sensitive, like getservbyname
		{"no-such-service", 0, ErrUnknownService},
		{"", 0, ErrUnknownService},
		{"8o", 0, ErrUnknownService},
	} {
		port, err := LookupPort(tt.in)
		if port != tt.want || !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
			t.Errorf("LookupPort(%q) = %d, %v; want %d, %v", tt.in, port, err, tt.want, tt.err)
		}
	}
}

func TestBuiltinServicesAgreeWithSystem(t *testing.T) {
	// Where the system database has a name of the built-in table, both
	// must give the same port, so that the fallback never surprises.
	lookupServiceName("http") // loads the database
	for _, name := range slices.Sorted(maps.Keys(builtinServices)) {
		if port, ok := systemServices.byName[name]; ok && port != builtinServices[name] {
			t.Errorf("%s: built-in %d, system %d", name, builtinServices[name], port)
		}
	}
}

func TestParseService(t *testing.T) {
	for _, tt := range []struct {
		in      string
		srvName string
		port    int
		err     error
	}{
		{"80", "", 80, nil},
		{"http", "http", 80, nil},
		{"xmpp=5222", "xmpp", 5222, nil},
		{"my-svc=8080", "my-svc", 8080, nil},
		{"a=b=99", "a=b", 99, nil},
		{"=80", "", 0, ErrUnknownService},
		{"x y=80", "", 0, ErrUnknownService},
		{"svc=", "", 0, ErrUnknownService},
		{"svc=70000", "", 0, errBadPort},
		{"nope", "", 0, ErrUnknownService},
	} {
		name, port, err := parseService(tt.in)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("parseService(%q) error %v, want %v", tt.in, err, tt.err)
			}
			continue
		}
		if name != tt.srvName || port != tt.port || err != nil {
			t.Errorf("parseService(%q) = %q, %d, %v; want %q, %d", tt.in, name, port, err, tt.srvName, tt.port)
		}
	}
}

func TestServiceErrorText(t *testing.T) {
	_, err := LookupPort("no-such-service")
	if got, want := err.Error(), `socket: unknown service "no-such-service"`; got != want {
		t.Errorf("error text %q, want %q", got, want)
	}
}
