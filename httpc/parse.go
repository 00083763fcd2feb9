package httpc

// Response head parsing (spec §8.1, §8.2, §8.4; RFC 9112 §2, §4, §5).
//
// Theory of operation. The parsers in this file never copy: a head is
// found in the caller's buffer and described by slices into it, like
// picohttpparser's phr_header. Parsing has two stages.
//
//  1. Find the end of the head: the first empty line, where lines end in
//     LF or CRLF (spec §8.1). This stage is resumable: fieldBlock.scan
//     remembers how far the buffer was searched, so feeding a head one
//     byte at a time costs O(n) in total (STYLE B7.5).
//  2. Once the whole head is there, parse the status line and the field
//     lines in one pass over it.
//
// AnyEvent::HTTP deletes every CR byte of the head before parsing it (spec
// §8.2, Appendix A Q16), so "HT\rTP/1.1" is a valid start and "X\r-Y" the
// field name "X-Y". The scanners reproduce that by treating CR as absent
// everywhere; the slices they return may therefore contain CR bytes, and
// respHead.hasCR / fieldBlock.hasCR say when a consumer must strip them
// (headerMap and the accessors below do). CRs right before the LF that ends
// a line are never part of a slice.

import (
	"bytes"
	"encoding/binary"
)

// parseError is a malformed-input or limit error of the byte-level
// parsers. Error gives a Go message; reason gives the AnyEvent::HTTP Reason
// text to report and status the AnyEvent status code for it (599 for the
// head and URLs, 597 for the body), which is not always the status of the
// phase the error occurred in: AnyEvent reports malformed heads as 599
// although they arrive in the 596 phase (spec §12.1).
//
// Errors are sentinels compared with ==; they carry no peer bytes (STYLE
// B5.8).
type parseError struct {
	msg  string // "httpc: ..." Go error text
	why  string // AnyEvent Reason text
	code int    // AnyEvent status
}

// Error returns the Go error text, which starts with "httpc: ".
func (e *parseError) Error() string { return e.msg }

// reason returns the AnyEvent::HTTP Reason text for the error.
func (e *parseError) reason() string { return e.why }

// status returns the AnyEvent::HTTP status for the error: 599 or 597.
func (e *parseError) status() int { return e.code }

// Head errors (spec §12.3; the limits are Appendix B W9).
var (
	errHeadEmpty   = &parseError{"httpc: response starts with an empty line", "Invalid server response", 599}
	errStatusLine  = &parseError{"httpc: malformed status line", "Invalid server response", 599}
	errHeaderLine  = &parseError{"httpc: malformed header line", "Garbled response headers", 599}
	errHeadSize    = &parseError{"httpc: response head exceeds the size limit", "Response headers too large", 599}
	errHeaderCount = &parseError{"httpc: too many response header fields", "Too many response headers", 599}
	errInterim     = &parseError{"httpc: too many interim (1xx) responses", "Too many interim responses", 599}
)

// field is one field line of a head or trailer section, as offsets into
// the text its fieldBlock parsed (picohttpparser's phr_header, with
// offsets instead of pointers: filling and clearing the reused fields
// slice then needs no garbage-collector write barriers). fieldBlock.name
// and fieldBlock.value return the views, valid until the caller changes
// or reuses the parsed buffer.
type field struct {
	// name is everything before the first colon of the line. AnyEvent
	// accepts any bytes but controls here, so name may be empty and may
	// contain spaces, DEL and 8-bit bytes (spec §8.4).
	name span
	// value is the rest of the line without leading SP/HT, with trailing
	// whitespace kept and obsolete line folding kept verbatim ("a\r\n  b";
	// spec §8.4, Appendix B W20). It excludes the line's terminator.
	value span
	// kind is what the name is to the client: one of the fields it acts
	// on, or fieldOther.
	kind fieldKind
}

// span is the byte range [start, end) of a parsed text. Heads and trailer
// sections are bounded by their size limits, far below 4 GiB.
type span struct{ start, end uint32 }

