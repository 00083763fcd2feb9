package httpc

// Fuzz targets of the byte-level parsers (STYLE B9.4). Their seed corpora
// in testdata/fuzz/FuzzXxx/seed-* are the table-test inputs, kept in sync
// by TestSeedCorpus in feed_test.go; other files there are past crashers
// (inputs of disagreements or harness bugs the fuzzers found). Run one with
//
//	go test -run '^$' -fuzz '^FuzzParseHead$' -fuzztime 45s ./httpc/

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseHead checks that parseHead never panics, that its views and
// values keep their invariants, that feeding byte by byte gives the same
// result as feeding at once, and that the one-pass parser agrees with the
// general path on every head it takes.
func FuzzParseHead(f *testing.F) {
	for _, s := range parseHeadSeeds() {
		f.Add(s.data, s.strict)
	}
	f.Fuzz(func(t *testing.T, data []byte, strict bool) {
		h := respHead{strict: strict}
		n, err := parseHead(clipCopy(data), &h)
		if _, ok := err.(*parseError); err != nil && !ok {
			t.Fatalf("error of type %T", err)
		}
		if n > 0 {
			checkHeadInvariants(t, &h, n, len(data))
		}
		want := headSummary(&h, n, err)
		fast := respHead{strict: strict}
		if m := fast.parseRegular(data); m > 0 {
			general := respHead{strict: strict}
			gm, gerr := parseGeneral(data, &general)
			if got, want := regularSummary(&fast, m, nil), regularSummary(&general, gm, gerr); got != want {
				t.Fatalf("one-pass %s\ngeneral  %s", got, want)
			}
		}
		var p respHead
		p.strict = strict
		for i := 1; i <= len(data); i++ {
			m, perr := parseHead(data[:i:i], &p)
			if m == 0 && perr == nil {
				continue
			}
			if got := headSummary(&p, m, perr); got != want {
				t.Fatalf("per-byte (at %d) %s\nwhole %s", i, got, want)
			}
			return
		}
		if n != 0 || err != nil {
			t.Fatalf("per-byte never completed; whole %s", want)
		}
	})
}

// checkHeadInvariants checks what a successful parse promises.
func checkHeadInvariants(t *testing.T, h *respHead, n, size int) {
	t.Helper()
	if n > size || n > DefaultMaxHeaderBytes || h.status < 0 || h.status > 999 {
		t.Fatalf("n=%d size=%d status=%d", n, size, h.status)
	}
	if v := cleanBytes(h.versionBytes(), true); len(v) == 0 || strings.Trim(string(v), "0123456789.") != "" {
		t.Fatalf("version %q", v)
	}
	for _, fl := range h.fields {
		rawName, rawValue := h.name(fl), h.value(fl)
		name, value := cleanBytes(rawName, true), cleanBytes(rawValue, true)
		if bytes.ContainsAny(name, ":\n") || bytes.IndexFunc(name, func(r rune) bool { return r < 0x20 }) >= 0 {
			t.Fatalf("name %q", name)
		}
		for i, c := range value {
			if c == '\n' && (i+1 == len(value) || (value[i+1] != ' ' && value[i+1] != '\t')) {
				t.Fatalf("value %q has an LF that is no fold", value)
			}
		}
		if !h.hasCR && (bytes.IndexByte(rawName, '\r') >= 0 || bytes.IndexByte(rawValue, '\r') >= 0) {
			t.Fatal("CR in a view but hasCR unset")
		}
		if want := slowKind(rawName); fl.kind != want || !h.has(want) {
			t.Fatalf("name %q: kind %d, want %d (kinds %b)", rawName, fl.kind, want, h.kinds)
		}
	}
}

// slowKind classifies a field name by comparing it with every kind's name.
func slowKind(name []byte) fieldKind {
	for k := fieldConnection; k <= fieldLocation; k++ {
		if nameIs(name, k.name()) {
			return k
		}
	}
	return fieldOther
}

