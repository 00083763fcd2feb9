package httpc

// Body framing: how the body of a response is delimited (RFC 9112 §6.3,
// spec §10.1). The decision is a pure function of the request method, the
// status and the head, made once when the head is complete.

import (
	"bytes"
	"math"
	"strconv"
)

// bodyKind says how a response body is delimited.
type bodyKind uint8

const (
	bodyKindNone       bodyKind = iota // no body: the response ends with its head
	bodyKindFixed                      // exactly length bytes (Content-Length)
	bodyKindChunked                    // chunked transfer coding: use a chunkedDecoder
	bodyKindUntilClose                 // everything until the server closes
)

// String returns the kind's name without the "body" prefix.
func (k bodyKind) String() string {
	switch k {
	case bodyKindNone:
		return "None"
	case bodyKindFixed:
		return "Fixed"
	case bodyKindChunked:
		return "Chunked"
	case bodyKindUntilClose:
		return "UntilClose"
	}
	return "bodyKind(" + strconv.Itoa(int(k)) + ")"
}

// Framing errors (Appendix B W8). They are body-phase errors, so their
// AnyEvent status is 597; the connection must be closed.
var (
	errContentLength  = &parseError{"httpc: invalid Content-Length", "Invalid Content-Length", 597}
	errLengthMismatch = &parseError{"httpc: conflicting Content-Length values", "Conflicting Content-Length", 597}
)

// framing decides how the body of a response to method with status and
// head h is delimited, following RFC 9112 §6.3 in the order AnyEvent::HTTP
// checks (spec §10.1 rule 2 onwards). For a redirect that turned the
// method into GET (301/302/303), pass GET, as AnyEvent does. The rules:
//
//  1. HEAD, any 1xx, 204 and 304 have no body, whatever the head says
//     (RFC 9112 §6.3 ¶1-2). So has 205 unless the head frames a body:
//     AnyEvent treats 205 as body-less; RFC 9110 §15.3.6 lets the server
//     send "Content-Length: 0" or an empty chunked body, which must be
//     read to keep the connection in sync.
//  2. Transfer-Encoding with chunked as the final coding is bodyKindChunked
//     (RFC 9112 §6.3 ¶3-4). Earlier codings (gzip) are left undecoded, as
//     AnyEvent leaves all codings. A Content-Length next to it is ignored
//     (and left in the map), as in AnyEvent; see ambiguousFraming.
//  3. Transfer-Encoding without chunked as the final coding ("gzip",
//     "chunked, gzip", "identity") is bodyKindUntilClose (RFC 9112 §6.3 ¶4).
//     AnyEvent decodes any value containing the word chunked instead.
//  4. Content-Length is bodyKindFixed with that length, or bodyKindNone if it is
//     0 (AnyEvent rule 2, so a zero length is never handed over with
//     want_body_handle). Every Content-Length field, and every element of
//     a comma list in one, must be 1*DIGIT after trimming SP/HT and must
//     agree (RFC 9110 §8.6); otherwise errContentLength or
//     errLengthMismatch (Appendix B W8, status 597). AnyEvent reads such
//     values as Perl numbers instead (framingCompat).
//  5. Otherwise bodyKindUntilClose.
//
// length is set for bodyKindFixed only.
func framing(method string, status int, h *respHead) (kind bodyKind, length int64, err error) {
	te, hasTE := transferCoding(h)
	if noBody(method, status) || (status == 205 && !hasTE && !h.has(fieldContentLength)) {
		return bodyKindNone, 0, nil
	}
	switch {
	case hasTE && equalFoldASCII(te, "chunked"):
		return bodyKindChunked, 0, nil
	case hasTE:
		return bodyKindUntilClose, 0, nil
	}
	n, ok, err := contentLength(h)
	switch {
	case err != nil:
		return 0, 0, err
	case !ok:
		return bodyKindUntilClose, 0, nil
	case n == 0:
		return bodyKindNone, 0, nil
	}
	return bodyKindFixed, n, nil
}

// framingCompat is framing as AnyEvent::HTTP decides it (spec §10.1 rules
// 2, 4, 6, 7; Appendix A Q25, Q26), for a compatibility mode:
//
//   - HEAD, 1xx, 204, 205 and 304 have no body;
//   - a Transfer-Encoding containing the word "chunked" anywhere
//     (case-insensitive, Perl word boundaries: "gzip, Chunked" and
//     "chunked-x" match, "xchunked" does not) is bodyKindChunked;
//   - otherwise the Content-Length value, all fields joined with ",", is
//     read as a Perl number ("abc" and "0x10" are 0, "10, 10" is 10, "1e2"
//     is 100): 0 is bodyKindNone, anything else bodyKindFixed;
//   - otherwise bodyKindUntilClose.
//
// Where Perl's behaviour is an artefact, framingCompat fails with
// errContentLength instead: negative lengths (Perl strips that many bytes
// off the buffer), fractions (Perl waits for the rounded-up count and
// returns the rounded-down one) and lengths beyond int64. "inf" and "nan"
// read as 0 here; Perl would wait for an infinite body until the timeout.
func framingCompat(method string, status int, h *respHead) (kind bodyKind, length int64, err error) {
	if noBody(method, status) || status == 205 {
		return bodyKindNone, 0, nil
	}
	chunked, hasCL := false, false
	for _, f := range h.fields {
		switch f.kind {
		case fieldTransferEncoding:
			chunked = chunked || hasWordFold(h.value(f), "chunked")
		case fieldContentLength:
			hasCL = true
		}
	}
	switch {
	case chunked:
		return bodyKindChunked, 0, nil
	case !hasCL:
		return bodyKindUntilClose, 0, nil
	}
	v := perlNum(joinedValue(h, "content-length"))
	switch {
	case v == 0:
		return bodyKindNone, 0, nil
	case v < 0 || v != math.Trunc(v) || v >= 1<<63:
		return 0, 0, errContentLength
	}
	return bodyKindFixed, int64(v), nil
}

