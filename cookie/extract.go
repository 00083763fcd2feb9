package cookie

import (
	"sort"
	"strings"
	"time"
)

// Cookies returns the cookies to send with a request, each formatted
// "name=value" (AnyEvent::HTTP cookie_jar_extract, spec §13.4). scheme is
// the request's lower-case scheme, host its host, reqPath its path, which
// may carry the query string (it is ignored).
//
// A cookie is sent if its domain key is host, or, unless it is host-only, a
// parent domain of host that is not a public suffix; its path path-matches
// the request path (RFC 6265 §5.1.4); it is not "secure" or the scheme is
// https; and it has not expired at now. Expired cookies met on the way are
// deleted from the jar. Values containing "=", ";", "," or whitespace are
// sent double-quoted with "\" and `"` backslash-escaped, others raw; a
// cookie without value is sent as "name=". Cookies holding a control
// character are never sent.
//
// The order, which AnyEvent leaves to hash order, is: longer paths first,
// then longer domains, then by name.
func (j *Jar) Cookies(scheme, host, reqPath string, now time.Time) []string {
	h, ok := canonicalHost(host)
	if !ok || len(j.Domains) == 0 {
		return nil
	}
	var found []sendable
	rp := requestPath(reqPath)
	secure := strings.EqualFold(scheme, "https")
	for _, d := range candidateDomains(h) {
		paths, exact := j.Domains[d], d == h
		if len(paths) == 0 || (!exact && isPublicSuffix(j.psl(), d)) {
			continue
		}
		for path, cookies := range paths {
			if !pathMatch(rp, path) {
				continue
			}
			found = appendSendable(found, cookies, d, path, exact, secure, now)
		}
	}
	return formatCookies(found)
}

// Header returns the Cookie request header value for a request: Cookies
// joined with "; ", or "" if there are none (then the caller leaves a Cookie
// header of its own untouched, spec §4.3 step 2).
func (j *Jar) Header(scheme, host, reqPath string, now time.Time) string {
	return strings.Join(j.Cookies(scheme, host, reqPath, now), "; ")
}

// sendable is a cookie chosen for a request, with its sort keys.
type sendable struct {
	domain, path, name string
	value              *string
}

// candidateDomains returns host and, for a host name, each of its parent
// domains: "a.b.c" gives a.b.c, b.c, c. These are the only jar keys that can
// domain-match host, so the jar is not scanned (AnyEvent scans every key).
func candidateDomains(host string) []string {
	out := []string{host}
	if isIP(host) {
		return out
	}
	for i := 0; i < len(host); i++ {
		if host[i] == '.' && i+1 < len(host) {
			out = append(out, host[i+1:])
		}
	}
	return out
}

// appendSendable appends the cookies of one domain/path that may be sent,
// deleting expired ones. As in AnyEvent, the secure check comes first, so an
// expired secure cookie is not deleted by a plain-http request; maps left
// empty are cleaned up only by Expire.
func appendSendable(dst []sendable, cookies CookieMap, domain, path string, exact, secure bool, now time.Time) []sendable {
	for name, c := range cookies {
		if c == nil || (c.HostOnly && !exact) || (!secure && c.hasAttr("secure")) {
			continue
		}
		if c.expired(now) {
			delete(cookies, name)
			continue
		}
		if hasCTL(name) || (c.Value != nil && hasCTL(*c.Value)) {
			continue
		}
		dst = append(dst, sendable{domain: domain, path: path, name: name, value: c.Value})
	}
	return dst
}

// formatCookies sorts the chosen cookies and formats them.
func formatCookies(found []sendable) []string {
	if len(found) == 0 {
		return nil
	}
	sort.Slice(found, func(a, b int) bool {
		x, y := found[a], found[b]
		switch {
		case len(x.path) != len(y.path):
			return len(x.path) > len(y.path)
		case len(x.domain) != len(y.domain):
			return len(x.domain) > len(y.domain)
		case x.name != y.name:
			return x.name < y.name
		case x.path != y.path:
			return x.path < y.path
		}
		return x.domain < y.domain
	})
	out := make([]string, len(found))
	for i, s := range found {
		out[i] = s.name + "=" + quoteValue(deref(s.value))
	}
	return out
}

// quoteValue returns v as AnyEvent sends it: double-quoted, with "\" and `"`
// escaped, if it contains "=", ";", "," or whitespace; raw otherwise.
func quoteValue(v string) string {
	if !needsQuote(v) {
		return v
	}
	var b strings.Builder
	b.Grow(len(v) + 4)
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' || v[i] == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// needsQuote reports whether v contains "=", ";", "," or whitespace.
func needsQuote(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; b == '=' || b == ';' || b == ',' || isSpace(b) {
			return true
		}
	}
	return false
}
