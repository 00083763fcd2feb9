package httpc

import (
	"bytes"
	"testing"

	"github.com/anyevent-go/anyevent/internal/fuzzseed"
)

// incremental is a parser under test that is fed the bytes it has not
// consumed yet, followed by new ones (STYLE B9.2). feed returns how many
// bytes of in it consumed, whether the message is complete, and an error.
// Results (a parsed head, a decoded body) stay in the implementation for
// the check function.
type incremental interface {
	feed(in []byte) (consumed int, done bool, err error)
}

// trailingBytes follow the input in the third feeding; the parser must
// leave them unconsumed and unchanged.
const trailingBytes = "HTTP/1.1 200 OK\r\nNEXT"

// feedAllWays runs a fresh parser from newP over input three ways (h11's
// tr(), pico's at-once/per-byte tests) and calls check after each:
//
//  1. whole: input at once; a valid input must be complete and consumed;
//  2. one byte at a time: every call before the last byte must report
//     "incomplete" without error, the last one completion (a valid input)
//     or the whole-input error (an invalid one; it may come earlier but
//     never after a completion);
//  3. with trailing bytes: input+trailingBytes at once must complete with
//     exactly len(input) consumed and the trailing bytes untouched.
//
// Every buffer is passed as in[:n:n] and is a fresh copy, so an append to
// the input reallocates and stale views into old buffers are caught by the
// race-free copy (STYLE B9.3). wantErr is the error the whole-input run
// must return (nil for valid inputs).
func feedAllWays[P incremental](t *testing.T, newP func() P, input []byte, wantErr error, check func(t *testing.T, way string, p P)) {
	t.Helper()
	p := newP()
	n, done, err := p.feed(clipCopy(input))
	if err != wantErr {
		t.Fatalf("whole: err = %v, want %v", err, wantErr)
	}
	if err == nil && (!done || n != len(input)) {
		t.Fatalf("whole: consumed %d of %d, done %v", n, len(input), done)
	}
	check(t, "whole", p)
	feedPerByte(t, newP(), input, wantErr, check)
	if wantErr != nil {
		return
	}
	p = newP()
	in := clipCopy(append(append([]byte(nil), input...), trailingBytes...))
	n, done, err = p.feed(in)
	if err != nil || !done || n != len(input) {
		t.Fatalf("trailing: consumed %d of %d, done %v, err %v", n, len(input), done, err)
	}
	if string(in[n:]) != trailingBytes {
		t.Fatalf("trailing bytes changed: %q", in[n:])
	}
	check(t, "trailing", p)
}

// feedPerByte is feeding 2 of feedAllWays.
func feedPerByte[P incremental](t *testing.T, p P, input []byte, wantErr error, check func(t *testing.T, way string, p P)) {
	t.Helper()
	var pending []byte
	for i, c := range input {
		pending = append(pending, c)
		n, done, err := p.feed(clipCopy(pending))
		last := i == len(input)-1
		switch {
		case err != nil:
			if err != wantErr {
				t.Fatalf("per-byte: byte %d: err = %v, want %v", i, err, wantErr)
			}
			check(t, "per-byte", p)
			return
		case done && !last:
			t.Fatalf("per-byte: complete after byte %d of %d", i, len(input))
		case !done && last && wantErr == nil:
			t.Fatalf("per-byte: incomplete after the last byte")
		case done && n != len(pending):
			t.Fatalf("per-byte: consumed %d of %d at the end", n, len(pending))
		}
		pending = pending[n:]
	}
	if wantErr != nil {
		t.Fatalf("per-byte: no error, want %v", wantErr)
	}
	check(t, "per-byte", p)
}

// clipCopy returns a fresh copy of b with cap == len.
func clipCopy(b []byte) []byte {
	c := make([]byte, len(b))
	copy(c, b)
	return c[:len(c):len(c)]
}

// headFeeder adapts parseHead to incremental.
type headFeeder struct {
	h respHead
}

// feed calls parseHead; a head is consumed only once complete.
func (f *headFeeder) feed(in []byte) (int, bool, error) {
	n, err := parseHead(in, &f.h)
	return n, n > 0, err
}

// chunkFeeder adapts chunkedDecoder to incremental and collects the body.
type chunkFeeder struct {
	d    chunkedDecoder
	body []byte
}

