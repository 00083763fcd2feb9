package cookie

import (
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Differential testing against net/http.ParseSetCookie.
//
// Two tiers are compared. For any input both accept, the name and value of
// the first cookie must agree. For inputs that are set-cookie-strings of
// RFC 6265 §4.1.1 (the grammar servers must send, where RFC 6265, net/http
// and AnyEvent's reading should all agree), every attribute net/http knows
// must agree as well. Every disagreement found so far is listed, with its
// reason, in knownDisagreements; a comparison is skipped only when an entry
// that names it matches the input.

// diffInput is what a disagreement predicate may look at.
type diffInput struct {
	s      string       // the Set-Cookie value
	theirs *http.Cookie // net/http's reading
	avs    []string     // cookie-av strings (strict tier only)
}

// knownDisagreement is a known difference from net/http, kept on purpose.
type knownDisagreement struct {
	id     string
	reason string
	fields []string // the comparisons it excuses
	match  func(in diffInput) bool
}

// knownDisagreements is the allow-list of the differential test.
var knownDisagreements = []knownDisagreement{
	{
		id: "whitespace-in-value",
		reason: "AnyEvent reads an unquoted value up to the first whitespace and skips whitespace " +
			"after '=' (spec §13.3, T72 'a=b c' stores b); net/http keeps spaces inside and after '='. " +
			"RFC 6265 §4.1.1 forbids unquoted spaces; §5.2 would trim the ends but keep inner ones.",
		fields: []string{"value"},
		match:  func(in diffInput) bool { return !in.theirs.Quoted && strings.Contains(in.theirs.Value, " ") },
	},
	{
		id: "comma-in-value",
		reason: "AnyEvent's header map joins Set-Cookie lines with ',' and its grammar splits cookies " +
			"there (spec §8.4, §13.3); net/http parses one line and keeps the comma. RFC 6265 §4.1.1 " +
			"excludes ',' from cookie-octet.",
		fields: []string{"value"},
		match:  func(in diffInput) bool { return !in.theirs.Quoted && strings.Contains(in.theirs.Value, ",") },
	},
	{
		id: "expires-named-cookie",
		reason: "AnyEvent reads 'expires=Wdy, ...' with its date rule wherever it appears, so a cookie " +
			"named Expires with a date-like value is named 'expires' and ends at the next ','; " +
			"net/http keeps the name as written.",
		fields: []string{"name", "value"},
		match:  func(in diffInput) bool { return strings.EqualFold(in.theirs.Name, "expires") },
	},
	{
		id: "space-or-comma-in-attribute",
		reason: "RFC 6265 §4.1.1 allows SP and ',' in path-av and extension-av; AnyEvent ends an " +
			"attribute value at whitespace and the cookie at ',' (except inside 'expires=Wdy, ...'), " +
			"dropping the attributes after it; net/http splits on ';' only and does not read 'Path =x'.",
		fields: []string{"attrs"},
		match: func(in diffInput) bool {
			for _, av := range in.avs {
				if strings.ContainsAny(av, " ,") && !saneExpiresAV.MatchString(av) {
					return true
				}
			}
			return false
		},
	},
	{
		id: "quote-in-attribute",
		reason: "AnyEvent unquotes attribute values like cookie values (Path=\"/q\" is /q); net/http " +
			"refuses attribute values holding '\"' or '\\' and ignores the attribute.",
		fields: []string{"attrs"},
		match: func(in diffInput) bool {
			return anyAV(in, func(av string) bool { return strings.ContainsAny(av, "\"\\") })
		},
	},
	{
		id: "empty-attribute",
		reason: "AnyEvent's item grammar needs a name, so an empty attribute or one starting with '=' " +
			"ends the cookie and drops later attributes; net/http skips it.",
		fields: []string{"attrs"},
		match: func(in diffInput) bool {
			return anyAV(in, func(av string) bool { return av == "" || av[0] == '=' })
		},
	},
	{
		id: "max-age-not-delta-seconds",
		reason: "AnyEvent reads max-age as a Perl number (garbage is 0: expired at once; '1.5' is 1.5; " +
			"overflow is huge; above 2^53 it is a float64, where Perl keeps 64-bit integers exact); " +
			"net/http and RFC 6265 §5.2.2 ignore values that are not integers and net/http also " +
			"those that overflow int or have a leading zero.",
		fields: []string{"max-age"},
		match: func(in diffInput) bool {
			return anyAV(in, func(av string) bool {
				name, v, _ := strings.Cut(av, "=")
				return strings.EqualFold(name, "max-age") && !deltaSeconds.MatchString(v)
			})
		},
	},
	{
		id: "date-reading",
		reason: "AnyEvent's parse_date is case-sensitive and GMT-only, also reads RFC 850, asctime and " +
			"dashed dates, never checks the weekday, and reads years 0100-0999 as 1900+y; net/http reads " +
			"RFC 1123 case-insensitively with any zone name. Only canonical IMF-fixdates are compared.",
		fields: []string{"expires-time"},
		match: func(in diffInput) bool {
			return anyAV(in, func(av string) bool {
				name, _, _ := strings.Cut(av, "=")
				return strings.EqualFold(name, "expires") && !saneExpiresAV.MatchString(av)
			})
		},
	},
}

var (
	// saneExpiresAV is an expires-av with an IMF-fixdate in canonical case
	// and a year of 1000 or later.
	saneExpiresAV = regexp.MustCompile(`^(?i:expires)=(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} ` +
		`(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [1-9][0-9]{3} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$`)
	// deltaSeconds is a positive max-age that a float64 holds exactly.
	deltaSeconds = regexp.MustCompile(`^[1-9][0-9]{0,14}$`)
)

func anyAV(in diffInput, f func(string) bool) bool {
	for _, av := range in.avs {
		if f(av) {
			return true
		}
	}
	return false
}

// excused reports whether a known disagreement excuses field for in.
func excused(in diffInput, field string) bool {
	for _, d := range knownDisagreements {
		for _, f := range d.fields {
			if f == field && d.match(in) {
				return true
			}
		}
	}
	return false
}

// diffNetHTTP compares parseSetCookie with net/http.ParseSetCookie and
// reports whether the attributes were compared too.
func diffNetHTTP(t *testing.T, s string) bool {
	t.Helper()
	theirs, err := http.ParseSetCookie(s)
	if err != nil {
		return false
	}
	ours := parseSetCookie(s)
	if len(ours) == 0 {
		t.Fatalf("%q: net/http reads %q=%q, we read nothing", s, theirs.Name, theirs.Value)
	}
	in := diffInput{s: s, theirs: theirs}
	first := ours[0]
	if first.name != theirs.Name && !excused(in, "name") {
		t.Fatalf("%q: name %q, net/http %q", s, first.name, theirs.Name)
	}
	if deref(first.value) != theirs.Value && !excused(in, "value") {
		t.Fatalf("%q: value %q, net/http %q", s, deref(first.value), theirs.Value)
	}
	avs, ok := conformingAVs(s)
	if !ok {
		return false
	}
	in.avs = avs
	if excused(in, "attrs") {
		return false
	}
	diffAttrs(t, in, first)
	return true
}

// diffAttrs compares the attributes net/http knows.
func diffAttrs(t *testing.T, in diffInput, c rawCookie) {
	t.Helper()
	attrs := map[string]*string{}
	for _, a := range c.attrs {
		attrs[a.name] = a.value
	}
	has := func(n string) bool { _, ok := attrs[n]; return ok }
	th := in.theirs
	check := func(field string, ours, theirs any) {
		t.Helper()
		if ours != theirs {
			t.Fatalf("%q: %s = %v, net/http %v", in.s, field, ours, theirs)
		}
	}
	check("path", deref(attrs["path"]), th.Path)
	check("domain", deref(attrs["domain"]), th.Domain)
	check("secure", has("secure"), th.Secure)
	check("httponly", has("httponly"), th.HttpOnly)
	check("partitioned", has("partitioned"), th.Partitioned)
	check("samesite", sameSite(attrs), th.SameSite)
	check("expires", deref(attrs["expires"]), th.RawExpires)
	if !excused(in, "max-age") {
		check("max-age", maxAge(attrs), th.MaxAge)
	}
	if exp, ok := parseDateUnix(deref(attrs["expires"])); ok && !excused(in, "expires-time") {
		check("expires-time", exp, th.Expires.Unix())
	} else if !ok && !th.Expires.IsZero() && !excused(in, "expires-time") {
		t.Fatalf("%q: expires unparsable, net/http reads %v", in.s, th.Expires)
	}
}

// sameSite maps the raw SameSite attribute as net/http does.
func sameSite(attrs map[string]*string) http.SameSite {
	v, ok := attrs["samesite"]
	if !ok {
		return 0
	}
	switch lowerASCII(deref(v)) {
	case "lax":
		return http.SameSiteLaxMode
	case "strict":
		return http.SameSiteStrictMode
	case "none":
		return http.SameSiteNoneMode
	}
	return http.SameSiteDefaultMode
}

// maxAge converts our max-age to net/http's convention (0 absent, -1 for
// "expire now"), through the same Perl number the jar uses.
func maxAge(attrs map[string]*string) int {
	v, ok := attrs["max-age"]
	if !ok {
		return 0
	}
	n := perlNum(deref(v))
	if n <= 0 {
		return -1
	}
	return int(n)
}

// conformingAVs returns the cookie-av strings of s if s is a
// set-cookie-string of RFC 6265 §4.1.1:
//
//	set-cookie-string = cookie-pair *( ";" SP cookie-av )
//	cookie-pair       = cookie-name "=" cookie-value
//	cookie-value      = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
//
// Every cookie-av is a subset of extension-av (any CHAR except CTLs or
// ";"), so checking that character set is exact.
func conformingAVs(s string) ([]string, bool) {
	parts := strings.Split(s, ";")
	name, value, ok := strings.Cut(parts[0], "=")
	if !ok || !isToken(name) || !isCookieValue(value) {
		return nil, false
	}
	avs := make([]string, 0, len(parts)-1)
	for _, p := range parts[1:] {
		av, ok := strings.CutPrefix(p, " ")
		if !ok || strings.ContainsFunc(av, func(r rune) bool { return r < 0x20 || r >= 0x7f }) {
			return nil, false
		}
		avs = append(avs, av)
	}
	return avs, true
}

// isToken reports whether s is an RFC 2616 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= 0x20 || b >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, b) >= 0 {
			return false
		}
	}
	return true
}