// spanOf returns the span of text[start:end].
func spanOf(start, end int) span { return span{uint32(start), uint32(end)} }

// of returns the bytes of s in text.
func (s span) of(text []byte) []byte { return text[s.start:s.end:s.end] }

// fieldKind names the fields whose values decide keep-alive, body framing
// and redirects. parseFields classifies every name once, so that those
// decisions look at the fields they need instead of comparing every name
// again.
type fieldKind uint8

const (
	fieldOther fieldKind = iota
	fieldConnection
	fieldContentLength
	fieldTransferEncoding
	fieldLocation
)

// classifyName returns the kind of a field name, ignoring ASCII case and
// CR bytes (which AnyEvent deletes); cr says whether name holds a CR. The
// name must hold no other control byte (both parsers reject those first).
func classifyName(name []byte, cr bool) fieldKind {
	if cr {
		for _, k := range [...]fieldKind{fieldConnection, fieldContentLength, fieldTransferEncoding, fieldLocation} {
			if nameIs(name, k.name()) {
				return k
			}
		}
		return fieldOther
	}
	return classifyPlain(name)
}

// classifyPlain is classifyName for a name without CR or other control
// bytes (the one-pass parser calls it directly). It compares eight bytes
// at a time, each byte ORed with 0x20: that folds exactly the ASCII
// upper-case letters onto the lower-case ones, and maps no other byte but
// CR onto a letter or "-".
func classifyPlain(name []byte) fieldKind {
	switch len(name) {
	case len("location"):
		if fold64(name) == wordLocation {
			return fieldLocation
		}
	case len("connection"):
		if fold64(name) == wordConnecti && name[8]|0x20 == 'o' && name[9]|0x20 == 'n' {
			return fieldConnection
		}
	case len("content-length"):
		if fold64(name) == wordContent && fold64(name[6:]) == wordTLength {
			return fieldContentLength
		}
	case len("transfer-encoding"):
		if fold64(name) == wordTransfer && fold64(name[8:]) == wordEncodin && name[16]|0x20 == 'g' {
			return fieldTransferEncoding
		}
	}
	return fieldOther
}

// fold64 returns the first eight bytes of b as a little-endian word, each
// byte ORed with 0x20.
func fold64(b []byte) uint64 {
	return binary.LittleEndian.Uint64(b) | 0x2020202020202020
}

// The words classifyName compares folded names with.
var (
	wordLocation = fold64([]byte("location"))
	wordConnecti = fold64([]byte("connecti"))
	wordContent  = fold64([]byte("content-"))
	wordTLength  = fold64([]byte("t-length"))
	wordTransfer = fold64([]byte("transfer"))
	wordEncodin  = fold64([]byte("-encodin"))
)

// name returns the lower-case field name of k ("" for fieldOther).
func (k fieldKind) name() string {
	switch k {
	case fieldConnection:
		return "connection"
	case fieldContentLength:
		return "content-length"
	case fieldTransferEncoding:
		return "transfer-encoding"
	case fieldLocation:
		return "location"
	}
	return ""
}

// fieldBlock is the part of the parser state shared by heads and trailer
// sections: the parsed fields and the resume offset of the end search. The
// zero value is ready to use with the default limits. It is owned by
// whoever feeds the parser (the connection); the fields slice is reused
// across messages to stay allocation-free.
type fieldBlock struct {
	text      []byte  // the parsed text the fields' spans index
	fields    []field // parsed field lines, in order
	hasCR     bool    // some name or value holds a CR that must be stripped
	kinds     uint8   // bit 1<<k is set when a field of kind k was parsed
	scan      int     // bytes of the buffer already searched for the end
	maxBytes  int     // size limit; 0 means DefaultMaxHeaderBytes
	maxFields int     // field count limit; 0 means DefaultMaxHeaderFields
}