// ambiguousFraming reports whether h frames its body in a way RFC 9112
// treats as a possible smuggling or splitting attempt although it can be
// read: Transfer-Encoding together with Content-Length (RFC 9112 §6.3 ¶3),
// or Transfer-Encoding in an HTTP/1.0 response (RFC 9112 §6.1). framing
// reads such a body as AnyEvent does; the connection is not pooled
// afterwards (takeHead). AnyEvent does reuse it.
func ambiguousFraming(h *respHead) bool {
	if _, hasTE := transferCoding(h); !hasTE {
		return false
	}
	return h.has(fieldContentLength) || perlNum(cleanBytes(h.versionBytes(), h.hasCR)) < 1.1
}

// noBody reports the statuses and methods whose responses never have a
// body (RFC 9112 §6.3 ¶1-2, RFC 9110 §9.3.2): HEAD, 1xx, 204 and 304.
func noBody(method string, status int) bool {
	return isInformational(status) || status == 204 || status == 304 ||
		equalFoldString(method, "head")
}

// transferCoding returns the final transfer coding of h, the last
// non-empty element of the comma lists of all its Transfer-Encoding fields
// with SP/HT trimmed (RFC 9112 §6.1, RFC 9110 §5.6.1), and whether there
// is one. A Transfer-Encoding with only empty elements counts as absent.
func transferCoding(h *respHead) ([]byte, bool) {
	var last []byte
	found := false
	if !h.has(fieldTransferEncoding) {
		return nil, false
	}
	for _, f := range h.fields {
		if f.kind != fieldTransferEncoding {
			continue
		}
		v := cleanBytes(h.value(f), h.hasCR)
		for len(v) > 0 {
			elem := v
			if i := bytes.LastIndexByte(v, ','); i >= 0 {
				elem, v = v[i+1:], v[:i]
			} else {
				v = nil
			}
			if elem = trimOWS(elem); len(elem) > 0 {
				last, found = elem, true
				break
			}
		}
	}
	return last, found
}

// contentLength returns the value of the Content-Length fields of h and
// whether there are any (RFC 9110 §8.6). Each field may be a comma list of
// identical values ("42, 42"); every element must be 1*DIGIT, fit in an
// int64 and equal the others.
func contentLength(h *respHead) (n int64, ok bool, err error) {
	if !h.has(fieldContentLength) {
		return 0, false, nil
	}
	n = -1
	for _, f := range h.fields {
		if f.kind != fieldContentLength {
			continue
		}
		v := cleanBytes(h.value(f), h.hasCR)
		if m, valid := parseDecimal(v); valid { // one bare number, the usual value
			if n >= 0 && m != n {
				return 0, false, errLengthMismatch
			}
			n = m
			continue
		}
		for {
			elem, rest, more := v, []byte(nil), false
			if i := bytes.IndexByte(v, ','); i >= 0 {
				elem, rest, more = v[:i], v[i+1:], true
			}
			m, valid := parseDecimal(trimOWS(elem))
			switch {
			case !valid:
				return 0, false, errContentLength
			case n >= 0 && m != n:
				return 0, false, errLengthMismatch
			}
			n = m
			if !more {
				break
			}
			v = rest
		}
	}
	return max(n, 0), n >= 0, nil
}

// parseDecimal parses 1*DIGIT as an int64, failing on empty input, other
// bytes, or overflow.
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if !isDigit(c) || n > (math.MaxInt64-int64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// joinedValue returns the values of the fields called name joined with
// ",", CRs deleted: the headers-map value (spec §8.4).
func joinedValue(h *respHead, name string) []byte {
	var out []byte
	first := true
	for _, f := range h.fields {
		if !nameIs(h.name(f), name) {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(out, cleanBytes(h.value(f), h.hasCR)...)
	}
	return out
}

// equalFoldString reports whether s equals lower, a lower-case ASCII
// string, ignoring ASCII case.
func equalFoldString(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lowerASCII(s[i]) != lower[i] {
			return false
		}
	}
	return true
}

// trimOWS removes leading and trailing SP and HT (RFC 9110 §5.6.3 OWS).
func trimOWS(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// perlNum converts b to a number as Perl's numeric context does for
// decimal text (spec §10.1 num(x)): leading whitespace is skipped, then
// the longest prefix [+-]digits[.digits][(e|E)[+-]digits] (".5" counts) is
// converted and the rest ignored; no digits give 0 ("abc", "", "0x10" is
// 0). Overflow gives ±Inf. It allocates only for unusually long numbers.
func perlNum(b []byte) float64 {
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	start := i
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	mant := countDigits(b, i)
	i += mant
	if i < len(b) && b[i] == '.' {
		if frac := countDigits(b, i+1); mant+frac > 0 {
			i += 1 + frac
			mant += frac
		}
	}
	if mant == 0 {
		return 0
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		j := i + 1
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if n := countDigits(b, j); n > 0 {
			i = j + n
		}
	}
	f, _ := strconv.ParseFloat(string(b[start:i]), 64)
	return f
}

// countDigits returns the number of ASCII digits in b starting at i.
func countDigits(b []byte, i int) int {
	n := 0
	for i+n < len(b) && isDigit(b[i+n]) {
		n++
	}
	return n
}
