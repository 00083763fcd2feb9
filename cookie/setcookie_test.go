package cookie

import (
	"testing"
	"time"
)

// setCookieTest is one call of SetCookie on an empty jar and the complete
// resulting jar. Rows marked with a W number differ from AnyEvent on
// purpose (spec Appendix B; see the package documentation).
type setCookieTest struct {
	name   string
	header string
	host   string
	path   string // request path; "" means "/"
	date   string
	want   []entry
}

// t72Tests are the rows of spec Appendix C.10, T72, in order.
var t72Tests = []setCookieTest{
	{name: "T72/attributes", header: "a=1; Path=/p; Secure; HttpOnly; SameSite=Lax; Domain=Example.COM", host: "www.example.com",
		want: []entry{{"example.com", "/p", "a", domainCookie(str("1"), "domain", "Example.COM", "secure", "\x00", "httponly", "\x00", "samesite", "Lax")}}},
	{name: "T72/public suffix co.uk", header: "a=1; domain=.co.uk", host: "x.co.uk"},
	{name: "T72/domain foo.co.uk", header: "a=1; domain=foo.co.uk", host: "x.foo.co.uk",
		want: []entry{{"foo.co.uk", "/", "a", domainCookie(str("1"), "domain", "foo.co.uk")}}},
	// W3: AnyEvent stores com.au (dot count only); it is a public suffix.
	{name: "T72/W3 public suffix com.au", header: "a=1; domain=com.au", host: "www.example.com.au"},
	// W3: AnyEvent stores evil.org; it does not domain-match the host.
	{name: "T72/W3 foreign domain", header: "a=1; domain=evil.org", host: "www.example.com"},
	// W3: AnyEvent stops at the rejected cookie and stores nothing.
	{name: "T72/W3 rejected cookie does not abort", header: "a=1; domain=com, b=2", host: "x.com",
		want: []entry{{"x.com", "/", "b", session(str("2"))}}},
	{name: "T72/rejected last", header: "b=2, a=1; domain=com", host: "x.com",
		want: []entry{{"x.com", "/", "b", session(str("2"))}}},
	{name: "T72/quoted", header: `a="q\"uo;ted"; max-age=100`, host: "h",
		want: []entry{{"h", "/", "a", expiring(str(`q"uo;ted`), anow+100)}}},
	{name: "T72/value ends at space", header: "a=b c; path=/x", host: "h",
		want: []entry{{"h", "/", "a", session(str("b"))}}},
	{name: "T72/expires relative to Date",
		header: "a=1; expires=Wed, 09 Jun 2021 10:18:14 GMT, b=2; expires=Thu, 01-Jan-2037 00:00:00 GMT",
		host:   "h", date: "Wed, 09 Jun 2021 10:18:00 GMT",
		want: []entry{
			{"h", "/", "a", expiring(str("1"), anow+14)},
			{"h", "/", "b", expiring(str("2"), anow+(2114380800-1623233880))},
		}},
	{name: "T72/expires without comma space", header: "a=1; expires=Wednesday,09-Jun-2021", host: "h",
		want: []entry{
			{"h", "/", "a", expiring(str("1"), 0)},
			{"h", "/", "09-Jun-2021", session(nil)},
		}},
	{name: "T72/expires garbage", header: "a=1; expires=garbage", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), 0)}}},
	{name: "T72/max-age wins", header: "a=1; Max-Age=10; expires=Thu, 01 Jan 2037 00:00:00 GMT", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), anow+10, "expires", "Thu, 01 Jan 2037 00:00:00 GMT")}}},
	// W26: AnyEvent stores value 2.
	{name: "T72/W26 value attribute ignored", header: "a=1; value=2", host: "h",
		want: []entry{{"h", "/", "a", session(str("1"))}}},
	{name: "T72/bare name", header: "a", host: "h",
		want: []entry{{"h", "/", "a", session(nil)}}},
	{name: "T72/empty name stops", header: "=x; a=1", host: "h"},
	{name: "T72/empty path", header: "a=1; path=", host: "h",
		want: []entry{{"h", "/", "a", session(str("1"))}}},
	{name: "T72/trailing dot", header: "a=1;domain=.example.com.", host: "www.example.com"},
	{name: "T72/case", header: "A=1; PATH=/X; Max-Age", host: "h",
		want: []entry{{"h", "/X", "A", expiring(str("1"), anow)}}},
}

