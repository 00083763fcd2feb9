package socket

import (
	"strings"
	"testing"
)

// parseHostPortTests are the cases of spec §15.5 (the verified ones
// first) and the edges of each rule; ok false means an empty result.
var parseHostPortTests = []struct {
	name, in, def string
	host, service string
	ok            bool
}{
	{"name and port", "localhost:443", "", "localhost", "443", true},
	{"bracketed with default", "[::1]", "80", "::1", "80", true},
	{"bracketed without default", "[::1]", "", "", "", false},
	{"ipv6 blank port", "::1 443", "", "::1", "443", true},
	{"service=port", "www.x.de:https=443", "", "www.x.de", "https=443", true},
	{"two colons", "host:a:b", "", "", "", false},
	{"hash after ipv4", "10.0.0.1#80", "", "", "", false},
	{"hash after ipv4 with default", "10.0.0.1#80", "http", "10.0.0.1#80", "http", true},
	{"unix path", "/tmp/sock", "", Unix, "/tmp/sock", true},
	{"bracketed port", "[::1]:80", "", "::1", "80", true},
	{"ipv6 hash port", "2001:db8::1#443", "", "2001:db8::1", "443", true},
	{"ipv6 with default", "::1", "80", "::1", "80", true},
	{"ipv6 without default", "::1", "", "", "", false},
	{"ipv6 leading blanks", "  ::1 80", "", "::1", "80", true},
	{"name leading blanks", "  host:80", "", "", "", false},
	{"trailing blanks", "host:80  ", "", "host", "80", true},
	{"blanks as separator", "host  80", "", "host", "80", true},
	{"tab as separator", "[::1]\t80", "", "::1", "80", true},
	{"tab inside name", "host\t80", "", "", "", false},
	{"default only", "host", "http", "host", "http", true},
	{"default after blanks", "host   ", "http", "host", "http", true},
	{"empty port", "host:", "", "", "", false},
	{"bracketed name", "[www.x.de]:80", "", "www.x.de", "80", true},
	{"bracketed non-ipv6 colon", "[foo:bar]:80", "", "", "", false},
	{"hex words", "ab:cd:ef", "", "", "", false},
	{"ipv4 port", "1.2.3.4:80", "", "1.2.3.4", "80", true},
	{"bracketed ipv4", "[1.2.3.4]:80", "", "1.2.3.4", "80", true},
	{"mapped with port", "::ffff:1.2.3.4:80", "", "", "", false},
	{"mapped blank port", "::ffff:1.2.3.4 80", "", "::ffff:1.2.3.4", "80", true},
	{"empty", "", "", "", "", false},
	{"empty with default", "", "80", "", "", false},
	{"empty brackets", "[]:80", "", "", "", false},
	{"port then colon", "host:80:", "", "", "", false},
	{"hash in name", "host#80", "", "", "", false},
	{"hash in name with default", "host#80", "x", "host#80", "x", true},
	{"junk after brackets", "[::1]x80", "", "", "", false},
	{"blank then colon", "host :80", "", "", "", false},
	{"hex name", "ab:80", "", "ab", "80", true},
	{"zone", "fe80::1%eth0:80", "", "", "", false},
	{"unbalanced bracket", "[::1:80", "", "", "", false},
	{"port with hash", "[::1]:#80", "", "::1", "#80", true},
}

func TestParseHostPort(t *testing.T) {
	for _, tt := range parseHostPortTests {
		t.Run(tt.name, func(t *testing.T) {
			host, service, ok := ParseHostPort(tt.in, tt.def)
			if host != tt.host || service != tt.service || ok != tt.ok {
				t.Errorf("ParseHostPort(%q, %q) = %q, %q, %v; want %q, %q, %v",
					tt.in, tt.def, host, service, ok, tt.host, tt.service, tt.ok)
			}
		})
	}
}

func TestFormatHostPort(t *testing.T) {
	for _, tt := range []struct{ host, service, want string }{
		{"::1", "80", "[::1]:80"}, // T78
		{"::1", "", "[::1]"},
		{"host", "80", "host:80"},
		{"host", "", "host"},
		{"1.2.3.4", "https", "1.2.3.4:https"},
	} {
		if got := FormatHostPort(tt.host, tt.service); got != tt.want {
			t.Errorf("FormatHostPort(%q, %q) = %q, want %q", tt.host, tt.service, got, tt.want)
		}
	}
}

// FuzzParseHostPort checks that ParseHostPort never panics and that what it
// accepts is well formed: a non-empty host without brackets, IPv6 if it
// has a colon; a service without colons or blanks (unless it is the
// default); and, for hosts and services of ordinary characters, that
// FormatHostPort gives a text that parses back to the same pair.
func FuzzParseHostPort(f *testing.F) {
	for _, tt := range parseHostPortTests {
		f.Add(tt.in, tt.def)
	}
	f.Fuzz(func(t *testing.T, s, def string) {
		host, service, ok := ParseHostPort(s, def)
		if !ok {
			if host != "" || service != "" {
				t.Fatalf("failure with a result: %q, %q", host, service)
			}
			return
		}
		if host == Unix && strings.HasPrefix(s, "/") {
			return
		}
		if host == "" || strings.ContainsAny(host, "[]") {
			t.Fatalf("ParseHostPort(%q, %q): bad host %q", s, def, host)
		}
		if strings.Contains(host, ":") {
			if _, ok := ParseIPv6(host); !ok {
				t.Fatalf("ParseHostPort(%q, %q): host %q with a colon is not IPv6", s, def, host)
			}
		}
		if service != def && (service == "" || strings.ContainsAny(service, ": \t\n\v\f\r")) {
			t.Fatalf("ParseHostPort(%q, %q): bad service %q", s, def, service)
		}
		if plain(host) && plain(service) && !strings.Contains(service, ":") {
			h, p, ok := ParseHostPort(FormatHostPort(host, service), "")
			if !ok || h != host || p != service {
				t.Fatalf("%q, %q formats as %q, which parses as %q, %q, %v",
					host, service, FormatHostPort(host, service), h, p, ok)
			}
		}
	})
}

// plain reports whether s has only characters that need no quoting in a
// host:port text.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(".-_=:", c) >= 0) {
			return false
		}
	}
	return s != ""
}