// respHead is a parsed response head (spec §8.2, §8.4). Fill it with
// parseHead; reuse it for the next head after reset. The byte slices point
// into the buffer given to parseHead and are valid until the caller changes
// or reuses that buffer.
type respHead struct {
	fieldBlock

	// version is HTTPVersion: the digits and dots after "HTTP/" with
	// leading zeros removed but at least one character kept ("01.1" is
	// "1.1", "0.9" is ".9"; spec §8.2, Appendix A Q17).
	version span
	// status is the three status digits as a number (0-999) and
	// statusRaw the digits as sent ("099").
	status    int
	statusRaw [3]byte
	// reason is the reason phrase: leading whitespace removed, trailing
	// whitespace kept. hasReason is false when AnyEvent's Reason is nil
	// (a status line "HTTP/1.1 200" with nothing after the digits).
	reason    span
	hasReason bool
	// strict selects strict status-line parsing (Appendix B W19): the
	// separators are SP/HT only and the reason ends at the line's end.
	// The default reproduces AnyEvent, whose separators may include line
	// breaks, so that "HTTP/1.1 200" followed by a header line makes that
	// line the reason (Appendix A Q18). Set it before the first parseHead;
	// reset keeps it.
	strict bool

	err error // sticky error (STYLE B5.4)
}

// reset prepares h for the next head, keeping the capacity of its fields
// slice and its configuration (limits, strict) but dropping the old
// buffer. The old fields need no clearing: they hold offsets, not
// pointers.
func (h *respHead) reset() {
	*h = respHead{
		fieldBlock: fieldBlock{fields: h.fields[:0], maxBytes: h.maxBytes, maxFields: h.maxFields},
		strict:     h.strict,
	}
}

// parseHead parses the response head at the start of buf (spec §8).
//
// It returns n > 0, the length of the head including its empty line, once
// the head is complete; the body (or the next response) starts at buf[n:].
// It returns n == 0 and a nil error while the head is incomplete: call it
// again with the same bytes plus whatever arrived since (buf must start
// with the bytes of the previous call). The search resumes where the last
// call stopped, so feeding a head in many small pieces is O(n) overall
// (STYLE B5.5, B7.5).
//
// Errors are sticky and are *parseError values: errHeadEmpty and
// errStatusLine (599 "Invalid server response"), errHeaderLine (599
// "Garbled response headers"), errHeadSize and errHeaderCount (the W9
// limits). With errHeaderLine the status line was parsed, so h.version is
// set (AnyEvent's map then has HTTPVersion, spec §8.4).
//
// Interim responses are the caller's business: parseHead parses a 1xx
// head like any other (see isInformational). parseHead does not allocate
// unless h.fields must grow.
//
// A first look at a head (nothing searched yet) tries the one-pass parser
// for regular heads (parse_fast.go); the general path, parseGeneral,
// parses every other head and any head that arrives in pieces.
func parseHead(buf []byte, h *respHead) (n int, err error) {
	if h.err != nil {
		return 0, h.err
	}
	if h.scan == 0 {
		if n := h.parseRegular(buf); n > 0 {
			return n, nil
		}
	}
	return parseGeneral(buf, h)
}

// parseGeneral is parseHead's general path: find the end of the head
// (resumably), then parse the status line and the field lines.
func parseGeneral(buf []byte, h *respHead) (n int, err error) {
	end, n, err := h.findEnd(buf)
	if err != nil || n == 0 {
		return 0, h.fail(err)
	}
	if end == 0 {
		return 0, h.fail(errHeadEmpty) // spec §8.1: a leading empty line
	}
	head := buf[:end]
	h.text, h.fields, h.hasCR, h.kinds = head, h.fields[:0], false, 0
	i, err := h.parseStatus(head)
	if err != nil {
		return 0, h.fail(err)
	}
	if err := h.parseFields(head, i); err != nil {
		return 0, h.fail(err)
	}
	return n, nil
}

// fail records err as h's sticky error and returns it.
func (h *respHead) fail(err error) error {
	h.err = err
	return err
}