// edgeSetCookieTests are further cases, mostly of the safe rules.
var edgeSetCookieTests = []setCookieTest{
	{name: "com.au from itself is host-only", header: "a=1; domain=com.au", host: "com.au",
		want: []entry{{"com.au", "/", "a", session(str("1"), "domain", "com.au")}}},
	{name: "private suffix github.io", header: "a=1; domain=github.io", host: "x.github.io"},
	{name: "single label domain", header: "a=1; domain=localhost", host: "localhost",
		want: []entry{{"localhost", "/", "a", session(str("1"), "domain", "localhost")}}},
	{name: "single label from subdomain", header: "a=1; domain=localhost", host: "x.localhost"},
	{name: "domain equals host", header: "a=1; domain=example.com", host: "example.com",
		want: []entry{{"example.com", "/", "a", domainCookie(str("1"), "domain", "example.com")}}},
	{name: "domain leading dot and case", header: "a=1; domain=.EXAMPLE.com", host: "A.Example.COM",
		want: []entry{{"example.com", "/", "a", domainCookie(str("1"), "domain", ".EXAMPLE.com")}}},
	{name: "double leading dot", header: "a=1; domain=..example.com", host: "a.example.com"},
	{name: "sibling domain", header: "a=1; domain=b.example.com", host: "a.example.com"},
	{name: "suffix without dot boundary", header: "a=1; domain=ample.com", host: "example.com"},
	{name: "empty domain", header: "a=1; domain=", host: "example.com"},
	{name: "domain without value", header: "a=1; domain", host: "example.com"},
	{name: "IP host, own address", header: "a=1; domain=127.0.0.1", host: "127.0.0.1",
		want: []entry{{"127.0.0.1", "/", "a", session(str("1"), "domain", "127.0.0.1")}}},
	{name: "IP host, parent", header: "a=1; domain=0.0.1", host: "127.0.0.1"},
	{name: "IP domain from name", header: "a=1; domain=1.2.3.4", host: "x.1.2.3.4"},
	{name: "IPv6 host in brackets", header: "a=1", host: "[2001:db8::1]",
		want: []entry{{"2001:db8::1", "/", "a", session(str("1"))}}},
	{name: "host lower-cased", header: "a=1", host: "WWW.Example.COM",
		want: []entry{{"www.example.com", "/", "a", session(str("1"))}}},
	{name: "IDN host", header: "a=1", host: "Bücher.example",
		want: []entry{{"xn--bcher-kva.example", "/", "a", session(str("1"))}}},
	{name: "IDN domain", header: "a=1; domain=bücher.example", host: "www.xn--bcher-kva.example",
		want: []entry{{"xn--bcher-kva.example", "/", "a", domainCookie(str("1"), "domain", "bücher.example")}}},
	{name: "invalid UTF-8 host", header: "a=1", host: "b\xffcher.example"},
	{name: "version host", header: "a=1", host: "version"},
	{name: "version domain", header: "a=1; domain=version", host: "version"},
	{name: "W4 default path", header: "a=1", host: "127.0.0.1", path: "/dir/page?next=/foo",
		want: []entry{{"127.0.0.1", "/dir", "a", session(str("1"))}}},
	{name: "W4 default path top level", header: "a=1", host: "h", path: "/page",
		want: []entry{{"h", "/", "a", session(str("1"))}}},
	{name: "W4 default path trailing slash", header: "a=1", host: "h", path: "/a/b/",
		want: []entry{{"h", "/a/b", "a", session(str("1"))}}},
	{name: "W4 relative path attribute", header: "a=1; path=rel", host: "h", path: "/dir/x",
		want: []entry{{"h", "/dir", "a", session(str("1"))}}},
	{name: "W4 empty path attribute", header: "a=1; path=", host: "h", path: "/dir/x",
		want: []entry{{"h", "/dir", "a", session(str("1"))}}},
	{name: "path 0", header: "a=1; path=0", host: "h",
		want: []entry{{"h", "/", "a", session(str("1"))}}},
	{name: "path without value", header: "a=1; path", host: "h", path: "/d/x",
		want: []entry{{"h", "/d", "a", session(str("1"))}}},
	{name: "quoted path", header: `a=1; path="/a b"`, host: "h",
		want: []entry{{"h", "/a b", "a", session(str("1"))}}},
	{name: "later attribute wins", header: "a=1; path=/a; Path=/b; SameSite=Lax; samesite=Strict", host: "h",
		want: []entry{{"h", "/b", "a", session(str("1"), "samesite", "Strict")}}},
	{name: "replace same name", header: "a=1, a=2", host: "h",
		want: []entry{{"h", "/", "a", session(str("2"))}}},
	{name: "different paths kept apart", header: "a=1; path=/x, a=2; path=/y", host: "h",
		want: []entry{{"h", "/x", "a", session(str("1"))}, {"h", "/y", "a", session(str("2"))}}},
	{name: "CR LF in quoted value", header: "a=\"x\r\nInjected: 1\", b=2", host: "h",
		want: []entry{{"h", "/", "b", session(str("2"))}}},
	{name: "NUL in name", header: "a\x00b=1, c=3", host: "h",
		want: []entry{{"h", "/", "c", session(str("3"))}}},
	{name: "tab in value kept", header: "a=\"x\ty\"", host: "h",
		want: []entry{{"h", "/", "a", session(str("x\ty"))}}},
	{name: "DEL in value", header: "a=x\x7fy", host: "h"},
	{name: "forged internal keys", header: "a=1; _hostonly=0; _expires=5; _x", host: "example.com",
		want: []entry{{"example.com", "/", "a", session(str("1"))}}},
	{name: "max-age fraction", header: "a=1; max-age=1.5", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), anow+1.5)}}},
	{name: "max-age negative", header: "a=1; max-age=-5", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), anow-5)}}},
	{name: "max-age numeric prefix", header: "a=1; max-age=12abc", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), anow+12)}}},
	{name: "max-age garbage", header: "a=1; max-age=abc", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), anow)}}},
	{name: "max-age quoted spaces", header: `a=1; max-age=" 7"`, host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), anow+7)}}},
	{name: "expires without Date", header: "a=1; expires=Thu, 01 Jan 2037 00:00:00 GMT", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), 2114380800)}}},
	{name: "expires with unparsable Date", header: "a=1; expires=Thu, 01 Jan 2037 00:00:00 GMT", host: "h", date: "yesterday",
		want: []entry{{"h", "/", "a", expiring(str("1"), 2114380800)}}},
	{name: "Date of epoch counts as absent", header: "a=1; expires=Thu, 01 Jan 2037 00:00:00 GMT", host: "h",
		date: "Thu, 01 Jan 1970 00:00:00 GMT",
		want: []entry{{"h", "/", "a", expiring(str("1"), 2114380800)}}},
	{name: "expires trailing space unparsable", header: "a=1; expires=Thu, 01 Jan 2037 00:00:00 GMT ; path=/p", host: "h",
		want: []entry{{"h", "/p", "a", expiring(str("1"), 0)}}},
	{name: "expires spaces around equals", header: "a=1; Expires = Thu, 01 Jan 2037 00:00:00 GMT", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), 2114380800)}}},
	{name: "expires as cookie name", header: "EXPIRES=Thu, 01 Jan 2037 00:00:00 GMT; path=/", host: "h",
		want: []entry{{"h", "/", "expires", session(str("Thu, 01 Jan 2037 00:00:00 GMT"))}}},
	{name: "expires without value", header: "a=1; expires", host: "h",
		want: []entry{{"h", "/", "a", expiring(str("1"), 0)}}},
	{name: "several cookies with spaces", header: "a=1 , b=2;path=/q ,c", host: "h",
		want: []entry{{"h", "/", "a", session(str("1"))}, {"h", "/q", "b", session(str("2"))}, {"h", "/", "c", session(nil)}}},
	{name: "semicolon then comma", header: "a=1;, b=2", host: "h",
		want: []entry{{"h", "/", "a", session(str("1"))}, {"h", "/", "b", session(str("2"))}}},
	{name: "empty item ends header", header: "a=1; ;b=2, c=3", host: "h",
		want: []entry{{"h", "/", "a", session(str("1"))}}},
	{name: "unterminated quote", header: `a="x; b=2`, host: "h",
		want: []entry{{"h", "/", "a", session(str(`"x`), "b", "2")}}},
	{name: "empty header", header: "", host: "h"},
	{name: "only spaces", header: "  \t ", host: "h"},
}