// headSummary renders a parse result for comparisons.
func headSummary(h *respHead, n int, err error) string {
	if err != nil || n == 0 {
		return fmt.Sprintf("n=%d err=%v", n, err)
	}
	reason, has := h.reasonPhrase()
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d %s %d %q %v", n, h.httpVersion(), h.status, reason, has)
	for _, fl := range h.fields {
		fmt.Fprintf(&b, " [%q %q]", cleanBytes(h.name(fl), true), cleanBytes(h.value(fl), true))
	}
	return b.String()
}

// FuzzChunked checks that decode never panics, that feeding at once and
// byte by byte agree, and that decode(encode(x)) == x.
func FuzzChunked(f *testing.F) {
	for _, s := range chunkedSeeds() {
		f.Add(s.raw, s.body, s.size)
	}
	f.Fuzz(func(t *testing.T, raw, body []byte, size uint16) {
		whole := chunkRun(raw, len(raw)+1, 0)
		if perByte := chunkRun(raw, 1, 0); perByte != whole {
			t.Fatalf("per-byte %s\nwhole %s", perByte, whole)
		}
		if odd := chunkRun(raw, 7, 0); odd != whole {
			t.Fatalf("7-byte pieces %s\nwhole %s", odd, whole)
		}
		// One chunk at a time (OnBody): the same chunks however the input
		// is cut, and the same outcome as above once the body ended.
		chunks := chunkRun(raw, len(raw)+1, 1<<62)
		for _, step := range []int{1, 7} {
			if got := chunkRun(raw, step, 1<<62); got != chunks {
				t.Fatalf("chunk by chunk, %d-byte pieces %s\nwhole %s", step, got, chunks)
			}
		}
		if compact, _, _ := strings.Cut(chunks, " chunks="); !strings.HasSuffix(chunks, "incomplete") && compact != whole {
			t.Fatalf("chunk by chunk %s\ncompacted %s", chunks, whole)
		}
		ext, trailers := "", ""
		if size%2 == 1 {
			ext = ";name=\"v\""
		}
		if size%3 == 0 {
			trailers = "X-Sum: 1\r\nX-Fold: a\r\n b\r\n"
		}
		enc := encodeChunked(body, []int{int(size % 300)}, ext, trailers)
		var d chunkedDecoder
		in := clipCopy(append(enc, "NEXT"...))
		out, consumed, done, err := d.decode(in)
		if err != nil || !done || consumed != len(enc) || !bytes.Equal(in[:out], body) || d.total != int64(len(body)) {
			t.Fatalf("decode(encode(%q)) = %q, consumed %d of %d, done %v, err %v", body, in[:out], consumed, len(enc), done, err)
		}
	})
}

// chunkRun decodes raw fed in pieces of at most step bytes, the way a
// connection would (unconsumed bytes move to the front of its buffer, and
// decoding goes on while it consumes), with the decoder's whole limit,
// and renders the outcome; with whole set, also the lengths of the pieces
// delivered. Each call sees buf[:k:k].
func chunkRun(raw []byte, step int, whole int64) string {
	d := chunkedDecoder{whole: whole}
	var body []byte
	var pieces []int
	render := func(s string) string {
		if whole > 0 {
			s += fmt.Sprintf(" chunks=%v", pieces)
		}
		return s
	}
	buf := make([]byte, len(raw))
	k, eaten := 0, 0
	for i := 0; i < len(raw); {
		end := min(i+step, len(raw))
		k += copy(buf[k:], raw[i:end])
		i = end
		for consumed := -1; consumed != 0 && k > 0; {
			var out int
			var done bool
			var err error
			out, consumed, done, err = d.decode(buf[:k:k])
			body = append(body, buf[:out]...)
			if out > 0 {
				pieces = append(pieces, out)
			}
			eaten += consumed
			switch {
			case err != nil: // the trailer views are valid only once done
				return render(fmt.Sprintf("body=%q eaten=%d err=%v total=%d", body, eaten, err, d.total))
			case done:
				return render(fmt.Sprintf("body=%q eaten=%d done total=%d trailers=%s", body, eaten, d.total, trailerSummary(&d)))
			}
			k = copy(buf, buf[consumed:k])
		}
	}
	return render(fmt.Sprintf("body=%q", body)) + " incomplete"
}

