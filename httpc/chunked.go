package httpc

// Chunked transfer coding decoder (RFC 9112 §7.1, spec §10.2).
//
// Theory of operation. The decoder is a byte-level state machine in the
// shape of picohttpparser's phr_decode_chunked: the caller hands it its
// read buffer, the decoder moves the chunk data to the front of that
// buffer in place and says how much input it consumed. It keeps all state
// between calls except for the trailer section, whose bytes it leaves
// unconsumed until the section is complete (they are parsed with the head
// parser's field scanner and returned as views).
//
// It accepts what AnyEvent::HTTP accepts: a chunk-size line is a run of
// hex digits followed by anything up to LF (extensions, spaces, garbage);
// chunk data ends in CRLF or LF. Unlike AnyEvent, which reads a whole line
// and then checks it, it fails at the first byte that cannot fit, so a
// peer that sends garbage and then stalls gets "Garbled chunked transfer
// encoding" instead of a timeout. It adds the limits AnyEvent lacks
// (Appendix B W9): the length of a size line, the size of a chunk
// (int64), the trailer section, and the ratio of framing to data.
//
// States, in stream order (pico's names, STYLE B2.5). There is no state
// for the LF of a size line: a CR before it is ignored like any other byte
// after the digits.
//
//	chunkSize    hex digits of a size; the first byte must be one
//	chunkExt     the rest of the size line, up to and including LF
//	chunkData    the chunk's data bytes
//	chunkDataCR  CR or LF after the data
//	chunkDataLF  LF after that CR
//	chunkTrailer the trailer section after the last chunk, up to an empty line
//	chunkDone    the body is complete

import (
	"bytes"
	"math"
)

// chunkState is the position of a chunkedDecoder in the chunked stream.
type chunkState uint8

const (
	chunkSize chunkState = iota
	chunkExt
	chunkData
	chunkDataCR
	chunkDataLF
	chunkTrailer
	chunkDone
)

// Chunked body errors (spec §12.3): AnyEvent status 597, reason "Garbled
// chunked transfer encoding" or "Garbled response trailers", and the
// limits of Appendix B W9.
var (
	errChunkSize     = &parseError{"httpc: chunk-size line does not start with a hex digit", "Garbled chunked transfer encoding", 597}
	errChunkCRLF     = &parseError{"httpc: chunk data not followed by CRLF", "Garbled chunked transfer encoding", 597}
	errChunkLine     = &parseError{"httpc: chunk-size line too long", "Garbled chunked transfer encoding", 597}
	errChunkOverflow = &parseError{"httpc: chunk size overflows int64", "Garbled chunked transfer encoding", 597}
	errChunkOverhead = &parseError{"httpc: chunked framing overhead too high", "Garbled chunked transfer encoding", 597}
	errTrailerLine   = &parseError{"httpc: malformed trailer line", "Garbled response trailers", 597}
	errTrailerSize   = &parseError{"httpc: trailer section exceeds the size limit", "Response trailers too large", 597}
	errTrailerCount  = &parseError{"httpc: too many trailer fields", "Too many response trailers", 597}
)

// chunkedDecoder decodes one chunked body. The zero value is ready; use
// reset to decode another body with the same decoder. It is owned by the
// connection reading the body.
type chunkedDecoder struct {
	state chunkState
	left  int64 // chunkSize: the size read so far; chunkData: bytes left
	hex   int   // hex digits on the current size line
	line  int   // bytes of the current size line so far

	// total counts the data bytes decoded so far; after the body it is
	// the length AnyEvent stores as content-length (setChunkedLength).
	total int64
	// overhead counts framing bytes: size lines, CRLFs, the trailers.
	overhead int64

	// whole, when positive, makes decode hand out one chunk at a time:
	// it returns at the end of each chunk's data, and leaves the data of
	// a chunk of at most whole bytes unconsumed until all of it is in the
	// buffer (AnyEvent calls on_body once per chunk, spec §10.2). A larger
	// chunk comes in pieces as it arrives, so memory stays bounded.
	whole int64

	// trailer holds the trailer fields once decode reported done (spec
	// §10.2 step 3; merge them with mergeTrailers). Its views point into
	// the buffer of the decode call that returned done, after the data
	// that call compacted, and are valid until the caller reuses those
	// bytes. Set trailer.maxBytes and trailer.maxFields to change the
	// limits (DefaultMaxHeaderBytes, DefaultMaxHeaderFields).
	trailer fieldBlock

	err error // sticky error (STYLE B5.4)
}

// reset prepares d for the next body, keeping the capacity of its trailer
// slice and its limits.
func (d *chunkedDecoder) reset() {
	*d = chunkedDecoder{whole: d.whole, trailer: fieldBlock{
		fields:    d.trailer.fields[:0],
		maxBytes:  d.trailer.maxBytes,
		maxFields: d.trailer.maxFields,
	}}
}