func TestSetCookie(t *testing.T) {
	for _, tests := range [][]setCookieTest{t72Tests, edgeSetCookieTests} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				path := tt.path
				if path == "" {
					path = "/"
				}
				j := NewJar()
				j.SetCookie(tt.header, tt.host, path, tt.date, now)
				checkEntries(t, j, tt.want)
			})
		}
	}
}

// TestSetCookieFractionalNow checks that anow is the loop time truncated
// to seconds (spec §13.3).
func TestSetCookieFractionalNow(t *testing.T) {
	j := NewJar()
	j.SetCookie("a=1; max-age=10", "h", "/", "", time.Unix(anow, 900e6))
	checkEntries(t, j, []entry{{"h", "/", "a", expiring(str("1"), anow+10)}})
}

// TestSetCookieServerTimeOnce checks that the server time is taken from
// Date for every cookie of the header.
func TestSetCookieServerTimeOnce(t *testing.T) {
	j := NewJar()
	j.SetCookie("a=1; expires=Wed, 09 Jun 2021 10:18:14 GMT, b=1; max-age=1, c=1; expires=Wed, 09 Jun 2021 10:19:00 GMT",
		"h", "/", "Wed, 09 Jun 2021 10:18:00 GMT", now)
	checkEntries(t, j, []entry{
		{"h", "/", "a", expiring(str("1"), anow+14)},
		{"h", "/", "b", expiring(str("1"), anow+1)},
		{"h", "/", "c", expiring(str("1"), anow+60)},
	})
}

