package cookie

import (
	"strings"
	"time"
)

// SetCookie stores the cookies of a Set-Cookie header value received from
// host for the request path reqPath (AnyEvent::HTTP cookie_jar_set_cookie,
// spec §13.3). header is the value of all Set-Cookie lines of the response
// joined with ","; date is the response's Date header ("" if none); now is
// the current loop time. reqPath may carry the query string.
//
// The grammar, the attribute map and the expiry rules are AnyEvent's: an
// expires date counts relative to date, to cancel clock skew between client
// and server, and max-age wins over expires. The policy is RFC 6265's (see
// the package documentation): a cookie whose domain is refused, or whose
// name or value holds a control character, is dropped silently and the
// cookies after it in header are still read.
func (j *Jar) SetCookie(header, host, reqPath, date string, now time.Time) {
	h, ok := canonicalHost(host)
	if !ok {
		return
	}
	clk := setClock{anow: now.Unix(), date: date}
	for _, rc := range parseSetCookie(header) {
		j.store(rc, h, reqPath, &clk)
	}
}

// setClock holds the two times of one SetCookie call: anow, the loop time
// truncated to seconds, and snow, the server's time, computed from the Date
// header at first use (AnyEvent: parse_date(date) or anow).
type setClock struct {
	anow     int64
	date     string
	snow     int64
	snowDone bool
}

// serverNow returns snow. A Date of exactly the epoch counts as absent, as
// in Perl where 0 is false.
func (c *setClock) serverNow() int64 {
	if !c.snowDone {
		c.snow, c.snowDone = c.anow, true
		if t, ok := parseDateUnix(c.date); ok && t != 0 {
			c.snow = t
		}
	}
	return c.snow
}

// store applies the jar policy to one parsed cookie and stores it.
func (j *Jar) store(rc rawCookie, host, reqPath string, clk *setClock) {
	if hasCTL(rc.name) || (rc.value != nil && hasCTL(*rc.value)) {
		return
	}
	c := &Cookie{Value: rc.value, Attrs: attrMap(rc.attrs)}
	setExpiry(c, clk)
	pathAttr, hasPath := c.Attrs["path"]
	delete(c.Attrs, "path")
	path := cookiePath(pathAttr, hasPath, reqPath)
	domainAttr, hasDomain := c.Attrs["domain"]
	domain, hostOnly, ok := cookieDomain(domainAttr, hasDomain, host, j.psl())
	if !ok || domain == "version" {
		return
	}
	c.HostOnly = hostOnly
	if len(c.Attrs) == 0 {
		c.Attrs = nil
	}
	j.put(domain, path, rc.name, c)
}

// attrMap builds the attribute map: later duplicates win. An attribute named
// "value" is ignored (spec W26: AnyEvent let it replace the cookie value),
// and so are names starting with "_", the prefix of the jar's own keys
// (_expires, _hostonly).
func attrMap(attrs []item) map[string]*string {
	m := make(map[string]*string, len(attrs))
	for _, a := range attrs {
		if a.name == "value" || strings.HasPrefix(a.name, "_") {
			continue
		}
		m[a.name] = a.value
	}
	return m
}

// setExpiry implements spec §13.3 step 5. With max-age, the cookie expires
// max-age seconds from now (Perl's numeric reading: garbage or no value is
// 0, expired at once). Otherwise, with expires, it expires as long after now
// as the date is after the server's Date; an unparsable date counts as the
// epoch, so the cookie is long expired. Otherwise it is a session cookie.
func setExpiry(c *Cookie, clk *setClock) {
	if v, ok := c.Attrs["max-age"]; ok {
		delete(c.Attrs, "max-age")
		c.Persistent = true
		c.Expires = float64(clk.anow) + perlNum(deref(v))
		return
	}
	if v, ok := c.Attrs["expires"]; ok {
		delete(c.Attrs, "expires")
		exp, _ := parseDateUnix(deref(v))
		c.Persistent = true
		c.Expires = float64(clk.anow + (exp - clk.serverNow()))
	}
}

// hasCTL reports whether s contains a control character other than HT
// (RFC 6265bis §5.6: such a name or value makes the cookie be ignored). A
// CR or LF in a value would otherwise be sent inside the Cookie header.
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; (b < 0x20 && b != '\t') || b == 0x7f {
			return true
		}
	}
	return false
}

// deref returns *p, or "" for nil (Perl's undef in string context).
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
