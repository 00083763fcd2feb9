package httpc

// The one-pass parser for regular heads.
//
// Almost every server sends a head that uses none of the liberties spec §8
// grants: a status line "HTTP/d.d ddd reason", field lines "name: value"
// ending in CRLF, no CR anywhere else, no folding. parseRegular parses
// such a head in one pass over its bytes, finding each line end once,
// where the general path searches every line twice (for the end of the
// head, then for the field) and treats every byte as possibly CR.
//
// It gives up at the first byte it does not expect and leaves the head to
// the general path, which then parses it from the start; so it may only
// ever accept a head the general path parses to the same result. The head
// tests feed every head whole (this path) and byte by byte (the general
// path, which resumes its search) and compare, and so does FuzzParseHead.

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// parseRegular parses a complete regular head at the start of buf (see
// above) and returns its length, or 0 when buf holds no such head within
// the size limit or it has more fields than allowed: the general path
// then decides, and reports any error. h must be freshly reset.
func (h *respHead) parseRegular(buf []byte) int {
	maxFields := h.fieldLimit()
	buf = buf[:min(len(buf), h.byteLimit())]
	i, ok := h.regularStatus(buf)
	if !ok {
		return 0
	}
	fields, kinds := h.fields[:0], uint8(0) // kept in h only on success
	lines := 1
	for {
		rest := buf[i:]
		if len(rest) >= 2 && rest[0] == '\r' && rest[1] == '\n' {
			// The empty line; every CR must have ended a line.
			if bytes.Count(buf[:i], crByte) != lines {
				return 0
			}
			h.text, h.fields, h.kinds = buf[:i], fields, kinds
			return i + 2
		}
		colon := nameEnd(rest)
		if colon < 0 || len(fields) == maxFields {
			return 0 // a control byte before any colon (CR, LF), over a limit
		}
		lf := colon + bytes.IndexByte(rest[colon:], '\n')
		if lf < colon || rest[lf-1] != '\r' || lf+1 == len(rest) || rest[lf+1] == ' ' || rest[lf+1] == '\t' {
			return 0 // incomplete, bare LF, unknown next line, folding
		}
		line := rest[:lf-1]
		v := colon + 1
		for v < len(line) && (line[v] == ' ' || line[v] == '\t') {
			v++
		}
		kind := classifyPlain(line[:colon])
		kinds |= 1 << (kind & 7)
		fields = append(fields, field{name: spanOf(i, i+colon), value: spanOf(i+v, i+len(line)), kind: kind})
		lines++
		i += lf + 1
	}
}

// regularStatus parses a status line "HTTP/" DIGIT "." DIGIT SP 3DIGIT SP
// reason CRLF whose version does not start with 0 and whose reason does
// not start with white space, and returns the offset after it.
func (h *respHead) regularStatus(buf []byte) (int, bool) {
	const shortest = len("HTTP/1.1 200 x\r\n")
	if len(buf) < shortest || string(buf[:5]) != "HTTP/" || buf[5] < '1' || buf[5] > '9' || buf[6] != '.' ||
		!isDigit(buf[7]) || buf[8] != ' ' || !isDigit(buf[9]) || !isDigit(buf[10]) || !isDigit(buf[11]) ||
		buf[12] != ' ' || buf[13] == '\r' || buf[13] == '\n' || isPerlSpace(buf[13]) {
		return 0, false
	}
	j := bytes.IndexByte(buf[13:], '\n')
	if j < 0 {
		return 0, false
	}
	lf := 13 + j
	if buf[lf-1] != '\r' {
		return 0, false
	}
	h.version = spanOf(5, 8)
	h.statusRaw = [3]byte{buf[9], buf[10], buf[11]}
	h.status = int(buf[9]-'0')*100 + int(buf[10]-'0')*10 + int(buf[11]-'0')
	h.reason, h.hasReason = spanOf(13, lf-1), true
	return lf + 1, true
}

// nameEnd returns the offset of the colon that ends the field name at
// the start of b, or -1 when a control byte (CR and LF included) comes
// first or b ends before a colon. It looks at eight bytes at a time: in
// each word it marks the colons and the bytes below 0x20 exactly (no
// carry crosses a byte: every sum stays below 0x100) and takes the first
// mark.
func nameEnd(b []byte) int {
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		y := x ^ (':' * ones)
		colons := ^(((y & lows) + lows) | y) & highs
		controls := ^(((x & lows) + 0x60*ones) | x) & highs
		if m := colons | controls; m != 0 {
			k := i + bits.TrailingZeros64(m)/8
			if b[k] != ':' {
				return -1
			}
			return k
		}
	}
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == ':':
			return i
		case c < 0x20:
			return -1
		}
	}
	return -1
}
