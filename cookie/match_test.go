package cookie

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestPunycode(t *testing.T) {
	// Expected values from Python's punycode codec.
	tests := []struct{ in, want string }{
		{"bücher", "bcher-kva"}, {"münchen", "mnchen-3ya"}, {"中国", "fiqs8s"},
		{"日本語", "wgv71a119e"}, {"3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"},
		{"ü", "tda"}, {"ﬀ", "im6c"}, {"a😀b", "ab-no82a"},
		{"παράδειγμα", "hxajbheg2az3al"}, {"пример", "e1afmkfd"},
	}
	for _, tt := range tests {
		if got, ok := punycode(tt.in); !ok || got != tt.want {
			t.Errorf("punycode(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
	if _, ok := punycode(strings.Repeat("\U0010FFFF\u00e9", 3000)); ok {
		t.Errorf("punycode of a huge label did not report overflow")
	}
}

func TestToASCII(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Example.COM", "example.com", true},
		{"Bücher.Example", "xn--bcher-kva.example", true},
		{"ÜBER.de", "xn--ber-goa.de", true},
		{"xn--bcher-kva.example", "xn--bcher-kva.example", true},
		{"b\xffcher.example", "", false},
		{"", "", true},
	}
	for _, tt := range tests {
		got, ok := toASCII(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("toASCII(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestDomainMatch(t *testing.T) {
	tests := []struct {
		host, domain string
		want         bool
	}{
		{"example.com", "example.com", true},
		{"www.example.com", "example.com", true},
		{"a.b.example.com", "example.com", true},
		{"xample.com", "ample.com", false},
		{"example.com", "www.example.com", false},
		{"example.com", "", false},
		{"1.2.3.4", "1.2.3.4", true},
		{"1.2.3.4", "2.3.4", false},
		{"::1", "::1", true},
		{"www.example.com", ".example.com", false},
	}
	for _, tt := range tests {
		if got := domainMatch(tt.host, tt.domain); got != tt.want {
			t.Errorf("domainMatch(%q, %q) = %v", tt.host, tt.domain, got)
		}
	}
}

func TestPaths(t *testing.T) {
	defaults := []struct{ in, want string }{
		{"", "/"}, {"/", "/"}, {"/a", "/"}, {"/a/", "/a"}, {"/a/b", "/a"},
		{"/a/b?c/d", "/a"}, {"/a/b#c/d", "/a"}, {"rel/x", "/"}, {"?x=/y/z", "/"},
		{"//", "/"}, {"/a//b", "/a/"},
	}
	for _, tt := range defaults {
		if got := defaultPath(tt.in); got != tt.want {
			t.Errorf("defaultPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	matches := []struct {
		req, cookie string
		want        bool
	}{
		{"/", "/", true}, {"/foo", "/", true}, {"/foo", "/foo", true},
		{"/foo/", "/foo", true}, {"/foo/bar", "/foo", true}, {"/foobar", "/foo", false},
		{"/foo/bar", "/foo/", true}, {"/foo", "/foo/", false}, {"/fo", "/foo", false},
		{"/x", "", false}, {"/x", "x", false}, {"/Foo", "/foo", false},
	}
	for _, tt := range matches {
		if got := pathMatch(tt.req, tt.cookie); got != tt.want {
			t.Errorf("pathMatch(%q, %q) = %v", tt.req, tt.cookie, got)
		}
	}
	if got := requestPath("/a b?x#y"); got != "/a b" {
		t.Errorf("requestPath = %q", got)
	}
}

func TestAfter(t *testing.T) {
	base := time.Unix(100, 0)
	tests := []struct {
		t    time.Time
		e    float64
		want bool
	}{
		{base, 100, false}, {base.Add(1), 100, true}, {base.Add(-1), 100, false},
		{base, 99.5, true}, {base.Add(500 * time.Millisecond), 100.5, false},
		{base.Add(500*time.Millisecond + 1), 100.5, true}, {base, 1e300, false},
		{base, -1e300, true}, {base, math.NaN(), false}, {base, math.Inf(1), false},
		{base, math.Inf(-1), true}, {time.Unix(-5, 0), -5.5, true},
	}
	for _, tt := range tests {
		if got := after(tt.t, tt.e); got != tt.want {
			t.Errorf("after(%v, %v) = %v", tt.t, tt.e, got)
		}
	}
}
