package cookie

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Fuzz targets. The committed corpora in testdata/fuzz/FuzzXxx hold the
// table-test inputs (written by TestSeedCorpus -update-corpus) and any past
// crashers; go test runs them as regression tests.

func FuzzSetCookie(f *testing.F) {
	for _, s := range setCookieSeeds() {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, header, host, date string) {
		j := NewJar()
		j.SetCookie(header, host, "/dir/page?q=/x", date, now)
		checkInvariants(t, j, host)
		j.Header("https", host, "/dir/page", now)
		checkJSONRoundTrip(t, j)
		j.Expire(now, true)
		diffNetHTTP(t, header)
	})
}

// FuzzJarJSON loads arbitrary jar files: no panic; a jar that loads can
// be saved and loads back the same; and no cookie of it puts a control
// character into a Cookie header.
func FuzzJarJSON(f *testing.F) {
	for _, s := range jarJSONSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		j := &Jar{PublicSuffixList: fixedSuffixes{}}
		if err := json.Unmarshal([]byte(doc), j); err != nil {
			return
		}
		checkJSONRoundTrip(t, j)
		for domain, paths := range j.Domains {
			for path := range paths {
				for _, scheme := range []string{"http", "https"} {
					h := j.Header(scheme, domain, path, now)
					if strings.ContainsAny(h, "\x00\r\n") {
						t.Fatalf("Header(%q, %q, %q) = %q", scheme, domain, path, h)
					}
				}
			}
		}
		j.Expire(now, true)
		checkJSONRoundTrip(t, j)
	})
}

func FuzzParseDate(f *testing.F) {
	for _, tt := range dateTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseDate(s)
		if !ok {
			return
		}
		if got.Location() != time.UTC || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v: not whole seconds in UTC", s, got)
		}
		if y := got.Year(); y >= 1000 && y <= 9999 {
			back, ok := ParseDate(FormatDate(got))
			if !ok || !back.Equal(got) {
				t.Fatalf("ParseDate(FormatDate(%v)) = %v, %v", got, back, ok)
			}
		}
		diffDate(t, s, got)
	})
}

// setCookieSeeds returns the (header, host, date) inputs of the table tests.
func setCookieSeeds() [][3]string {
	var out [][3]string
	for _, tests := range [][]setCookieTest{t72Tests, edgeSetCookieTests} {
		for _, tt := range tests {
			out = append(out, [3]string{tt.header, tt.host, tt.date})
		}
	}
	for _, tt := range parseTests {
		out = append(out, [3]string{tt.in, "www.example.com", ""})
	}
	for _, s := range conformingSeeds {
		out = append(out, [3]string{s, "www.example.com", "Wed, 09 Jun 2021 10:18:00 GMT"})
	}
	return out
}

// conformingSeeds are RFC 6265 §4.1.1 set-cookie-strings, which feed the
// strict part of the differential test.
var conformingSeeds = []string{
	"sid=abc",
	`sid="abc"`,
	"sid=a!#$%&'()*+-./:<>?@[]^_`{|}~",
	"sid=abc; Path=/p; Domain=example.com; Secure; HttpOnly; SameSite=Lax",
	"sid=abc; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=3600",
	"sid=abc; Max-Age=0",
	"sid=abc; SameSite=Strict; Partitioned",
	"sid=abc; samesite=none; path=/a/b; domain=.example.com",
	"sid=abc; Path=/a b",
	"sid=abc; Comment=a, b",
	"sid=abc; expires=Sun, 06 nov 1994 08:49:37 GMT",
	"sid=abc; Max-Age=99999999999999999999",
	"sid=abc; ; Secure",
	`sid=abc; Path="/q"`,
}

// checkInvariants checks the safety properties of every stored cookie.
func checkInvariants(t *testing.T, j *Jar, host string) {
	t.Helper()
	h, _ := canonicalHost(host)
	for d, paths := range j.Domains {
		for p, cookies := range paths {
			for n, c := range cookies {
				where := d + " " + p + " " + n
				switch {
				case d == "version":
					t.Fatalf("%s: reserved domain key", where)
				case c.HostOnly && d != h:
					t.Fatalf("%s: host-only cookie not stored under host %q", where, h)
				case !c.HostOnly && (!domainMatch(h, d) || isPublicSuffix(j.psl(), d)):
					t.Fatalf("%s: domain cookie that host %q must not set", where, h)
				case !strings.HasPrefix(p, "/"):
					t.Fatalf("%s: path does not start with /", where)
				case hasCTL(n) || (c.Value != nil && hasCTL(*c.Value)):
					t.Fatalf("%s: control character stored", where)
				case c.Persistent && math.IsNaN(c.Expires):
					t.Fatalf("%s: NaN expiry", where)
				}
				for a := range c.Attrs {
					if a == "value" || a == "path" || a == "max-age" || strings.HasPrefix(a, "_") {
						t.Fatalf("%s: attribute %q stored", where, a)
					}
				}
			}
		}
	}
}

// checkJSONRoundTrip checks that MarshalJSON and UnmarshalJSON are inverse.
func checkJSONRoundTrip(t *testing.T, j *Jar) {
	t.Helper()
	out, err := json.Marshal(j)
	if err != nil {
		t.Fatalf("MarshalJSON: %v", err)
	}
	var back Jar
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("UnmarshalJSON(%s): %v", out, err)
	}
	if !reflect.DeepEqual(entries(&back), entries(j)) {
		t.Fatalf("JSON round trip:\n got %v\nwant %v", entries(&back), entries(j))
	}
}

// jarJSONSeeds returns jar files: the Perl-written one, the lenient
// reading's test document, and a few that stress the number and string
// conversions.
func jarJSONSeeds(tb testing.TB) []string {
	perl, err := os.ReadFile("testdata/perl-jar.json")
	if err != nil {
		tb.Fatal(err)
	}
	return []string{
		string(perl),
		lenientJarDoc,
		`{}`,
		`null`,
		`{"version":1,"h":{"/":{"a":{"value":"1"}}}}`,
		`{"version":2,"h":{"/":{"a":{"value":"1","_expires":"inf"},"b":{"_expires":"nan"},"c":{"_expires":1e308}}}}`,
		`{"version":2,"h":{"/":{"a":{"value":"x\r\nInjected: 1"},"b\n":{"value":"1"}}},"h\r\n":{"/":{"c":{"value":"1"}}}}`,
		`{"version":2.0,"h":{"p":{"a":{"value":"1","_hostonly":1}},"/":{"":{"value":""}}}}`,
		`{"version":"2","\u00e9.example":{"/":{"\u00ff":{"value":"\u0100","secure":null,"_x":1}}}}`,
	}
}
