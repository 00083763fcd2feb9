package cookie

import (
	"reflect"
	"testing"
)

// t73Jar builds the jar of spec Appendix C.10, T73, as a Perl program would
// (no _hostonly keys, no domain attributes).
func t73Jar() *Jar {
	return &Jar{versioned: true, Domains: map[string]PathMap{
		"example.com": {
			"/": {
				"host": {Value: str("h")},
				"sp":   {Value: str("a b")},
				"q":    {Value: str(`x"y\z`)},
				"sec":  {Value: str("1"), Attrs: map[string]*string{"secure": nil}},
				"exp":  {Value: str("e"), Persistent: true, Expires: anow - 10},
				"u":    {},
			},
			"/foo": {"foo": {Value: str("f")}},
		},
		"www.example.com": {"/": {"www": {Value: str("w")}}},
		"ample.com":       {"/": {"ample": {Value: str("1")}}},
	}}
}

func TestCookiesT73(t *testing.T) {
	tests := []struct {
		name               string
		scheme, host, path string
		want               []string
	}{
		{"http example.com", "http", "example.com", "/", []string{"host=h", `q=x"y\z`, `sp="a b"`, "u="}},
		// W4: AnyEvent also sends foo=f ("/foo" is a prefix of "/foobar?x").
		{"W4 https www.example.com /foobar", "https", "www.example.com", "/foobar?x",
			[]string{"www=w", "host=h", `q=x"y\z`, "sec=1", `sp="a b"`, "u="}},
		{"http www.example.com /fo", "http", "www.example.com", "/fo",
			[]string{"www=w", "host=h", `q=x"y\z`, `sp="a b"`, "u="}},
		{"xample.com", "http", "xample.com", "/", nil},
		{"foo subpath first", "https", "www.example.com", "/foo/bar",
			[]string{"foo=f", "www=w", "host=h", `q=x"y\z`, "sec=1", `sp="a b"`, "u="}},
		{"foo exact with query", "http", "example.com", "/foo?x=1",
			[]string{"foo=f", "host=h", `q=x"y\z`, `sp="a b"`, "u="}},
		{"scheme case", "HTTPS", "example.com", "/", []string{"host=h", `q=x"y\z`, "sec=1", `sp="a b"`, "u="}},
		{"host case", "http", "Example.COM", "/", []string{"host=h", `q=x"y\z`, `sp="a b"`, "u="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := t73Jar()
			got := j.Cookies(tt.scheme, tt.host, tt.path, now)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Cookies = %q\nwant      %q", got, tt.want)
			}
			if _, ok := j.Domains["example.com"]["/"]["exp"]; ok && tt.host != "xample.com" {
				t.Errorf("expired cookie not deleted")
			}
		})
	}
}

func TestCookiesWrongVersionWiped(t *testing.T) {
	for _, doc := range []string{
		`{"version":1,"example.com":{"/":{"a":{"value":"1"}}}}`,
		`{"example.com":{"/":{"a":{"value":"1"}}}}`,
		`{"version":"1","example.com":[1,2]}`,
		`{"version":2.5,"example.com":{"/":{"a":{"value":"1"}}}}`,
	} {
		var j Jar
		if err := j.UnmarshalJSON([]byte(doc)); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if got := j.Header("http", "example.com", "/", now); got != "" {
			t.Errorf("%s: Header = %q, want empty", doc, got)
		}
		if b, _ := j.MarshalJSON(); string(b) != "{}" {
			t.Errorf("%s: jar = %s, want {}", doc, b)
		}
	}
}

