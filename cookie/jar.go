package cookie

import (
	"encoding/json"
	"math"
	"time"
)

// Jar is an AnyEvent::HTTP cookie jar in the version-2 layout of spec §13.1:
// domain or host → path → cookie name → cookie. It marshals to and from
// exactly the JSON a Perl program gets from encoding its jar hash, so jars
// can be shared with Perl programs (see MarshalJSON).
//
// The zero value is an empty jar ready to use. A Jar is not safe for
// concurrent use; like everything else of a request it belongs to the loop
// goroutine.
type Jar struct {
	// Domains maps a lower-case domain or host name to the cookies stored
	// for it. The key "version" is reserved by the layout and never used.
	Domains map[string]PathMap

	// PublicSuffixList decides which domains are public suffixes (RFC 6265
	// §5.3 step 5). Nil means golang.org/x/net/publicsuffix.List.
	PublicSuffixList PublicSuffixList

	// versioned records that the jar holds the "version": 2 key (set when a
	// cookie is stored or a version-2 jar is loaded), so that an emptied jar
	// marshals as {"version":2} and a fresh one as {}, as in Perl.
	versioned bool

	// extra holds the top-level keys of a loaded jar whose value is not
	// an object (a Perl program's own data: AnyEvent skips such keys and
	// keeps them), to be written back as they were read.
	extra map[string]json.RawMessage
}

// PathMap maps a cookie path to the cookies stored under it.
type PathMap map[string]CookieMap

// CookieMap maps a cookie name (case preserved) to the cookie.
type CookieMap map[string]*Cookie

// Cookie is one stored cookie: the value, the expiry and the attributes the
// server sent, minus path, max-age and the expires it used (those are the
// jar key and Expires).
type Cookie struct {
	// Value is the cookie value; nil for a cookie sent without "="
	// ("Set-Cookie: a"), which AnyEvent stores as undef and sends as "a=".
	Value *string

	// Persistent reports whether the cookie has an expiry time (the
	// _expires key); a cookie without one is a session cookie, removed by
	// Expire(now, true).
	Persistent bool

	// Expires is the expiry time in Unix seconds (AnyEvent's _expires),
	// meaningful only if Persistent. The cookie expires once the current
	// time is greater than Expires.
	Expires float64

	// HostOnly reports that the cookie is sent only to the host that set it,
	// not to its subdomains (RFC 6265 §5.3 step 6; the _hostonly key, an
	// addition to the AnyEvent layout that Perl code ignores).
	HostOnly bool

	// Attrs holds the other attributes by lower-case name, nil for an
	// attribute without value: secure, httponly, samesite, domain (as sent,
	// original case), comment, expires (when max-age won), unknown ones.
	Attrs map[string]*string
}

// NewJar returns an empty jar that uses golang.org/x/net/publicsuffix.
func NewJar() *Jar { return &Jar{} }

// expired reports whether c has expired at time now.
func (c *Cookie) expired(now time.Time) bool {
	return c.Persistent && after(now, c.Expires)
}

// hasAttr reports whether c has the attribute name, with or without value.
func (c *Cookie) hasAttr(name string) bool {
	_, ok := c.Attrs[name]
	return ok
}

// Expire removes the cookies that have expired at now and, if sessionEnd is
// true, the session cookies, then removes paths and domains left without
// cookies (AnyEvent::HTTP cookie_jar_expire, spec §13.5). Call it with
// sessionEnd before saving a jar at the end of a program's session.
func (j *Jar) Expire(now time.Time, sessionEnd bool) {
	for domain, paths := range j.Domains {
		for path, cookies := range paths {
			for name, c := range cookies {
				if c == nil || c.expired(now) || (sessionEnd && !c.Persistent) {
					delete(cookies, name)
				}
			}
			if len(cookies) == 0 {
				delete(paths, path)
			}
		}
		if len(paths) == 0 {
			delete(j.Domains, domain)
		}
	}
}

// put stores c as domain/path/name, replacing any cookie stored there.
func (j *Jar) put(domain, path, name string, c *Cookie) {
	if j.Domains == nil {
		j.Domains = make(map[string]PathMap)
	}
	paths := j.Domains[domain]
	if paths == nil {
		paths = make(PathMap)
		j.Domains[domain] = paths
	}
	cookies := paths[path]
	if cookies == nil {
		cookies = make(CookieMap)
		paths[path] = cookies
	}
	cookies[name] = c
	j.versioned = true
}

// after reports whether t is later than e Unix seconds (AnyEvent compares
// its fractional loop time with _expires). Whole seconds are compared first,
// so nanoseconds count even where a float64 could not hold them.
func after(t time.Time, e float64) bool {
	sec, whole := float64(t.Unix()), math.Floor(e)
	if sec != whole {
		return sec > whole
	}
	return float64(t.Nanosecond())/1e9 > e-whole
}

// finite reports whether f is neither infinite nor NaN.
func finite(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }
