package httpc

// Request URL parsing (spec §3) and request validation (Appendix B W5).

import (
	"strconv"
	"strings"
)

// URL errors (spec §12.3): AnyEvent status 599, reported before the
// request touches the network.
var (
	errURLScheme = &parseError{"httpc: URL scheme is not http or https", "Only http and https URL schemes supported", 599}
	errURLSyntax = &parseError{"httpc: URL has no usable authority", "Unparsable URL", 599}
)

// urlParts is a request URL split the way AnyEvent::HTTP splits it (spec
// §3). All fields are substrings of Raw or built from them; nothing is
// percent-decoded or normalised. Parts that are substrings of others
// (userinfo, path, query, the port's text) are methods rather than
// fields, which keeps a Call, that holds one, in a smaller size class.
type urlParts struct {
	// Raw is the URL as given: AnyEvent's URL pseudo-header, the proxy
	// request target (§6.2) and the base for resolving Location (§9.1).
	Raw string
	// Authority is the raw authority: userinfo, case and port as written
	// (Referer §4.3 step 3, Location §9.1).
	Authority string
	// Host is the host lower-cased (ASCII letters only) with the brackets
	// of an IPv6 literal removed: what to connect to, and the key of
	// slots, the pool, TLS verification and cookies.
	Host string
	// HostPort is the Host header: the lower-cased host with brackets
	// kept, plus ":" and the port as written if the URL had one, even the
	// default (§4.3 step 1, Appendix A Q5).
	HostPort string
	// RequestURI is AnyEvent's upath, the origin-form request target:
	// path, then query, with "/" prepended unless it starts with "/"
	// (§3.4: "http://h" is "/", "http://h?x=1" is "/?x=1"). The fragment
	// is never part of it.
	RequestURI string
	// Port is the TCP port: the explicit one ("0080" is 80) or the
	// scheme's default.
	Port uint16
	// ExplicitPort reports whether the URL had a port.
	ExplicitPort bool
	// secure reports the scheme "https"; else it is "http" ([urlParts.scheme]).
	secure bool
	// slashAdded reports that RequestURI's leading "/" is not in Raw.
	slashAdded bool
}

// userinfo is the authority up to its last "@", without the "@"; "" if
// there is none. It never reaches Host or the connection.
func (u *urlParts) userinfo() string {
	if at := strings.LastIndexByte(u.Authority, '@'); at >= 0 {
		return u.Authority[:at]
	}
	return ""
}

// portText is the port as written ("0080"), or "80"/"443" when the URL
// has none: AnyEvent's uport, part of the pool key.
func (u *urlParts) portText() string {
	switch {
	case u.ExplicitPort:
		return u.HostPort[strings.LastIndexByte(u.HostPort, ':')+1:]
	case u.secure:
		return "443"
	}
	return "80"
}

// pathQuery returns the raw path, "" if empty, and the raw query with its
// "?", "" if there is none ("?" alone is a present, empty query).
func (u *urlParts) pathQuery() (path, query string) {
	r := u.RequestURI
	if u.slashAdded {
		r = r[1:]
	}
	q := indexAnyOrLen(r, "?")
	return r[:q], r[q:]
}

// parseURL splits raw as AnyEvent::HTTP does (spec §3):
//
//	scheme ":" [ "//" authority ] path [ "?" query ] [ "#" fragment ]
//	authority = [ userinfo "@" ] host [ ":" port ]
//
// The scheme is everything before the first ":" and must be http or
// https in any case; a URL without one ("www.example.com", "//host/") is
// errURLScheme, as is any other scheme (599 "Only http and https URL
// schemes supported"). The authority runs to the first "/", "?" or "#";
// userinfo is everything up to its last "@"; the port is a run of ASCII
// digits after the last ":" that ends the authority. A missing or empty
// authority or host ("http:/foo", "http://", "http://user@/") is
// errURLSyntax (599 "Unparsable URL").
//
// Reproduced AnyEvent quirks (Appendix A Q9, Q11, Q13, Q14): "host:" and
// "host:abc" are hosts containing a colon (they fail in DNS), an
// unbracketed "::1" is host ":" with port 1, "[::1" keeps its bracket, the
// port keeps its text ("0080"), and raw spaces, controls and 8-bit bytes
// pass through (validateRequest rejects them). Fixed: a port above 65535
// and an empty bracketed host ("[]") are errURLSyntax instead of a
// wrapped port or an empty host name, and the host is lower-cased in
// ASCII only (Perl's Latin-1 folding would corrupt a UTF-8 host name).
func parseURL(raw string) (u urlParts, err error) {
	colon := strings.IndexByte(raw, ':')
	if colon <= 0 {
		return u, errURLScheme
	}
	u.Raw = raw
	switch lowerASCIIString(raw[:colon]) {
	case "http":
		u.Port = 80
	case "https":
		u.Port, u.secure = 443, true
	default:
		return urlParts{}, errURLScheme
	}
	rest, hasAuthority := strings.CutPrefix(raw[colon+1:], "//")
	if hasAuthority {
		end := indexAnyOrLen(rest, "/?#")
		u.Authority, rest = rest[:end], rest[end:]
	}
	u.RequestURI = rest[:indexAnyOrLen(rest, "#")] // path and query, a substring
	if !strings.HasPrefix(u.RequestURI, "/") {
		u.RequestURI, u.slashAdded = "/"+u.RequestURI, true
	}
	if !hasAuthority || !u.splitAuthority() {
		return urlParts{}, errURLSyntax
	}
	return u, nil
}

// splitAuthority fills Host, HostPort and the port fields from
// Authority (spec §3.3) and reports whether it has a usable host. The host
// and port are lower-cased together, so HostPort is a substring of one
// string, not a concatenation: a URL with a port costs no allocation here.
func (u *urlParts) splitAuthority() bool {
	hostport := u.Authority
	if at := strings.LastIndexByte(hostport, '@'); at >= 0 {
		hostport = hostport[at+1:]
	}
	hostport = lowerASCIIString(hostport) // leaves the digits and ":" alone
	host := hostport
	if c := strings.LastIndexByte(hostport, ':'); c > 0 && allASCIIDigits(hostport[c+1:]) {
		port, err := strconv.Atoi(hostport[c+1:])
		if err != nil || port > 65535 {
			return false
		}
		host, u.Port, u.ExplicitPort = hostport[:c], uint16(port), true
	}
	if host == "" {
		return false
	}
	u.HostPort = hostport
	if len(host) >= 2 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	u.Host = host
	return host != ""
}

// origin is a URL's origin in the sense of RFC 6454 §4: the scheme, the
// host (lower-cased, without IPv6 brackets) and the effective port, the
// explicit one or the scheme's default. Two URLs are the same origin when
// all three are equal, so "http://h/" and "http://H:80/x" are, while
// "http://h/" and "https://h/" (scheme), "http://h/" and "http://h:8080/"
// (port) and "http://h/" and "http://www.h/" (host) are not. Userinfo,
// path, query and fragment play no part.
type origin struct {
	scheme, host string
	port         uint16
}

func (u *urlParts) origin() origin { return origin{u.scheme(), u.Host, u.Port} }

// scheme is the scheme lower-cased, "http" or "https".
func (u *urlParts) scheme() string {
	if u.secure {
		return "https"
	}
	return "http"
}

// refererAuthority is the authority for the Referer header: without the
// userinfo and its "@" (Appendix B W6), or as written with compat.
func (u *urlParts) refererAuthority(compat bool) string {
	if compat {
		return u.Authority
	}
	if at := strings.LastIndexByte(u.Authority, '@'); at >= 0 {
		return u.Authority[at+1:]
	}
	return u.Authority
}

// withoutUserinfo returns u with the userinfo and its "@" removed from
// Raw and Authority (Appendix B W6). u must have an authority, as every
// parsed URL has.
func (u *urlParts) withoutUserinfo() urlParts {
	at := strings.LastIndexByte(u.Authority, '@')
	if at < 0 {
		return *u
	}
	v := *u
	start := len(u.scheme()) + len("://") // the scheme keeps its length when lower-cased
	v.Authority = u.Authority[at+1:]
	v.Raw = u.Raw[:start] + v.Authority + u.Raw[start+len(u.Authority):]
	return v
}

// indexAnyOrLen returns the index of the first byte of s that is in chars,
// or len(s).
func indexAnyOrLen(s, chars string) int {
	if i := strings.IndexAny(s, chars); i >= 0 {
		return i
	}
	return len(s)
}

// allASCIIDigits reports whether s is one or more ASCII digits.
func allASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// lowerASCIIString lower-cases the ASCII letters of s, allocating only if
// there are any upper-case ones.
func lowerASCIIString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lowerASCII(b[j])
			}
			return string(b)
		}
	}
	return s
}

// Reasons of validateRequest: AnyEvent status 599, before the request
// touches the network.
const (
	reasonBadMethod      = "Invalid request method"
	reasonBadURL         = "Invalid character in URL"
	reasonBadHeaderName  = "Invalid header name"
	reasonBadHeaderValue = "Invalid header value"
)

// validateRequest checks what AnyEvent::HTTP writes to the wire unchecked
// (Appendix B W5: request splitting and header injection) and returns the
// reason for failing the request with 599, or "" if it is safe to send:
//
//   - the method must be a token (RFC 9110 §9.1), so no SP, CR, LF or NUL;
//   - the URL, which becomes the request target, must not contain SP or
//     controls (RFC 3986 §2; a raw space would split the request line).
//     8-bit bytes pass, as in AnyEvent;
//   - header names must be tokens (RFC 9110 §5.1);
//   - header values must not contain CR, LF, NUL or other controls but
//     HT (RFC 9110 §5.5).
//
// Suppressed headers are not sent and not checked. validateRequest does
// not allocate.
func validateRequest(method, rawURL string, headers []HeaderField) string {
	switch {
	case !isToken(method):
		return reasonBadMethod
	case !validTarget(rawURL):
		return reasonBadURL
	}
	for _, f := range headers {
		switch {
		case f.Suppress:
		case !isToken(f.Name):
			return reasonBadHeaderName
		case !validFieldValue(f.Value):
			return reasonBadHeaderValue
		}
	}
	return ""
}

// isToken reports whether s is an RFC 9110 §5.6.2 token: one or more
// tchar.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return s != ""
}

// isTchar reports whether c is an RFC 9110 §5.6.2 tchar: a visible ASCII
// character other than the delimiters "(),/:;<=>?@[\]{}.
func isTchar(c byte) bool { return tchars[c] }

// tchars is isTchar as a table: a method is checked on every request.
var tchars = func() (t [256]bool) {
	for c := byte('!'); c < 0x7F; c++ {
		t[c] = !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, rune(c))
	}
	return t
}()

// validTarget reports whether a URL can be sent as a request target: no
// SP, no controls, no DEL.
func validTarget(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7F {
			return false
		}
	}
	return true
}

// validFieldValue reports whether s can be sent as a field value: no
// controls but HT, and no DEL (RFC 9110 §5.5).
func validFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7F {
			return false
		}
	}
	return true
}