// trailerSummary renders the trailer fields of d.
func trailerSummary(d *chunkedDecoder) string {
	var b strings.Builder
	for _, fl := range d.trailer.fields {
		fmt.Fprintf(&b, "[%q %q]", cleanBytes(d.trailer.name(fl), true), cleanBytes(d.trailer.value(fl), true))
	}
	return b.String()
}

// perlURL and perlAuthority are the two regular expressions AnyEvent::HTTP
// splits a URL with (spec §3.1, §3.3). Go's regexp picks the submatches a
// backtracking engine would (leftmost-first), so they are a reference
// model. (?s) ignores Perl's "." and "$" newline nuances, as parseURL does.
var (
	perlURL       = regexp.MustCompile(`(?s)^([^:]+):(?://([^/?#]*))?([^?#]*)(\?[^#]*)?(?:#(.*))?$`)
	perlAuthority = regexp.MustCompile(`(?s)^(?:.*@)?([^@]+?)(?::([0-9]+))?$`)
)

// FuzzURL checks parseURL against the Perl regular expressions, with the
// fixes parseURL documents (ports above 65535 and "[]" are unparsable).
func FuzzURL(f *testing.F) {
	for _, tt := range urlTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := parseURL(raw)
		want, werr := perlParseURL(raw)
		if err != werr || got.view() != want {
			t.Fatalf("parseURL(%q):\n got %+v, %v\nwant %+v, %v", raw, got, err, want, werr)
		}
		if err == nil && (got.Host == "" || !strings.HasPrefix(got.RequestURI, "/")) {
			t.Fatalf("parseURL(%q) = %+v", raw, got)
		}
	})
}

// perlParseURL is the reference model of parseURL.
func perlParseURL(raw string) (urlView, error) {
	m := perlURL.FindStringSubmatchIndex(raw)
	if m == nil {
		return urlView{}, errURLScheme
	}
	group := func(k int) string {
		if m[2*k] < 0 {
			return ""
		}
		return raw[m[2*k]:m[2*k+1]]
	}
	u := urlView{Raw: raw, Scheme: lowerASCIIString(group(1)), Authority: group(2), Path: group(3), Query: group(4)}
	switch u.Scheme {
	case "http":
		u.Port, u.PortText = 80, "80"
	case "https":
		u.Port, u.PortText = 443, "443"
	default:
		return urlView{}, errURLScheme
	}
	a := perlAuthority.FindStringSubmatchIndex(u.Authority)
	if m[4] < 0 || a == nil {
		return urlView{}, errURLSyntax
	}
	if at := strings.LastIndexByte(u.Authority, '@'); at >= 0 {
		u.Userinfo = u.Authority[:at]
	}
	host := lowerASCIIString(u.Authority[a[2]:a[3]])
	u.HostPort = host
	if a[4] >= 0 {
		u.PortText, u.ExplicitPort = u.Authority[a[4]:a[5]], true
		u.HostPort += ":" + u.PortText
		port, err := strconv.Atoi(u.PortText)
		if u.Port = port; err != nil || port > 65535 {
			return urlView{}, errURLSyntax
		}
	}
	u.Host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if len(u.Host) != len(host)-2 {
		u.Host = host
	}
	if u.Host == "" {
		return urlView{}, errURLSyntax
	}
	u.RequestURI = "/" + strings.TrimPrefix(u.Path+u.Query, "/")
	return u, nil
}

