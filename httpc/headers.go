package httpc

// The headers map (spec §8.4, §8.5, §10.2): what AnyEvent::HTTP hands its
// callbacks, built from the fields of a parsed head or trailer section.

import (
	"strconv"
)

// headerMap adds the fields of h to dst the way AnyEvent::HTTP builds its
// headers map (spec §8.4, Appendix A Q20-Q22):
//
//   - the key is the field name lower-cased, with Perl's Latin-1 aware
//     folding (bytes 0xC0-0xDE except 0xD7 fold too; Appendix B W25), so
//     odd names stay odd: " X" is " x", "X " is "x ", "" is "";
//   - the value keeps trailing whitespace and obsolete line folding, with
//     every CR deleted ("a\r\n  b" is "a\n  b");
//   - a repeated name is joined to the earlier value with a plain ",", no
//     space, in order, empty values included ("b", "", "c" is "b,,c").
//     Set-Cookie is joined the same way.
//
// dst should be empty or hold only pseudo-headers (mixed-case keys such as
// "Status" never collide with the lower-case field keys); a key already in
// dst is joined to like a repeated field. headerMap allocates the value
// strings and the keys of uncommon names.
func headerMap(h *respHead, dst map[string]string) {
	for _, f := range h.fields {
		k, v := fieldKey(h.name(f)), fieldString(h.value(f), h.hasCR)
		if old, ok := dst[k]; ok {
			v = old + "," + v
		}
		dst[k] = v
	}
}

// mergeTrailers applies the trailer section decoded by d to dst, a map
// filled by headerMap (spec §10.2 step 3, Appendix A Q23): trailer fields
// with the same name are joined with "," among themselves, and the result
// replaces the head's value of that name instead of being joined to it.
// It does nothing before d is done. Call setChunkedLength first: a
// Content-Length trailer then wins over the synthesised value. It reports
// whether the trailers held a Connection field, which then decides the
// keep-alive vote (spec §5.7).
func mergeTrailers(d *chunkedDecoder, dst map[string]string) (connection bool) {
	if d.state != chunkDone || len(d.trailer.fields) == 0 {
		return false
	}
	seen := make(map[string]bool, len(d.trailer.fields))
	for _, f := range d.trailer.fields {
		k, v := fieldKey(d.trailer.name(f)), fieldString(d.trailer.value(f), d.trailer.hasCR)
		if seen[k] {
			v = dst[k] + "," + v
		}
		seen[k] = true
		dst[k] = v
	}
	return seen["connection"]
}

// setChunkedLength synthesises Content-Length after a chunked body the way
// AnyEvent::HTTP does (spec §10.2 step 3): if dst has no "content-length",
// or it is "" or "0" (Perl's false strings), it becomes total, the number
// of decoded data bytes (chunkedDecoder.total).
func setChunkedLength(dst map[string]string, total int64) {
	if v, ok := dst["content-length"]; !ok || v == "" || v == "0" {
		dst["content-length"] = strconv.FormatInt(total, 10)
	}
}

// fieldKey returns name as a headers-map key: CRs deleted, lower-cased
// with Perl's Latin-1 aware folding (lowerLatin1). Common names are
// returned without allocating.
func fieldKey(name []byte) string {
	var tmp [32]byte
	b := tmp[:0]
	if len(name) > len(tmp) {
		b = make([]byte, 0, len(name))
	}
	for _, c := range name {
		if c != '\r' {
			b = append(b, lowerLatin1(c))
		}
	}
	if s, ok := commonKey(b); ok {
		return s
	}
	return string(b)
}

// commonKey returns the interned string for the lower-case field names
// most responses carry, so that building a map for them allocates only
// the values.
func commonKey(b []byte) (string, bool) {
	switch string(b) {
	case "content-length":
		return "content-length", true
	case "content-type":
		return "content-type", true
	case "date":
		return "date", true
	case "server":
		return "server", true
	case "connection":
		return "connection", true
	case "keep-alive":
		return "keep-alive", true
	case "transfer-encoding":
		return "transfer-encoding", true
	case "location":
		return "location", true
	case "set-cookie":
		return "set-cookie", true
	case "cache-control":
		return "cache-control", true
	case "expires":
		return "expires", true
	case "last-modified":
		return "last-modified", true
	case "etag":
		return "etag", true
	case "vary":
		return "vary", true
	case "content-encoding":
		return "content-encoding", true
	case "accept-ranges":
		return "accept-ranges", true
	case "age":
		return "age", true
	}
	return "", false
}

// fieldString returns a field value as a string with its CRs deleted.
func fieldString(v []byte, hasCR bool) string {
	return string(cleanBytes(v, hasCR))
}

// lowerLatin1 lower-cases c the way Perl's lc does for a character string
// under unicode_strings: ASCII letters, and the Latin-1 capitals 0xC0-0xDE
// except the multiplication sign 0xD7 (spec §3.3).
func lowerLatin1(c byte) byte {
	if (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
		return c + 0x20
	}
	return c
}

// nameIs reports whether a field name equals lower, a lower-case ASCII
// name, ignoring ASCII case and CR bytes (which AnyEvent deletes).
func nameIs(name []byte, lower string) bool {
	j := 0
	for _, c := range name {
		if c == '\r' {
			continue
		}
		if j == len(lower) || lowerASCII(c) != lower[j] {
			return false
		}
		j++
	}
	return j == len(lower)
}

// isPerlWord reports whether c is a word character for Perl's \b and \w
// under Unicode rules on an 8-bit string: ASCII letters, digits and "_",
// and the Latin-1 letters ª µ º À-Ö Ø-ö ø-ÿ.
func isPerlWord(c byte) bool {
	switch {
	case c == '_' || isDigit(c) || (lowerASCII(c) >= 'a' && lowerASCII(c) <= 'z'):
		return true
	case c == 0xAA || c == 0xB5 || c == 0xBA:
		return true
	}
	return c >= 0xC0 && c != 0xD7 && c != 0xF7
}

// hasWordFold reports whether v contains word as a whole word (Perl's
// /\bword\b/i, word in lower-case ASCII), ignoring CR bytes, which
// AnyEvent deletes before matching. AnyEvent finds "chunked" in
// Transfer-Encoding this way (spec §10.1), and keep-alive/close in
// Connection (spec §5.7).
func hasWordFold(v []byte, word string) bool {
	v = cleanBytes(v, true)
	for i := 0; i+len(word) <= len(v); i++ {
		if (i > 0 && isPerlWord(v[i-1])) || !equalFoldASCII(v[i:i+len(word)], word) {
			continue
		}
		if end := i + len(word); end == len(v) || !isPerlWord(v[end]) {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether b equals lower, a lower-case ASCII
// string, ignoring ASCII case.
func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := range b {
		if lowerASCII(b[i]) != lower[i] {
			return false
		}
	}
	return true
}