// TestSetCookieMarksVersion checks that storing sets the version key.
func TestSetCookieMarksVersion(t *testing.T) {
	j := NewJar()
	j.SetCookie("a=1; domain=evil.org", "example.com", "/", "", now)
	if b, _ := j.MarshalJSON(); string(b) != "{}" {
		t.Errorf("jar after rejected cookie = %s, want {}", b)
	}
	j.SetCookie("a=1", "example.com", "/", "", now)
	j.Expire(now, true)
	if b, _ := j.MarshalJSON(); string(b) != `{"version":2}` {
		t.Errorf("emptied jar = %s, want {\"version\":2}", b)
	}
}

// TestCustomPublicSuffixList checks that an injected list is used.
func TestCustomPublicSuffixList(t *testing.T) {
	j := &Jar{PublicSuffixList: fixedSuffixes{"example.com": true}}
	j.SetCookie("a=1; domain=example.com", "www.example.com", "/", "", now)
	j.SetCookie("b=1; domain=com", "www.example.com", "/", "", now)
	checkEntries(t, j, []entry{{"com", "/", "b", domainCookie(str("1"), "domain", "com")}})
}

// fixedSuffixes is a PublicSuffixList that knows only the given suffixes.
type fixedSuffixes map[string]bool

func (f fixedSuffixes) PublicSuffix(d string) string {
	for s := d; ; {
		if f[s] {
			return s
		}
		i := 0
		for i < len(s) && s[i] != '.' {
			i++
		}
		if i == len(s) {
			return ""
		}
		s = s[i+1:]
	}
}

func (fixedSuffixes) String() string { return "fixed" }