// safeRef matches references net/url resolves without re-escaping. The
// comparison also skips what net/url does not resolve by RFC 3986 to the
// letter: empty segments ("a//b", which it collapses), empty queries and
// fragments (which it drops), "#" inside a fragment (which it escapes),
// and a reference without a path ("#f", "?q") to a base path with dot
// segments, whose path RFC 3986 §5.2.2 takes as it is (T.path =
// Base.path, as URI.pm does) while net/url removes the dot segments.
var safeRef = regexp.MustCompile(`^[A-Za-z0-9._~/;=?#-]*$`)

// FuzzLocation checks that resolveLocation never panics or fails except
// as documented, and that locationRFC3986 agrees with net/url's RFC 3986
// resolution where net/url keeps the text as it is.
func FuzzLocation(f *testing.F) {
	for _, tt := range locationTests {
		f.Add(tt.base, tt.loc)
	}
	f.Fuzz(func(t *testing.T, base, loc string) {
		u, err := parseURL(base)
		if err != nil {
			return
		}
		for _, mode := range []locationMode{locationRFC3986, locationAnyEvent, locationAnyEventNoURI} {
			got, err := resolveLocation(&u, loc, mode)
			if err != nil && (mode != locationAnyEventNoURI || err != errLocationNoURI) {
				t.Fatalf("mode %d: %q + %q: %v", mode, base, loc, err)
			}
			relative := loc != "" && !strings.HasPrefix(loc, "//") && !hasLocationScheme(loc)
			if err == nil && relative && !strings.HasPrefix(got, u.scheme()+"://"+u.Authority) {
				t.Fatalf("mode %d: %q + %q = %q lost the base", mode, base, loc, got)
			}
		}
		got, _ := resolveLocation(&u, loc, locationRFC3986)
		path, query := u.pathQuery()
		if !safeRef.MatchString(loc) || !safeRef.MatchString(u.Authority+path+query) ||
			strings.HasSuffix(loc, "#") || strings.Count(loc, "#") > 1 || strings.HasSuffix(loc, "?") ||
			loc == "" || hasLocationScheme(loc) || strings.Contains(loc, "//") || strings.Contains(path, "//") ||
			query == "?" || ((loc[0] == '?' || loc[0] == '#') && hasDotSegment(path)) {
			return
		}
		b, err1 := url.Parse(u.scheme() + "://" + u.Authority + path + query)
		r, err2 := url.Parse(loc)
		if err1 != nil || err2 != nil {
			return
		}
		if want := b.ResolveReference(r).String(); got != want {
			t.Fatalf("%q + %q = %q, net/url says %q", base, loc, got, want)
		}
	})
}

// allPerlSpace reports whether every byte of s is Perl whitespace, as the
// status-line parser sees it (isPerlSpace).
func allPerlSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isPerlSpace(s[i]) {
			return false
		}
	}
	return true
}

// hasDotSegment reports whether path has a "." or ".." segment.
func hasDotSegment(path string) bool {
	for seg := range strings.SplitSeq(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// FuzzResponse is the differential test against net/http.ReadResponse
// (STYLE B9.4): a whole response (head, then a body framed by framing) is
// read by both. Where both accept, status, headers and body must be the
// same, modulo the canonicalisation of canonicalHeaders; any other
// disagreement must be covered by responseAllowList.
func FuzzResponse(f *testing.F) {
	for _, s := range responseSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) >= 16<<10 {
			return // the "limits" entry; large inputs only slow the fuzzer down
		}
		ours, std := ourResponse(in), stdResponse(in)
		diff := diffResponses(ours, std)
		if diff == "" {
			return
		}
		head, lines := rawHead(in)
		for _, e := range responseAllowList {
			if e.applies(in, head, lines) {
				return
			}
		}
		t.Fatalf("%q: %s\nours %+v\nstd  %+v", in, diff, ours, std)
	})
}

// response is one reader's outcome: accepted or not, and what it read.
type response struct {
	ok     bool
	status int
	header map[string]string // lower-case keys, values joined with ","
	body   string
}

// ourResponse reads a response with parseHead, framing and the chunked
// decoder, for a GET request.
func ourResponse(in []byte) response {
	var h respHead
	n, err := parseHead(in, &h)
	if err != nil || n == 0 {
		return response{}
	}
	kind, length, err := framing("GET", h.status, &h)
	if err != nil {
		return response{}
	}
	r := response{ok: true, status: h.status, header: map[string]string{}}
	headerMap(&h, r.header)
	rest := in[n:]
	switch kind {
	case bodyKindFixed:
		if int64(len(rest)) < length {
			return response{}
		}
		r.body = string(rest[:length])
	case bodyKindChunked:
		buf := clipCopy(rest)
		var d chunkedDecoder
		out, _, done, err := d.decode(buf)
		if err != nil || !done {
			return response{}
		}
		r.body = string(buf[:out])
	case bodyKindUntilClose:
		r.body = string(rest)
	}
	return r
}

// stdResponse reads a response with net/http, for a GET request.
func stdResponse(in []byte) response {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(in)), &http.Request{Method: "GET"})
	if err != nil {
		return response{}
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return response{}
	}
	r := response{ok: true, status: resp.StatusCode, header: map[string]string{}, body: string(body)}
	for k, vs := range resp.Header {
		r.header[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	return r
}

// diffResponses describes how two outcomes differ, or returns "".
func diffResponses(ours, std response) string {
	switch {
	case ours.ok != std.ok:
		return fmt.Sprintf("accept: ours %v, net/http %v", ours.ok, std.ok)
	case !ours.ok:
		return ""
	case ours.status != std.status:
		return "status differs"
	case ours.body != std.body:
		return "body differs"
	}
	a, b := canonicalHeaders(ours.header, std.header)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		return "headers differ"
	}
	return ""
}

// canonicalHeaders makes the two header maps comparable. The documented
// canonicalisation: keys are compared lower-cased (net/http title-cases,
// AnyEvent lower-cases); values with leading and trailing SP/HT trimmed,
// around each comma too, as duplicate fields are joined with one (net/http
// trims trailing whitespace, AnyEvent keeps it, spec §8.4);
// Transfer-Encoding, Content-Length and Trailer are left out (net/http
// moves the first to Response.TransferEncoding, drops or collapses the
// second and drops the third; their effect is checked through the body);
// and a Cache-Control: no-cache that net/http adds for Pragma: no-cache
// is dropped.
func canonicalHeaders(ours, std map[string]string) (a, b []string) {
	_, pragma := ours["pragma"]
	_, cc := ours["cache-control"]
	for k, v := range std {
		if k == "cache-control" && pragma && !cc {
			continue
		}
		b = appendHeader(b, k, v)
	}
	for k, v := range ours {
		a = appendHeader(a, k, v)
	}
	slices.Sort(a)
	slices.Sort(b)
	return a, b
}

// appendHeader adds "key: value" to list unless key is left out.
func appendHeader(list []string, k, v string) []string {
	switch k {
	case "transfer-encoding", "content-length", "trailer":
		return list
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.Trim(p, " \t")
	}
	return append(list, k+": "+strings.Join(parts, ","))
}

// allowed is one known disagreement between our reader and net/http.
type allowed struct {
	name    string
	reason  string
	applies func(in []byte, head string, lines []string) bool
}

// responseAllowList lists every known accept/reject or content
// disagreement with net/http.ReadResponse and why it is right for us
// (spec sections for AnyEvent behaviour we reproduce, RFC sections for
// where the RFC allows both). head is the raw head up to its empty line
// (§8.1), lines its lines without LF and one CR before it; the first line
// is the status line.
var responseAllowList = []allowed{
	{"status-line", "spec §8.2: AnyEvent matches the status line case-insensitively, with leading zeros and any " +
		"[0-9.]+ version, any whitespace (line breaks included) as separators and CRs deleted; net/http requires " +
		`exactly "HTTP/d.d SP 3DIGIT" (RFC 9112 §4) but accepts a sign in the code`,
		func(_ []byte, _ string, lines []string) bool { return !canonicalStatus.MatchString(lines[0]) }},
	{"reason-less-status", "spec §8.2, Appendix A Q18, Appendix B W19 (faithful by default): with no reason " +
		"text the next header line becomes the Reason and is not a header",
		func(_ []byte, _ string, lines []string) bool {
			return len(lines) > 1 && canonicalStatus.MatchString(lines[0]) &&
				allPerlSpace(lines[0][12:])
		}},
	{"field-name", "spec §8.4, Appendix A Q20: AnyEvent accepts any name without controls (spaces, 8-bit, " +
		"empty); net/http requires a token (RFC 9110 §5.1) and skips empty names",
		func(_ []byte, _ string, lines []string) bool { return slices.ContainsFunc(lines[1:], oddFieldName) }},
	{"obs-fold", "spec §8.4, Appendix A Q21, Appendix B W20: folded lines are kept verbatim (\"a\\n  b\"); " +
		"net/http unfolds them (RFC 9112 §5.2 allows either)",
		func(_ []byte, _ string, lines []string) bool {
			return slices.ContainsFunc(lines[1:], func(l string) bool {
				l = strings.ReplaceAll(l, "\r", "")
				return l != "" && (l[0] == ' ' || l[0] == '\t')
			})
		}},
	{"control-in-value", "spec §8.4, Appendix C T22: AnyEvent accepts control bytes and DEL in values " +
		"(\"x\\x01y\"); net/http rejects them (RFC 9110 §5.5 field-vchar; a recipient may reject)",
		func(_ []byte, _ string, lines []string) bool {
			return slices.ContainsFunc(lines[1:], func(l string) bool {
				_, v, _ := strings.Cut(strings.ReplaceAll(l, "\r", ""), ":")
				return strings.ContainsFunc(v, func(r rune) bool { return (r < ' ' && r != '\t') || r == 0x7f })
			})
		}},
	{"bare-cr", "spec §8.2, Appendix A Q16: AnyEvent deletes every CR of the head, so \"HT\\rTP\" is HTTP and " +
		"\"a\\rb\" is \"ab\"; net/http keeps bare CRs or rejects the line (RFC 9112 §2.2 allows rejecting or " +
		"replacing them)",
		func(_ []byte, head string, _ []string) bool {
			return strings.Contains(strings.ReplaceAll(head, "\r\n", ""), "\r")
		}},
	{"transfer-coding", "RFC 9112 §6.1, §6.3: we decode chunked when it is the final coding of any " +
		"Transfer-Encoding, also in HTTP/1.0 (as AnyEvent, spec §10.1) and read until close for other codings; " +
		"net/http rejects every Transfer-Encoding but a single \"chunked\" and ignores it below HTTP/1.1",
		func(_ []byte, _ string, lines []string) bool {
			te := fieldValues(lines, "transfer-encoding")
			return len(te) > 1 || (len(te) == 1 && (!strings.EqualFold(strings.Trim(te[0], " \t"), "chunked") ||
				!strings.HasPrefix(lines[0], "HTTP/1.1 ")))
		}},
	{"content-length", "RFC 9110 §8.6: a list of identical values (\"10, 10\") may be accepted; and " +
		"Content-Length is ignored, whatever its value, where the status, HEAD or Transfer-Encoding make it " +
		"irrelevant (RFC 9112 §6.3 ¶1-3, spec §10.1 rule 2), while net/http validates it first",
		func(_ []byte, _ string, lines []string) bool {
			cl := fieldValues(lines, "content-length")
			return len(cl) > 1 || (len(cl) == 1 && !allASCIIDigits(strings.Trim(cl[0], " \t")))
		}},
	{"status-205", "spec §10.1 rule 2: AnyEvent treats 205 as body-less; we do so unless the head frames a " +
		"body; net/http reads 205 like 200",
		func(_ []byte, _ string, lines []string) bool {
			return canonicalStatus.MatchString(lines[0]) && lines[0][9:12] == "205"
		}},
	{"chunked-framing", "spec §10.2, Appendix A Q31: a chunk-size line is hex digits (any number, leading zeros " +
		"included) followed by anything up to LF, and chunk data may end in LF alone; trailer lines are parsed " +
		"like header lines; net/http requires RFC 9112 §7.1's exact grammar with CRLF, at most 16 digits and " +
		"token trailer names",
		func(in []byte, head string, lines []string) bool {
			return fieldValues(lines, "transfer-encoding") != nil && !strictChunked(in[len(head):])
		}},
	{"trailer-declaration", "RFC 9110 §6.5.1 forbids framing fields as trailers; net/http rejects a Trailer " +
		"field naming them, we (like AnyEvent, spec §10.2) merge whatever trailers arrive",
		func(_ []byte, _ string, lines []string) bool { return fieldValues(lines, "trailer") != nil }},
	{"limits", "Appendix B W9: our head, field-count and chunk-overhead limits differ from net/http's (which " +
		"has none for response heads and its own for chunk extensions)",
		func(in []byte, _ string, lines []string) bool {
			return len(in) >= 16<<10 || len(lines) > DefaultMaxHeaderFields
		}},
}

var (
	canonicalStatus = regexp.MustCompile(`^HTTP/[0-9]\.[0-9] [0-9]{3}( [^\r]*)?$`)
	strictChunk     = regexp.MustCompile(`^[0-9a-fA-F]{1,16}(;[A-Za-z0-9=_-]*)?\r\n`)
	strictTrailer   = regexp.MustCompile(`^[A-Za-z0-9-]+:[ \t]*[\x21-\x7e]*\r\n`)
)

// rawHead returns the head of in up to and including its empty line (all
// of in if there is none) and its lines without LF and one CR before it.
func rawHead(in []byte) (string, []string) {
	var b fieldBlock
	_, n, _ := b.findEnd(in)
	if n == 0 {
		n = len(in)
	}
	head := string(in[:n])
	lines := strings.Split(strings.TrimSuffix(strings.TrimSuffix(head, "\n"), "\r"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return head, lines
}

// oddFieldName reports a header line whose name is not a token.
func oddFieldName(l string) bool {
	l = strings.ReplaceAll(l, "\r", "")
	name, _, ok := strings.Cut(l, ":")
	return ok && !isToken(name)
}

// fieldValues returns the values of the header lines called name.
func fieldValues(lines []string, name string) []string {
	var out []string
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, name) {
			out = append(out, v)
		}
	}
	return out
}

// strictChunked reports whether body starts with a chunked body in RFC
// 9112 §7.1's strict form: CRLF everywhere, 1-16 hex digits, simple
// extensions, token trailer names.
func strictChunked(body []byte) bool {
	for {
		m := strictChunk.FindIndex(body)
		if m == nil {
			return false
		}
		digits := bytes.IndexFunc(body, func(r rune) bool { return unhexDigit(byte(r)) < 0 })
		size, err := strconv.ParseUint(string(body[:digits]), 16, 31)
		if err != nil {
			return false
		}
		body = body[m[1]:]
		if size == 0 {
			break
		}
		if uint64(len(body)) < size+2 || string(body[size:size+2]) != "\r\n" {
			return false
		}
		body = body[size+2:]
	}
	for !bytes.HasPrefix(body, []byte("\r\n")) {
		m := strictTrailer.FindIndex(body)
		if m == nil {
			return false
		}
		body = body[m[1]:]
	}
	return true
}