// isInformational reports whether status is a 1xx interim status (RFC 9110
// §15.2). What to do with one is the caller's policy: AnyEvent skips only
// 100 and treats every other 1xx as the final, body-less response (spec
// §8.3, Appendix A Q19); the safe behaviour (Appendix B W8) skips every 1xx
// except 101.
func isInformational(status int) bool {
	return status >= 100 && status <= 199
}

// findEnd looks for the empty line that ends the block at the start of buf
// (spec §8.1): the first LF that is preceded, optionally with one CR in
// between, by another LF or by the start of buf. It returns end, the
// offset of that empty line (the block's text is buf[:end]), and n, the
// offset just past it; n == 0 means not found yet. The search resumes at
// b.scan and only looks at the first maxBytes bytes: a block that does not
// end within them is errHeadSize.
func (b *fieldBlock) findEnd(buf []byte) (end, n int, err error) {
	limit := b.byteLimit()
	search := buf[:min(len(buf), limit)]
	i := min(b.scan, len(search))
	for {
		j := bytes.IndexByte(search[i:], '\n')
		if j < 0 {
			break
		}
		i += j
		k := i
		if k > 0 && search[k-1] == '\r' {
			k--
		}
		if k == 0 || search[k-1] == '\n' {
			return k, i + 1, nil
		}
		i++
	}
	b.scan = len(search)
	if len(buf) >= limit {
		return 0, 0, errHeadSize
	}
	return 0, 0, nil
}

// parseFields parses text[i:], which must consist entirely of field
// lines each ending in LF (spec §8.4; AnyEvent's _parse_hdr):
//
//	NAME  = *( any byte but ":" and the controls 0x00-0x1F )
//	line  = NAME ":" *( SP / HT ) VALUE LF
//	VALUE = *( any byte but LF / LF followed by SP or HT )
//
// with every CR treated as absent. A line that does not fit is
// errHeaderLine. The fields' spans index text, which b keeps. This is a
// byte scanner (STYLE B3) that keeps the value search on bytes.IndexByte.
//
// Whether a value holds a CR is found without searching every value:
// when the section's CRs are exactly the ones right before the LFs that
// end its lines (one each), no value holds one; otherwise hasCR is set,
// which may be more often than needed but never too rarely.
func (b *fieldBlock) parseFields(text []byte, i int) error {
	limit := b.fieldLimit()
	b.text = text
	crs := bytes.Count(text[i:], crByte)
	lineEndCRs := 0
	for i < len(text) {
		start, cr := i, false
		for ; i < len(text); i++ {
			if c := text[i]; nameStop[c] {
				if c == ':' {
					break
				}
				if c != '\r' {
					return errHeaderLine
				}
				cr = true
			}
		}
		if i == len(text) {
			return errHeaderLine
		}
		name := spanOf(start, i)
		b.hasCR = b.hasCR || cr
		for i++; i < len(text) && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'); i++ {
		}
		value, next, ok := scanValue(text, i)
		if !ok {
			return errHeaderLine
		}
		if len(b.fields) == limit {
			return errHeaderCount
		}
		if text[next-2] == '\r' { // next-1 is the LF; the colon is before it
			lineEndCRs++
		}
		kind := classifyName(name.of(text), cr)
		b.kinds |= 1 << kind
		b.fields = append(b.fields, field{name: name, value: value, kind: kind})
		i = next
	}
	if crs != lineEndCRs {
		b.hasCR = true
	}
	return nil
}

// nameStop marks the bytes that end or interrupt a field name: the colon,
// and the controls (CR, which AnyEvent deletes, and the others, which it
// does not accept in a name).
var nameStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t[':'] = true
	return t
}()

// crByte is the separator for counting CRs.
var crByte = []byte{'\r'}

// byteLimit returns the size limit of the block.
func (b *fieldBlock) byteLimit() int {
	if b.maxBytes <= 0 {
		return DefaultMaxHeaderBytes
	}
	return b.maxBytes
}

// fieldLimit returns the field count limit of the block.
func (b *fieldBlock) fieldLimit() int {
	if b.maxFields <= 0 {
		return DefaultMaxHeaderFields
	}
	return b.maxFields
}

