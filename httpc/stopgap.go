package httpc

// Stop-gap parsers. The pure parsers of this package (parse.go, chunked.go,
// framing.go, url.go, headers.go) are being written separately; until they
// land, the client core uses these minimal versions behind the same small
// internal shapes (target, headInfo, scanHead, chunkScanner), so switching
// is local to this file.

import (
	"bytes"
	"net/url"
	"strings"
)

// target is a parsed request URL (spec §3).
type target struct {
	scheme    string // "http" or "https"
	authority string // raw authority, userinfo and case kept (Referer)
	host      string // lower-cased host, IPv6 brackets kept (Host header)
	connHost  string // host without brackets: connect, slots, pool, cookies
	port      string // as written, or the scheme's default
	portNum   int
	explicit  bool   // the URL had a port
	path      string // path plus query, with a leading "/"
}

// parseTarget splits raw as AnyEvent::HTTP does; err is errScheme or
// errUnparsable.
func parseTarget(raw string) (t target, err error) {
	i := strings.IndexByte(raw, ':')
	if i <= 0 {
		return t, errScheme
	}
	t.scheme = strings.ToLower(raw[:i])
	if t.scheme != "http" && t.scheme != "https" {
		return t, errScheme
	}
	rest := raw[i+1:]
	if !strings.HasPrefix(rest, "//") {
		return t, errUnparsable
	}
	rest = rest[2:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	t.authority = rest[:end]
	rest = rest[end:]
	if j := strings.IndexByte(rest, '#'); j >= 0 {
		rest = rest[:j]
	}
	t.path = rest
	if !strings.HasPrefix(t.path, "/") {
		t.path = "/" + t.path
	}
	if !t.splitAuthority() {
		return t, errUnparsable
	}
	return t, nil
}

func (t *target) splitAuthority() bool {
	hp := t.authority
	if j := strings.LastIndexByte(hp, '@'); j >= 0 {
		hp = hp[j+1:]
	}
	t.port, t.portNum = "80", 80
	if t.scheme == "https" {
		t.port, t.portNum = "443", 443
	}
	if j := strings.LastIndexByte(hp, ':'); j > 0 && j < len(hp)-1 && allDigits(hp[j+1:]) {
		t.port, t.explicit = hp[j+1:], true
		t.portNum = atoiSat(t.port)
		hp = hp[:j]
	}
	if hp == "" {
		return false
	}
	t.host = strings.ToLower(hp)
	t.connHost = t.host
	if len(hp) > 1 && hp[0] == '[' && hp[len(hp)-1] == ']' {
		t.connHost = t.host[1 : len(t.host)-1]
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoiSat parses decimal digits, saturating instead of overflowing.
func atoiSat(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n > 1<<40 {
			return 1 << 40
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// headInfo describes a response head found by scanHead, as offsets into
// the buffer it was found in.
type headInfo struct {
	n                 int // bytes up to and including the empty line
	verStart, verEnd  int
	status            int
	reasonStart       int
	reasonEnd         int
	hasReason         bool
	lines             int   // offset of the first header line
	contentLength     int64 // -1: none
	chunked           bool
	connClose, connKA bool
	location          bool // a Location header is present
}

// scanHead looks for a complete head at the start of buf, searching for
// its end from offset from (bytes before it were scanned already; B7.5).
// It returns h.n == 0 and no error while the head is incomplete.
func scanHead(buf []byte, from int) (h headInfo, err error) {
	end := headEnd(buf, from)
	if end == 0 {
		return h, nil
	}
	h.n, h.contentLength = end, -1
	line, rest := nextLine(buf[:end], 0)
	if err := h.statusLine(buf[:line]); err != nil {
		return h, err
	}
	h.lines = rest
	for pos := rest; pos < end; {
		le, next := nextLine(buf[:end], pos)
		if le == pos {
			break
		}
		if err := h.headerLine(buf[pos:le]); err != nil {
			return h, err
		}
		pos = next
	}
	return h, nil
}

// headEnd returns the length of the head including its terminating empty
// line, or 0 if there is none yet.
func headEnd(buf []byte, from int) int {
	for i := from; i < len(buf); i++ {
		if buf[i] != '\n' {
			continue
		}
		j := i
		if j > 0 && buf[j-1] == '\r' {
			j--
		}
		if j == 0 || buf[j-1] == '\n' {
			return i + 1
		}
	}
	return 0
}

// nextLine returns the end of the line at pos (before CR LF) and the
// start of the next one.
func nextLine(buf []byte, pos int) (end, next int) {
	i := bytes.IndexByte(buf[pos:], '\n')
	if i < 0 {
		return len(buf), len(buf)
	}
	end, next = pos+i, pos+i+1
	if end > pos && buf[end-1] == '\r' {
		end--
	}
	return end, next
}

func (h *headInfo) statusLine(l []byte) error {
	if len(l) < 12 || !bytes.EqualFold(l[:5], []byte("HTTP/")) {
		return errInvalidResp
	}
	i := 5
	h.verStart = i
	for i < len(l) && (l[i] == '.' || (l[i] >= '0' && l[i] <= '9')) {
		i++
	}
	h.verEnd = i
	if h.verEnd == h.verStart || i >= len(l) || l[i] != ' ' {
		return errInvalidResp
	}
	for i < len(l) && l[i] == ' ' {
		i++
	}
	if i+3 > len(l) || !allDigits(string(l[i:i+3])) {
		return errInvalidResp
	}
	h.status = atoiSat(string(l[i : i+3]))
	i += 3
	for i < len(l) && l[i] == ' ' {
		i++
		h.hasReason = true
	}
	h.reasonStart, h.reasonEnd = i, len(l)
	h.hasReason = h.hasReason || i < len(l)
	return nil
}

func (h *headInfo) headerLine(l []byte) error {
	if len(l) > 0 && (l[0] == ' ' || l[0] == '\t') {
		return nil // continuation
	}
	c := bytes.IndexByte(l, ':')
	if c < 0 {
		return errGarbledHeaders
	}
	name, value := l[:c], bytes.TrimLeft(l[c+1:], " \t")
	switch {
	case bytes.EqualFold(name, []byte("content-length")):
		if h.contentLength < 0 {
			h.contentLength = int64(atoiSat(string(bytes.TrimSpace(value))))
		}
	case bytes.EqualFold(name, []byte("transfer-encoding")):
		h.chunked = h.chunked || hasToken(value, "chunked")
	case bytes.EqualFold(name, []byte("location")):
		h.location = true
	case bytes.EqualFold(name, []byte("connection")):
		h.connClose = h.connClose || hasToken(value, "close")
		h.connKA = h.connKA || hasToken(value, "keep-alive") || hasToken(value, "keepalive")
	}
	return nil
}

// hasToken reports whether tok occurs in v as a word, case-insensitively.
func hasToken(v []byte, tok string) bool {
	for i := 0; i+len(tok) <= len(v); i++ {
		if !bytes.EqualFold(v[i:i+len(tok)], []byte(tok)) {
			continue
		}
		if (i == 0 || !isWord(v[i-1])) && (i+len(tok) == len(v) || !isWord(v[i+len(tok)])) {
			return true
		}
	}
	return false
}

func isWord(b byte) bool {
	return b == '_' || (b >= '0' && b <= '9') || (b|0x20 >= 'a' && b|0x20 <= 'z')
}

// chunkScanner decodes a chunked body incrementally (spec §10.2).
type chunkScanner struct {
	state  uint8 // chunkSize, chunkData, chunkDataLF, chunkTrailer
	remain int64
	total  int64
}

const (
	chunkSize uint8 = iota
	chunkData
	chunkDataLF
	chunkTrailer
)

// step consumes framing from buf. It returns a data piece (a view into
// buf), the bytes consumed, whether the body (with trailers) is complete,
// and an error; consumed == 0 with no data and no error means "need more".
// With done, data is the trailer section instead (empty line included).
func (s *chunkScanner) step(buf []byte) (data []byte, consumed int, done bool, err error) {
	switch s.state {
	case chunkData:
		n := int(min(s.remain, int64(len(buf))))
		s.remain -= int64(n)
		if s.remain == 0 {
			s.state = chunkDataLF
		}
		return buf[:n], n, false, nil
	case chunkDataLF:
		return s.dataLF(buf)
	case chunkTrailer:
		if end := headEnd(buf, 0); end > 0 {
			return buf[:end], end, true, nil // the trailer section
		}
		return nil, 0, false, nil
	}
	return s.sizeLine(buf)
}

func (s *chunkScanner) sizeLine(buf []byte) ([]byte, int, bool, error) {
	i := bytes.IndexByte(buf, '\n')
	if i < 0 {
		return nil, 0, false, nil
	}
	var size int64
	j := 0
	for ; j < i && unhex(buf[j]) >= 0; j++ {
		if size > 1<<50 {
			return nil, 0, false, errGarbledChunked
		}
		size = size<<4 | int64(unhex(buf[j]))
	}
	if j == 0 {
		return nil, 0, false, errGarbledChunked
	}
	s.total += size
	s.remain, s.state = size, chunkData
	if size == 0 {
		s.state = chunkTrailer
	}
	return nil, i + 1, false, nil
}

func (s *chunkScanner) dataLF(buf []byte) ([]byte, int, bool, error) {
	switch {
	case len(buf) >= 1 && buf[0] == '\n':
		s.state = chunkSize
		return nil, 1, false, nil
	case len(buf) >= 2 && buf[0] == '\r' && buf[1] == '\n':
		s.state = chunkSize
		return nil, 2, false, nil
	case len(buf) == 0 || (len(buf) == 1 && buf[0] == '\r'):
		return nil, 0, false, nil
	}
	return nil, 0, false, errGarbledChunked
}

func unhex(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b - '0')
	case b|0x20 >= 'a' && b|0x20 <= 'f':
		return int(b|0x20-'a') + 10
	}
	return -1
}

// normalizeLocation makes a Location value absolute as AnyEvent::HTTP does
// (spec §9.1) against the hop's URL raw and its parts t. Relative
// references starting with ".", "?" or "#" get RFC 3986 resolution (the
// behaviour with Perl's URI module present).
func normalizeLocation(loc string, t *target, raw string) (string, error) {
	switch {
	case strings.HasPrefix(loc, "//"):
		return t.scheme + ":" + loc, nil
	case loc == "":
		return raw, nil
	case hasScheme(loc):
		return loc, nil
	}
	if rest, ok := strings.CutPrefix(loc, "./"); ok {
		loc = strings.TrimLeft(rest, "/")
	}
	switch {
	case loc != "" && (loc[0] == '.' || loc[0] == '?' || loc[0] == '#'):
		base, err := url.Parse(raw)
		if err != nil {
			return "", errLocation
		}
		ref, err := url.Parse(loc)
		if err != nil {
			return "", errLocation
		}
		return base.ResolveReference(ref).String(), nil
	case strings.HasPrefix(loc, "/"):
		return t.scheme + "://" + t.authority + loc, nil
	}
	base := t.scheme + "://" + t.authority + t.path
	return base[:strings.LastIndexByte(base, '/')] + "/" + loc, nil
}

// hasScheme reports whether s starts with one or more bytes other than
// ":/?#" followed by ":".
func hasScheme(s string) bool {
	i := strings.IndexAny(s, ":/?#")
	return i > 0 && s[i] == ':'
}
