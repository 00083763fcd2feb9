package httpc

import (
	"strconv"
	"strings"
	"time"
)

// appendRequest appends call's request head, through its empty line, to
// dst in the wire format of spec §4.4: request line, then Host, the
// user's headers, Cookie, Referer (without userinfo unless
// CompatCredentials), User-agent, Content-length, Connection, Te (a
// deterministic order; AnyEvent's is hash order). User header names are
// sent lower-cased with the first letter upper-cased, as AnyEvent does.
// The body is writeRequest's business.
func appendRequest(dst []byte, call *Call, ua string) []byte {
	u := &call.u
	dst = append(dst, call.method...)
	dst = append(dst, ' ')
	dst = append(dst, u.RequestURI...)
	dst = append(dst, " HTTP/1.1\r\n"...)
	hs := call.opts.Headers
	if userIndex(hs, "host") < 0 || call.foreign {
		dst = append(dst, "Host: "...)
		dst = append(dst, u.HostPort...)
		dst = append(dst, "\r\n"...)
	}
	cookies := call.cookieHeader()
	for i, f := range hs {
		if userIndex(hs, f.Name) != i || f.Suppress || skipUser(f.Name, call, cookies != "") {
			continue
		}
		dst = appendField(dst, f.Name, f.Value)
	}
	if cookies != "" {
		dst = append(append(append(dst, "Cookie: "...), cookies...), "\r\n"...)
	}
	if userIndex(hs, "referer") < 0 {
		dst = append(dst, "Referer: "...)
		auth := u.refererAuthority(call.cl.Compat&CompatCredentials != 0)
		dst = append(append(append(dst, u.scheme()...), "://"...), auth...)
		dst = append(append(dst, u.RequestURI...), "\r\n"...)
	}
	if userIndex(hs, "user-agent") < 0 {
		dst = append(append(append(dst, "User-agent: "...), ua...), "\r\n"...)
	}
	if call.setsLength() && call.opts.Body != nil {
		dst = append(dst, "Content-length: "...)
		dst = strconv.AppendInt(dst, int64(len(call.opts.Body)), 10)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, call.connectionLine()...)
	if userIndex(hs, "te") < 0 {
		dst = append(dst, "Te: trailers\r\n"...)
	}
	return append(dst, "\r\n"...)
}

// headMemo keeps the request head last built for a request without
// options (nil Options: no headers, cookies, body or callbacks), with
// everything else that head depends on, so that a run of identical
// requests (a poller, a load generator) copies it instead of building it
// again. Nothing of the head is left out of the key: the method, the URL
// (which fixes Host, the request target and Referer), the User-Agent,
// the Connection line (persistent, keepalive), the origin flag and the
// Compat flags; whatever appendRequest comes to depend on (a proxy's
// request target, say) must join them, and TestHeadMemo compares the
// memo with a fresh build.
type headMemo struct {
	method, url, ua string
	compat          Compat
	persistent      bool
	keepalive       bool
	foreign         bool
	bytes           []byte
}

// head returns the head of call, which has no options, building it when
// call differs from the last one. The bytes belong to the memo: the
// caller copies them (Handle.Write does) before the next call.
func (m *headMemo) head(call *Call, ua string, compat Compat) []byte {
	if m.bytes == nil || call.method != m.method || call.u.Raw != m.url || ua != m.ua || compat != m.compat ||
		call.persistent != m.persistent || call.keepalive != m.keepalive || call.foreign != m.foreign {
		*m = headMemo{method: call.method, url: call.u.Raw, ua: ua, compat: compat,
			persistent: call.persistent, keepalive: call.keepalive, foreign: call.foreign,
			bytes: appendRequest(m.bytes[:0], call, ua)}
	}
	return m.bytes
}

// userIndex returns the index of the last user header named name
// (case-insensitively), or -1. Later fields win (AnyEvent: hash keys).
func userIndex(hs []HeaderField, name string) int {
	for i := len(hs) - 1; i >= 0; i-- {
		if strings.EqualFold(hs[i].Name, name) {
			return i
		}
	}
	return -1
}

// skipUser reports user headers the client overrides: Connection always,
// Content-length when it sets the length, Cookie when the jar has some.
// Proxy-Authorization is for a proxy, never for the origin (Appendix B
// W6): AnyEvent drops it on fresh connections but sends it to the origin
// on reused ones (Appendix C T64); it is never sent here. On a redirect
// hop to another origin, Authorization, Cookie and Host are dropped too
// (W6, see redirect.go).
func skipUser(name string, call *Call, jarCookies bool) bool {
	switch {
	case strings.EqualFold(name, "connection"), strings.EqualFold(name, "proxy-authorization"):
		return true
	case call.foreign && (strings.EqualFold(name, "authorization") ||
		strings.EqualFold(name, "cookie") || strings.EqualFold(name, "host")):
		return true
	case strings.EqualFold(name, "content-length"):
		return call.setsLength()
	case strings.EqualFold(name, "cookie"):
		return jarCookies
	}
	return false
}

// setsLength reports whether Content-length is the body's length (spec
// §4.3 step 5): the body is non-empty or the method is not GET.
func (call *Call) setsLength() bool {
	return len(call.opts.Body) > 0 || call.method != "GET"
}

// connectionLine returns the Connection field line (spec §4.4).
func (call *Call) connectionLine() string {
	switch {
	case !call.persistent:
		return "Connection: close, Te\r\n"
	case call.keepalive:
		return "Connection: keep-alive, Te\r\n"
	}
	return "Connection: Te\r\n"
}

func (call *Call) cookieHeader() string {
	if call.opts.CookieJar == nil {
		return ""
	}
	return call.opts.CookieJar.Header(call.u.scheme(), call.u.Host, call.u.RequestURI, time.Now())
}

// appendField appends "Name: value\r\n" with the name lower-cased and its
// first letter upper-cased, as AnyEvent sends user headers (the client's
// own are written spelled so).
func appendField(dst []byte, name, value string) []byte {
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if i == 0 && b >= 'a' && b <= 'z' {
			b -= 'a' - 'A'
		}
		dst = append(dst, b)
	}
	dst = append(dst, ": "...)
	dst = append(dst, value...)
	return append(dst, "\r\n"...)
}