// name returns the name of f, a field of b.
func (b *fieldBlock) name(f field) []byte { return f.name.of(b.text) }

// value returns the value of f, a field of b.
func (b *fieldBlock) value(f field) []byte { return f.value.of(b.text) }

// has reports whether a field of kind k was parsed.
func (b *fieldBlock) has(k fieldKind) bool { return b.kinds&(1<<k) != 0 }

// scanValue returns the field value starting at text[i], which runs to the
// first LF that does not start an obsolete line fold (LF, then any CRs,
// then SP or HT; RFC 9112 §5.2), without the CRs right before that LF, and
// the offset after the LF. ok is false if text has no terminating LF.
func scanValue(text []byte, i int) (value span, next int, ok bool) {
	start := i
	for {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			return span{}, 0, false
		}
		i += j
		k := skipCR(text, i+1)
		if k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			i = k + 1 // obs-fold: the LF and the blank stay in the value
			continue
		}
		end := i
		for end > start && text[end-1] == '\r' {
			end--
		}
		return spanOf(start, end), i + 1, true
	}
}

// skipCR returns the first offset at or after i that does not hold a CR.
func skipCR(b []byte, i int) int {
	for i < len(b) && b[i] == '\r' {
		i++
	}
	return i
}

// parseStatus parses the status line at the start of head, which ends in
// LF, and returns the offset of the first field line (spec §8.2). AnyEvent
// matches, case-insensitively and after deleting CRs,
//
//	"HTTP/" 0* VERSION=[0-9.]+ WS+ STATUS=[0-9]{3} [ WS+ REASON=[^LF]* ] LF
//
// where WS is Perl's \s, which includes LF: so with no reason text the
// next line may become the reason (Appendix A Q18). In strict mode WS is
// SP/HT and the reason ends at the first LF (Appendix B W19).
func (h *respHead) parseStatus(head []byte) (int, error) {
	i, ok := h.parseVersion(head)
	if !ok {
		return 0, errStatusLine
	}
	i, ws := h.skipSpace(head, i)
	if ws == 0 {
		return 0, errStatusLine
	}
	for k := range h.statusRaw {
		i = skipCR(head, i)
		if i == len(head) || !isDigit(head[i]) {
			return 0, errStatusLine
		}
		h.statusRaw[k] = head[i]
		i++
	}
	h.status = int(h.statusRaw[0]-'0')*100 + int(h.statusRaw[1]-'0')*10 + int(h.statusRaw[2]-'0')
	return h.parseReason(head, i)
}

// parseVersion matches "HTTP/" 0* [0-9.]+ at the start of head, sets
// h.version and returns the offset after the version. The version run is
// maximal: backtracking cannot help because the separator after it is
// never a digit or a dot.
func (h *respHead) parseVersion(head []byte) (int, bool) {
	const prefix = "http/"
	i := 0
	for k := 0; k < len(prefix); k++ {
		i = skipCR(head, i)
		if i == len(head) || lowerASCII(head[i]) != prefix[k] {
			return 0, false
		}
		i++
	}
	start := skipCR(head, i)
	end := start
	for i = start; i < len(head) && (isDigit(head[i]) || head[i] == '.' || head[i] == '\r'); i++ {
		if head[i] != '\r' {
			end = i + 1
		}
	}
	if end == start {
		return 0, false
	}
	for head[start] == '0' { // 0* is greedy but must leave one character
		next := skipCR(head, start+1)
		if next >= end {
			break
		}
		start = next
	}
	h.version = spanOf(start, end)
	h.hasCR = h.hasCR || bytes.IndexByte(head[start:end], '\r') >= 0
	return i, true
}

// skipSpace skips a run of separators (CRs count as absent) and returns
// the offset after it and how many non-CR separators it held.
func (h *respHead) skipSpace(head []byte, i int) (next, count int) {
	for ; i < len(head); i++ {
		c := head[i]
		switch {
		case c == '\r':
		case c == ' ' || c == '\t' || (!h.strict && isPerlSpace(c)):
			count++
		default:
			return i, count
		}
	}
	return i, count
}

