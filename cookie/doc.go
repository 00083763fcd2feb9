// Package cookie is the cookie jar of AnyEvent::HTTP, ported to Go with the
// matching rules of RFC 6265, and the HTTP date functions the client shares
// with it (format_date and parse_date).
//
// The package is pure: it does no I/O and never reads the clock. Every
// operation that depends on time takes the current loop time as an
// argument, so it is deterministic and fuzzable.
//
// # Jar layout
//
// A [Jar] is the version-2 layout of AnyEvent::HTTP (spec §13.1), which Perl
// programs persist with JSON:
//
//	{
//	  "version": 2,
//	  "<domain or host, lower-case>": {
//	    "<path>": {
//	      "<cookie name, case preserved>": {
//	        "value": "<value, or null>",
//	        "_expires": <Unix seconds; absent for a session cookie>,
//	        "_hostonly": 1,                  <- added by this package, see below
//	        "<attribute, lower-case>": "<value, or null>", ...
//	      }
//	    }
//	  }
//	}
//
// The attributes kept are those the server sent except path (the key),
// max-age and expires (turned into _expires; expires stays as an attribute
// when max-age won); domain is kept as sent, in its original case. [Jar.MarshalJSON]
// and [Jar.UnmarshalJSON] read and write exactly this JSON, so a jar saved by
// a Perl program loads unchanged and a jar saved here loads in Perl. A jar
// whose version is not 2 loads empty, as AnyEvent wipes it on first use.
//
// # Operations
//
//   - [Jar.SetCookie] stores the cookies of a response (cookie_jar_set_cookie,
//     spec §13.3). It takes the Set-Cookie lines joined with "," as
//     AnyEvent's header map holds them, the host and path of the request, the
//     response's Date header and the loop time. The header grammar is
//     AnyEvent's, quirks included (see parse.go): unquoted values stop at
//     whitespace, quoted values use backslash escapes, "expires=Wdy, ..."
//     protects the comma of the date, a bare name has no value. An expires
//     date counts relative to the server's Date, cancelling clock skew, and
//     max-age wins over expires.
//   - [Jar.Cookies] and [Jar.Header] choose the cookies for a request
//     (cookie_jar_extract, spec §13.4), deleting expired ones they meet, and
//     format them AnyEvent's way.
//   - [Jar.Expire] removes expired cookies, and session cookies at the end of
//     a session (cookie_jar_expire, spec §13.5).
//   - [FormatDate] and [ParseDate] are format_date and parse_date (spec §14).
//
// # Differences from AnyEvent::HTTP
//
// AnyEvent's cookie policy is unsafe (spec Appendix B, W3, W4, W26): any
// server can set cookies for any domain, host cookies leak to subdomains and
// paths leak to siblings. This package keeps AnyEvent's grammar and layout
// but decides with the rules of RFC 6265:
//
//  1. Domain attribute (W3): it must domain-match the request host (RFC
//     6265 §5.1.3) and must not be a public suffix per
//     golang.org/x/net/publicsuffix ("com", "co.uk", "com.au", "github.io")
//     unless it is the host itself, in which case the cookie is host-only. An IP address
//     host accepts only its own address, and a Domain that is an IP address
//     is accepted only from that address. AnyEvent checked only the number
//     of dots, so "evil.org" could be set by www.example.com and "com.au" by
//     anyone. Empty domains and domains ending in "." are rejected, as
//     before.
//  2. A rejected cookie is dropped silently, but the cookies after it in the
//     same header are still stored (W3). AnyEvent stopped at the first
//     rejected cookie.
//  3. Host-only cookies (W4): a cookie set without Domain is stored with
//     "_hostonly": 1 and sent only to the exact host (RFC 6265 §5.3 step 6);
//     AnyEvent sent it to every subdomain. Cookies without the key, such as
//     those of jars written by AnyEvent or built by hand, keep AnyEvent's
//     behaviour and are sent to subdomains too, except that a domain key that
//     is a public suffix is sent only to that exact host.
//  4. Path (W4): a cookie is sent if its path path-matches the request path
//     (RFC 6265 §5.1.4), compared without the query string: "/foo" matches
//     "/foo", "/foo/" and "/foo/bar" but not "/foobar". AnyEvent used a plain
//     prefix match against path and query. A stored path that does not start
//     with "/" (only possible in a jar written elsewhere) never matches.
//  5. Default path (W4): a cookie without a Path attribute, or whose Path is
//     empty or does not start with "/", gets the default-path of the request
//     (RFC 6265 §5.1.4: "/dir" for "/dir/page?q"). AnyEvent stored "/" for a
//     missing, empty or "0" path and any other value unchecked.
//  6. An attribute named "value" is ignored (W26); AnyEvent let it replace
//     the cookie value. Attributes whose names start with "_" are ignored
//     too, so a server cannot forge _expires or _hostonly.
//  7. A cookie whose name or value contains a control character other than
//     HT is ignored (RFC 6265bis §5.6), and never sent from a loaded jar: a
//     quoted value could otherwise carry CR LF into the Cookie request
//     header.
//  8. Host names are compared in ASCII form on both sides: Unicode labels
//     are lower-cased and Punycode-encoded (without the NFC step of full
//     IDNA). AnyEvent converted only when extracting.
//  9. Cookies are sent in a fixed order (longer paths first), where AnyEvent
//     used hash order; a cookie for the domain "version", which would clash
//     with the layout's version key (Perl dies), is ignored.
//  10. Small readings of Perl's number and date conversions: max-age "inf"
//     and "nan" count as 0 and overflow saturates, max-age beyond 2^53 is
//     held as a float64; four-digit years 0000-0099 do not parse (Perl's
//     Time::Local maps them to a century that depends on the current date);
//     whitespace in the grammar is ASCII whitespace only.
//  11. JSON: a jar whose version is not 2 is emptied when loaded rather than
//     at its first use, so saving it unused writes {}; numbers and booleans
//     where strings belong are read as strings ("1", "0") and written back
//     as strings; "<", ">" and "&" are written as \u003c, \u003e, \u0026.
//
// # Concurrency
//
// A Jar is a plain data structure without locking; like the rest of a
// request's state it belongs to the loop goroutine.
package cookie