// feed calls decode and keeps the data it compacted to the front of in.
func (f *chunkFeeder) feed(in []byte) (int, bool, error) {
	out, consumed, done, err := f.d.decode(in)
	if out > consumed || consumed > len(in) {
		return 0, false, errBadCounts
	}
	f.body = append(f.body, in[:out]...)
	return consumed, done, err
}

// errBadCounts reports a decode call that returned impossible counts.
var errBadCounts = &parseError{"httpc: test: decode returned out > consumed", "", 0}

// TestFeedAllWaysSelf checks that the helper itself catches a parser that
// completes early or eats trailing bytes.
func TestFeedAllWaysSelf(t *testing.T) {
	in := []byte("HTTP/1.1 200 OK\r\n\r\n")
	feedAllWays(t, func() *headFeeder { return &headFeeder{} }, in, nil,
		func(t *testing.T, way string, f *headFeeder) {
			if f.h.status != 200 || !bytes.Equal(f.h.reason.of(f.h.text), []byte("OK")) {
				t.Errorf("%s: status %d reason %q", way, f.h.status, f.h.reason.of(f.h.text))
			}
		})
}

// headSeed and chunkSeed are seed inputs of FuzzParseHead and FuzzChunked.
type headSeed struct {
	data   []byte
	strict bool
}

type chunkSeed struct {
	raw, body []byte
	size      uint16
}

// parseHeadSeeds returns the head-table inputs, and the responses of
// responseSeeds.
func parseHeadSeeds() []headSeed {
	var out []headSeed
	for _, tt := range headTests {
		out = append(out, headSeed{[]byte(tt.in), tt.strict})
	}
	for _, s := range responseSeeds() {
		out = append(out, headSeed{s, false})
	}
	return out
}

// chunkedSeeds returns the chunked-table inputs with a few body shapes.
func chunkedSeeds() []chunkSeed {
	var out []chunkSeed
	for i, tt := range chunkTests {
		out = append(out, chunkSeed{[]byte(tt.in), []byte(tt.body), uint16(i)})
	}
	return append(out, chunkSeed{nil, bytes.Repeat([]byte("0123456789"), 100), 33})
}

// responseSeeds returns whole responses: heads of the head table followed
// by bodies of each framing.
func responseSeeds() [][]byte {
	out := [][]byte{
		[]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
		[]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"),
		[]byte("HTTP/1.0 200 OK\r\nX: 1\r\n\r\nuntil close"),
		[]byte("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"),
		[]byte("HTTP/1.1 200 OK\r\nContent-Length: 10, 10\r\n\r\n0123456789"),
		[]byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"),
		[]byte("HTTP/1.1 200 OK\r\nPragma: no-cache\r\n\r\n"),
	}
	for _, ct := range chunkTests {
		out = append(out, []byte("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+ct.in))
	}
	return out
}

// TestSeedCorpus keeps testdata/fuzz/FuzzXxx/seed-* equal to the seeds the
// targets add from the tables (STYLE B9.4). Run "go test ./httpc -run
// TestSeedCorpus -update-corpus" after changing a table. Files not named
// seed-* (past crashers) are left alone.
func TestSeedCorpus(t *testing.T) {
	var ph, ch, ul, lc, rs [][]any
	for _, s := range parseHeadSeeds() {
		ph = append(ph, []any{s.data, s.strict})
	}
	for _, s := range chunkedSeeds() {
		ch = append(ch, []any{s.raw, s.body, s.size})
	}
	for _, tt := range urlTests {
		ul = append(ul, []any{tt.in})
	}
	for _, tt := range locationTests {
		lc = append(lc, []any{tt.base, tt.loc})
	}
	for _, s := range responseSeeds() {
		rs = append(rs, []any{s})
	}
	fuzzseed.Sync(t, "./httpc", "FuzzParseHead", ph)
	fuzzseed.Sync(t, "./httpc", "FuzzChunked", ch)
	fuzzseed.Sync(t, "./httpc", "FuzzURL", ul)
	fuzzseed.Sync(t, "./httpc", "FuzzLocation", lc)
	fuzzseed.Sync(t, "./httpc", "FuzzResponse", rs)
}