// parseReason parses what follows the status digits at head[i:] and
// returns the offset after the status line. In AnyEvent's regex the
// optional group [ WS+ REASON ] is tried first: WS+ takes the whole
// separator run, line breaks included, and REASON runs to the next LF. If
// the run reaches the end of the head (which always ends in LF), WS+ backs
// off by that final LF and REASON is "" - unless the run is that LF alone,
// in which case the group fails and the reason is nil.
func (h *respHead) parseReason(head []byte, i int) (int, error) {
	if h.strict {
		return h.parseReasonStrict(head, i)
	}
	p, ws := h.skipSpace(head, i)
	switch {
	case ws == 0:
		return 0, errStatusLine // e.g. "2000" or "200x"
	case p == len(head):
		h.reason, h.hasReason = spanOf(p, p), ws >= 2
		return p, nil
	}
	q := p + bytes.IndexByte(head[p:], '\n')
	h.setReason(head, p, q)
	return q + 1, nil
}

// parseReasonStrict is parseReason for strict mode: "HTTP/1.1 200" LF has
// no reason, otherwise SP/HT and the reason up to the line's LF.
func (h *respHead) parseReasonStrict(head []byte, i int) (int, error) {
	i = skipCR(head, i)
	if head[i] == '\n' {
		return i + 1, nil
	}
	p, ws := h.skipSpace(head, i)
	if ws == 0 {
		return 0, errStatusLine
	}
	q := p + bytes.IndexByte(head[p:], '\n')
	h.setReason(head, p, q)
	return q + 1, nil
}

// setReason stores head[p:q], without the CRs before its LF, as the
// reason.
func (h *respHead) setReason(head []byte, p, q int) {
	for q > p && head[q-1] == '\r' {
		q--
	}
	h.reason, h.hasReason = spanOf(p, q), true
	h.hasCR = h.hasCR || bytes.IndexByte(head[p:q], '\r') >= 0
}

// httpVersion returns HTTPVersion as a string, without allocating for the
// common versions.
func (h *respHead) httpVersion() string {
	v := cleanBytes(h.versionBytes(), h.hasCR)
	switch string(v) {
	case "1.1":
		return "1.1"
	case "1.0":
		return "1.0"
	}
	return string(v)
}

// reasonPhrase returns the reason phrase and whether AnyEvent's Reason is
// defined (it is nil for "HTTP/1.1 200" alone, spec §8.2).
func (h *respHead) reasonPhrase() (string, bool) {
	if !h.hasReason {
		return "", false
	}
	r := cleanBytes(h.reason.of(h.text), h.hasCR)
	switch string(r) {
	case "OK":
		return "OK", true
	case "":
		return "", true
	}
	return string(r), true
}

// versionBytes returns the HTTPVersion bytes as sent, CRs included.
func (h *respHead) versionBytes() []byte { return h.version.of(h.text) }

// statusText returns the status digits as sent, e.g. "200" or "099".
func (h *respHead) statusText() string {
	return string(h.statusRaw[:])
}

// cleanBytes returns b without its CR bytes, copying only if hasCR is set
// and b holds a CR (AnyEvent deletes every CR of a head, spec §8.2).
func cleanBytes(b []byte, hasCR bool) []byte {
	if !hasCR || bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c != '\r' {
			out = append(out, c)
		}
	}
	return out
}

// lowerASCII lower-cases an ASCII letter and returns other bytes as they
// are.
func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isPerlSpace reports whether c matches Perl's \s under the Unicode rules
// that AnyEvent's "use common::sense" (feature unicode_strings) selects:
// HT, LF, VT, FF, CR, SP, NEL (0x85) and NBSP (0xA0).
func isPerlSpace(c byte) bool {
	return (c >= '\t' && c <= '\r') || c == ' ' || c == 0x85 || c == 0xA0
}