// isCookieValue reports whether s is an RFC 6265 cookie-value.
func isCookieValue(s string) bool {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= 0x20 || b >= 0x7f || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// diffDate compares ParseDate with net/http.ParseTime where both read s.
func diffDate(t *testing.T, s string, ours time.Time) {
	t.Helper()
	theirs, err := http.ParseTime(s)
	if err != nil || theirs.Year() < 1000 { // Time::Local reads 0100-0999 as 1900+y
		return
	}
	if !theirs.Equal(ours) {
		t.Fatalf("ParseDate(%q) = %v, net/http %v", s, ours, theirs)
	}
}

// TestKnownDisagreements checks each allow-list entry on an example, so an
// entry that no longer describes a real difference is noticed.
func TestKnownDisagreements(t *testing.T) {
	examples := map[string]string{
		"whitespace-in-value":         "a=b c",
		"comma-in-value":              "a=b,c",
		"expires-named-cookie":        "EXPIRES=Wed, 09 Jun 2021 10:18:14 GMT",
		"space-or-comma-in-attribute": "a=b; Path=/a b",
		"quote-in-attribute":          `a=b; Path="/q"`,
		"empty-attribute":             "a=b; ; Secure",
		"max-age-not-delta-seconds":   "a=b; Max-Age=1.5",
		"date-reading":                "a=b; Expires=Sun, 06 nov 1994 08:49:37 GMT",
	}
	for _, d := range knownDisagreements {
		s, ok := examples[d.id]
		if !ok {
			t.Errorf("%s: no example", d.id)
			continue
		}
		theirs, err := http.ParseSetCookie(s)
		if err != nil {
			t.Errorf("%s: net/http rejects %q: %v", d.id, s, err)
			continue
		}
		in := diffInput{s: s, theirs: theirs}
		in.avs, _ = conformingAVs(s)
		if !d.match(in) {
			t.Errorf("%s: does not match its example %q", d.id, s)
		}
		if !disagrees(s, theirs, d.fields) {
			t.Errorf("%s: %q shows no disagreement in %v", d.id, s, d.fields)
		}
	}
}

// disagrees reports whether parseSetCookie and net/http differ on s in one
// of fields.
func disagrees(s string, theirs *http.Cookie, fields []string) bool {
	ours := parseSetCookie(s)
	if len(ours) == 0 {
		return true
	}
	c := ours[0]
	attrs := map[string]*string{}
	for _, a := range c.attrs {
		attrs[a.name] = a.value
	}
	for _, f := range fields {
		var differ bool
		switch f {
		case "name":
			differ = c.name != theirs.Name
		case "value":
			differ = deref(c.value) != theirs.Value
		case "attrs":
			_, sec := attrs["secure"]
			differ = deref(attrs["path"]) != theirs.Path || sec != theirs.Secure
		case "max-age":
			differ = maxAge(attrs) != theirs.MaxAge
		case "expires-time":
			_, ok := parseDateUnix(deref(attrs["expires"]))
			differ = ok == theirs.Expires.IsZero()
		}
		if differ {
			return true
		}
	}
	return false
}

// TestDiffConforming drives the strict tier with generated RFC 6265 §4.1.1
// set-cookie-strings, which random fuzzing rarely produces.
func TestDiffConforming(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	names := []string{"sid", "a", "X-Y", "expires", "Path", "__Host-id", "n!#$%&'*+.^_`|~"}
	values := []string{"", "1", "abc", `"q"`, `""`, "a=b", "x/y:z?", "%41", "!#$%&'()*+-./:<>?@[]^_`{|}~"}
	avs := []func() string{
		func() string {
			return pick("Path", "path", "PATH") + "=" + pick("/", "/a", "/a/b/", "", "rel", "/a b", "/x=y", `"/q"`)
		},
		func() string {
			return pick("Domain", "domain") + "=" + pick("example.com", ".example.com", "", "EXAMPLE.com", "1.2.3.4")
		},
		func() string { return pick("Secure", "secure", "SECURE", "Secure=", "Secure=yes") },
		func() string { return pick("HttpOnly", "httponly", "HttpOnly=1") },
		func() string { return pick("Partitioned", "partitioned=x") },
		func() string {
			return pick("SameSite", "samesite") + "=" + pick("Lax", "strict", "NONE", "", "bogus", "Lax ")
		},
		func() string {
			return pick("Max-Age", "max-age") + "=" + pick("1", "3600", "0", "-1", "01", "1.5", "abc", "", "99999999999999999999", "123456789012345678")
		},
		func() string {
			return pick("Expires", "expires") + "=" + pick("Wed, 09 Jun 2021 10:18:14 GMT", "Thu, 01 Jan 2037 00:00:00 GMT",
				"Sun, 06 nov 1994 08:49:37 GMT", "Sun, 06-Nov-1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
				"Sun Nov  6 08:49:37 1994", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC",
				"Xyz, 06 Nov 1994 08:49:37 GMT", "garbage", "", "Sun, 06 Nov 0999 08:49:37 GMT")
		},
		func() string {
			return pick("Comment=a, b", "Foo", "x=y", "", "=v", "Version=1", "value=2", "_hostonly")
		},
	}
	tried, strict := 0, 0
	for range 20000 {
		var b strings.Builder
		b.WriteString(pick(names...) + "=" + pick(values...))
		for k := r.IntN(5); k > 0; k-- {
			b.WriteString("; " + avs[r.IntN(len(avs))]())
		}
		s := b.String()
		if _, ok := conformingAVs(s); !ok {
			continue
		}
		tried++
		if diffNetHTTP(t, s) {
			strict++
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d conforming inputs, attributes compared for %d", tried, strict)
	if strict < tried/4 {
		t.Errorf("the allow-list excuses too much: attributes compared for %d of %d", strict, tried)
	}
}