func TestHeader(t *testing.T) {
	j := NewJar()
	j.SetCookie(`a=1, b="x;y", c, d="q\"\\"`, "example.com", "/", "", now)
	if got, want := j.Header("http", "example.com", "/", now), `a=1; b="x;y"; c=; d=q"\`; got != want {
		t.Errorf("Header = %q, want %q", got, want)
	}
	if got := j.Header("http", "other.com", "/", now); got != "" {
		t.Errorf("Header for other host = %q", got)
	}
	var empty Jar
	if got := empty.Header("http", "example.com", "/", now); got != "" {
		t.Errorf("Header of empty jar = %q", got)
	}
}

func TestQuoteValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""}, {"plain", "plain"}, {`x"y\z`, `x"y\z`}, {"a b", `"a b"`},
		{"a=b", `"a=b"`}, {"a,b", `"a,b"`}, {"a;b", `"a;b"`}, {"a\tb", "\"a\tb\""},
		{"a\vb", "\"a\vb\""}, {`a "b\`, `"a \"b\\"`}, {"\xe9", "\xe9"},
	}
	for _, tt := range tests {
		if got := quoteValue(tt.in); got != tt.want {
			t.Errorf("quoteValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHostOnly checks W4: a cookie set without Domain goes to the exact host
// only, one set with Domain to subdomains too.
func TestHostOnly(t *testing.T) {
	j := NewJar()
	j.SetCookie("host=1", "example.com", "/", "", now)
	j.SetCookie("dom=1; domain=example.com", "example.com", "/", "", now)
	if got, want := j.Header("http", "example.com", "/", now), "dom=1; host=1"; got != want {
		t.Errorf("same host: %q, want %q", got, want)
	}
	if got, want := j.Header("http", "www.example.com", "/", now), "dom=1"; got != want {
		t.Errorf("subdomain: %q, want %q", got, want)
	}
	if got := j.Header("http", "notexample.com", "/", now); got != "" {
		t.Errorf("other domain: %q", got)
	}
}

// TestLegacyJar checks how cookies of a jar written by AnyEvent are sent:
// without _hostonly they go to subdomains, unless the domain is a public
// suffix; control characters are never sent; IP hosts match exactly.
func TestLegacyJar(t *testing.T) {
	j := &Jar{versioned: true, Domains: map[string]PathMap{
		"com.au":      {"/": {"evil": {Value: str("1")}}},
		"example.com": {"/": {"ok": {Value: str("1")}, "crlf": {Value: str("x\r\nEvil: 1")}, "nl\n": {Value: str("1")}}},
		"0.0.1":       {"/": {"ip": {Value: str("1")}}},
		"127.0.0.1":   {"/": {"lo": {Value: str("1")}}},
		"x":           {"rel": {"rel": {Value: str("1")}}, "": {"empty": {Value: str("1")}}},
	}}
	check := func(host, want string) {
		t.Helper()
		if got := j.Header("http", host, "/", now); got != want {
			t.Errorf("Header(%s) = %q, want %q", host, got, want)
		}
	}
	check("www.example.com.au", "")
	check("com.au", "evil=1")
	check("www.example.com", "ok=1")
	check("127.0.0.1", "lo=1")
	check("x", "")
}

// TestSecureExpiredKept checks AnyEvent's order of checks: an expired secure
// cookie is skipped, not deleted, by a plain-http request.
func TestSecureExpiredKept(t *testing.T) {
	j := NewJar()
	j.SetCookie("s=1; secure; max-age=-1, p=1; max-age=-1", "h", "/", "", now)
	j.Cookies("http", "h", "/", now)
	checkEntries(t, j, []entry{{"h", "/", "s", expiring(str("1"), anow-1, "secure", "\x00")}})
	j.Cookies("https", "h", "/", now)
	if len(j.Domains["h"]["/"]) != 0 {
		t.Errorf("expired secure cookie not deleted over https")
	}
	if _, ok := j.Domains["h"]; !ok {
		t.Errorf("empty maps removed by Cookies; only Expire should")
	}
}

// TestExpiryBoundary checks that a cookie expires once now is greater than
// _expires, compared with the fractional loop time.
func TestExpiryBoundary(t *testing.T) {
	j := NewJar()
	j.SetCookie("a=1; max-age=0", "h", "/", "", now)
	if got := j.Header("http", "h", "/", now); got != "a=1" {
		t.Errorf("at _expires: %q, want a=1", got)
	}
	if got := j.Header("http", "h", "/", now.Add(1)); got != "" {
		t.Errorf("after _expires: %q, want none", got)
	}
}