// decode decodes the chunked bytes at the start of buf, moving the chunk
// data they contain to buf[:out], in place. consumed is how many bytes of
// buf were used; buf[consumed:] must be passed again, followed by new
// bytes, on the next call. consumed is less than len(buf) only when the
// body ended (done; the rest belongs to the next response), when a
// trailer section has started but is incomplete (its bytes are kept
// unconsumed and rescanned from where the last search stopped, so feeding
// byte by byte stays O(n)), or, with whole set, at the end of a chunk's
// data and before the data of a chunk that is not all there yet (pass
// buf[consumed:] again at once in the first case).
//
// "Need more data" is done == false with a nil error; out may still be
// positive. With an error, buf[:out] still holds the data decoded before
// the offending byte (AnyEvent delivers those chunks to on_body before it
// fails) and consumed counts the bytes before that byte. Once done, the trailer fields are in d.trailer and further
// calls return done and consume nothing. Errors are sticky *parseError
// values with AnyEvent status 597. decode never allocates unless the
// trailer fields slice must grow.
//
// This is the state machine's one switch over bytes (STYLE B3 allows a
// scanner to be longer than 60 lines; this one stays short by handing the
// multi-byte states to helpers).
func (d *chunkedDecoder) decode(buf []byte) (out, consumed int, done bool, err error) {
	if d.err != nil {
		return 0, 0, false, d.err
	}
	i := 0
	for i < len(buf) {
		switch d.state {
		case chunkData:
			avail := int64(len(buf) - i)
			if d.left > avail && d.left <= d.whole {
				return out, i, false, nil // a whole chunk or nothing
			}
			k := int(min(d.left, avail))
			if out != i {
				copy(buf[out:], buf[i:i+k])
			}
			out, i = out+k, i+k
			d.left -= int64(k)
			d.total += int64(k)
			if d.left == 0 {
				d.state = chunkDataCR
				if d.whole > 0 {
					return out, i, false, nil // one chunk per call
				}
			}
		case chunkSize:
			i, err = d.scanSize(buf, i)
		case chunkExt:
			i, err = d.scanExt(buf, i)
		case chunkDataCR, chunkDataLF:
			if err = d.dataEnd(buf[i]); err == nil {
				i++
			}
		case chunkTrailer:
			n, terr := d.scanTrailer(buf[i:])
			if terr != nil || n == 0 {
				return out, i, false, d.fail(terr)
			}
			d.state = chunkDone
			return out, i + n, true, nil
		case chunkDone:
			return out, i, true, nil
		}
		if err != nil {
			return out, i, false, d.fail(err)
		}
	}
	return out, i, d.state == chunkDone, nil
}

// fail records err as d's sticky error and returns it.
func (d *chunkedDecoder) fail(err error) error {
	d.err = err
	return err
}

// scanSize reads hex digits of a chunk size from buf[i:] (spec §10.2 step
// 1: the line must start with a hex digit; the maximal run of them is the
// size, leading zeros allowed) and returns the offset after them.
func (d *chunkedDecoder) scanSize(buf []byte, i int) (int, error) {
	for ; i < len(buf); i++ {
		v := unhexDigit(buf[i])
		if v < 0 {
			if d.hex == 0 {
				return i, errChunkSize
			}
			d.state = chunkExt
			return i, nil
		}
		if d.left > math.MaxInt64>>4 {
			return i, errChunkOverflow
		}
		d.left = d.left<<4 | int64(v)
		d.hex++
		if d.line++; d.line > maxChunkLine {
			return i, errChunkLine
		}
	}
	return i, nil
}

// scanExt skips the rest of a size line (chunk extensions or whatever
// else AnyEvent ignores) up to its LF and returns the offset after it.
func (d *chunkedDecoder) scanExt(buf []byte, i int) (int, error) {
	j := bytes.IndexByte(buf[i:], '\n')
	n := j + 1
	if j < 0 {
		n = len(buf) - i
	}
	if d.line+n > maxChunkLine {
		return i + maxChunkLine - d.line, errChunkLine
	}
	if d.line += n; j < 0 {
		return len(buf), nil
	}
	i += n
	d.overhead += int64(d.line)
	d.line, d.hex = 0, 0
	if d.overhead > chunkOverheadFloor && d.overhead/chunkOverheadRatio > d.total {
		return i, errChunkOverhead
	}
	if d.left > 0 {
		d.state = chunkData
	} else {
		d.state = chunkTrailer // the last chunk (RFC 9112 §7.1)
	}
	return i, nil
}

// dataEnd checks one byte of the line break after chunk data: an empty
// line, CRLF or LF (spec §10.2 step 2).
func (d *chunkedDecoder) dataEnd(c byte) error {
	d.overhead++
	switch {
	case c == '\n':
		d.state = chunkSize
	case c == '\r' && d.state == chunkDataCR:
		d.state = chunkDataLF
	default:
		return errChunkCRLF
	}
	return nil
}

// scanTrailer looks for the end of the trailer section at the start of
// buf (spec §10.2 step 3: up to an empty line by the §8.1 rule, so a CRLF
// right after the last chunk ends it at once) and parses its field lines
// like header lines. It returns the section's length including the empty
// line, or 0 while it is incomplete.
func (d *chunkedDecoder) scanTrailer(buf []byte) (int, error) {
	end, n, err := d.trailer.findEnd(buf)
	if err != nil {
		return 0, errTrailerSize
	}
	if n == 0 {
		return 0, nil
	}
	d.trailer.fields, d.trailer.hasCR, d.trailer.kinds = d.trailer.fields[:0], false, 0
	switch d.trailer.parseFields(buf[:end], 0) {
	case nil:
	case errHeaderCount:
		return 0, errTrailerCount
	default:
		return 0, errTrailerLine
	}
	d.overhead += int64(n)
	return n, nil
}

// unhexDigit returns the value of the hex digit c, or -1.
func unhexDigit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
