package cookie

import (
	"net/netip"
	"strings"
)

// This file holds the RFC 6265 matching rules that replace AnyEvent's
// unsafe ones (spec Appendix B, W3 and W4): canonical host names,
// domain-match, the domain attribute check, default-path and path-match.

// canonicalHost returns the RFC 6265 §5.1.2 canonical form of a request
// host: brackets of an IPv6 literal removed, ASCII lower-cased, non-ASCII
// labels converted to Punycode A-labels (see toASCII). It fails for a host
// that is not valid UTF-8.
func canonicalHost(host string) (string, bool) {
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return toASCII(host)
}

// isIP reports whether host is an IPv4 or IPv6 address literal.
func isIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}

// domainMatch implements RFC 6265 §5.1.3: host equals domain, or host is a
// host name (not an IP address) ending in "." + domain.
func domainMatch(host, domain string) bool {
	if host == domain {
		return true
	}
	return len(host) > len(domain) && strings.HasSuffix(host, domain) &&
		host[len(host)-len(domain)-1] == '.' && domain != "" && !isIP(host)
}

// cookieDomain decides where a cookie received from host is stored (RFC 6265
// §5.3 steps 4 to 6, spec W3). attr is the Domain attribute and has says
// whether there was one. It returns the jar key, whether the cookie is
// host-only, and false if the cookie must be rejected:
//
//   - no Domain attribute: host-only cookie for host;
//   - empty, or ending in "." (AnyEvent's checks, kept): reject;
//   - one leading "." is dropped, the rest canonicalised like a host;
//   - an IP address host accepts only its own address, host-only;
//   - a public suffix is accepted only if it is host itself, host-only;
//   - otherwise host must domain-match it: a domain cookie.
func cookieDomain(attr *string, has bool, host string, psl PublicSuffixList) (string, bool, bool) {
	if !has {
		return host, true, true
	}
	d := ""
	if attr != nil {
		d = *attr
	}
	d = strings.TrimPrefix(d, ".")
	if d == "" || strings.HasSuffix(d, ".") {
		return "", false, false
	}
	d, ok := canonicalHost(d)
	if !ok {
		return "", false, false
	}
	if isIP(host) || isIP(d) {
		return host, true, d == host
	}
	if psl.PublicSuffix(d) == d {
		return host, true, d == host
	}
	if !domainMatch(host, d) {
		return "", false, false
	}
	return d, false, true
}

// requestPath returns the path part of a request path that may carry a query
// or fragment (AnyEvent passes path+query), "/" if it is empty or relative.
func requestPath(p string) string {
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if p == "" || p[0] != '/' {
		return "/"
	}
	return p
}

// defaultPath implements RFC 6265 §5.1.4 default-path: the request path up
// to, not including, its right-most "/"; "/" if that would be empty.
func defaultPath(reqPath string) string {
	p := requestPath(reqPath)
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

// cookiePath implements RFC 6265 §5.2.4: the Path attribute if it starts
// with "/", else the default-path of the request (spec W4; AnyEvent used "/"
// for a missing, empty or "0" path and any other value unchecked).
func cookiePath(attr *string, has bool, reqPath string) string {
	if has && attr != nil && strings.HasPrefix(*attr, "/") {
		return *attr
	}
	return defaultPath(reqPath)
}

// pathMatch implements RFC 6265 §5.1.4 path-match of a request path (without
// query) against a cookie path. Cookie paths not starting with "/" (possible
// only in jars written by AnyEvent) never match.
func pathMatch(reqPath, cookiePath string) bool {
	if cookiePath == "" || cookiePath[0] != '/' {
		return false
	}
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return cookiePath[len(cookiePath)-1] == '/' || reqPath[len(cookiePath)] == '/'
}
