package httpc

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// chunkTest is one chunked body: the raw bytes and the decoding expected.
type chunkTest struct {
	name     string
	in       string
	err      error
	body     string
	trailers [][2]string // name, value with CRs deleted
}

// chunkTests are the chunked-decoding expectations of spec §10.2 and
// Appendix C.3/C.4.
var chunkTests = []chunkTest{
	{name: "T23 extensions and trailers",
		in:   "5;ext=1\r\nhello\r\n0006\r\n world\r\n0\r\nX-T: trailer\r\nX-New: n\r\n\r\n",
		body: "hello world", trailers: fieldList("X-T", "trailer", "X-New", "n")},
	{name: "T39 empty body", in: "0\r\n\r\n", body: ""},
	{name: "single chunk", in: "3\r\nabc\r\n0\r\n\r\n", body: "abc"},
	{name: "LF only", in: "3\nabc\n0\n\n", body: "abc"},
	{name: "upper-case hex", in: "A\r\n0123456789\r\n0\r\n\r\n", body: "0123456789"},
	{name: "leading zeros", in: "0000000000000000000003\r\nabc\r\n00\r\n\r\n", body: "abc"},
	{name: "Q31 garbage after size ignored", in: "3 garbage\x01\x7f\xff\r\nabc\r\n0 \r\n\r\n", body: "abc"},
	{name: "Q31 0x10 is size 0", in: "0x10\r\n\r\n", body: ""},
	{name: "CR in extension ignored", in: "3\rX\r\nabc\r\n0\r\n\r\n", body: "abc"},
	{name: "CRLF inside data", in: "4\r\n\r\n\r\n\r\n0\r\n\r\n", body: "\r\n\r\n"},
	{name: "many chunks", in: "1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n", body: "abcdef"},
	{name: "trailer fold", in: "0\r\nX: a\r\n b\r\n\r\n", trailers: fieldList("X", "a\n b")},
	{name: "trailer duplicates", in: "0\r\nA: 1\r\nA: 2\r\n\r\n", trailers: fieldList("A", "1", "A", "2")},
	{name: "trailer LF only", in: "0\nA: 1\n\n", trailers: fieldList("A", "1")},
	{name: "T35 garbled size", in: "zz\r\n", err: errChunkSize},
	{name: "leading space", in: " 3\r\nabc\r\n0\r\n\r\n", err: errChunkSize},
	{name: "empty size line", in: "\r\n", err: errChunkSize},
	{name: "bare LF size line", in: "\n", err: errChunkSize},
	{name: "T36 missing CRLF after data", in: "3\r\nabcXX\r\n", err: errChunkCRLF},
	{name: "CR CR LF after data", in: "3\r\nabc\r\r\n", err: errChunkCRLF},
	{name: "CR then garbage", in: "3\r\nabc\rX", err: errChunkCRLF},
	{name: "size overflow", in: "8000000000000000\r\n", err: errChunkOverflow},
	{name: "17 digits", in: "10000000000000000\r\n", err: errChunkOverflow},
	{name: "size line too long", in: "1;" + strings.Repeat("x", maxChunkLine) + "\r\n", err: errChunkLine},
	{name: "size digits too long", in: strings.Repeat("0", maxChunkLine+1), err: errChunkLine},
	{name: "garbled trailer", in: "0\r\nBad Trailer\r\n\r\n", err: errTrailerLine},
	{name: "trailer control in name", in: "0\r\nA\x01: 1\r\n\r\n", err: errTrailerLine},
}

// checkChunked compares a decoding with tt.
func checkChunked(t *testing.T, way string, p *chunkFeeder, tt *chunkTest) {
	t.Helper()
	if tt.err != nil {
		return
	}
	if string(p.body) != tt.body || p.d.total != int64(len(tt.body)) {
		t.Errorf("%s: body %q (total %d), want %q", way, p.body, p.d.total, tt.body)
	}
	var got [][2]string
	for _, fl := range p.d.trailer.fields {
		got = append(got, [2]string{string(cleanBytes(p.d.trailer.name(fl), true)), string(cleanBytes(p.d.trailer.value(fl), true))})
	}
	if fmt.Sprint(got) != fmt.Sprint(tt.trailers) {
		t.Errorf("%s: trailers %q, want %q", way, got, tt.trailers)
	}
}

func TestChunked(t *testing.T) {
	for i := range chunkTests {
		tt := &chunkTests[i]
		t.Run(tt.name, func(t *testing.T) {
			feedAllWays(t, func() *chunkFeeder { return &chunkFeeder{} }, []byte(tt.in), tt.err,
				func(t *testing.T, way string, p *chunkFeeder) { checkChunked(t, way, p, tt) })
		})
	}
}

// TestChunkedIncomplete covers bodies cut short: AnyEvent then fails at
// EOF with 597 "Broken pipe" (Appendix C T37); the data so far is out.
func TestChunkedIncomplete(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"5\r\nab", "ab"}, // T37
		{"5\r\nabcde", "abcde"},
		{"5\r\nabcde\r", "abcde"},
		{"5;ext", ""},
		{"0\r\nX: 1\r\n", ""},
		{"7fffffffffffffff\r\n", ""},
	} {
		var d chunkedDecoder
		buf := clipCopy([]byte(tc.in))
		out, consumed, done, err := d.decode(buf)
		if done || err != nil || string(buf[:out]) != tc.out {
			t.Errorf("%q: out %q consumed %d done %v err %v", tc.in, buf[:out], consumed, done, err)
		}
	}
}

// TestChunkedTrailerResume checks that an incomplete trailer section is
// left unconsumed and that the search resumes where it stopped.
func TestChunkedTrailerResume(t *testing.T) {
	var d chunkedDecoder
	buf := clipCopy([]byte("2\r\nok\r\n0\r\nX-A: 1\r\n"))
	out, consumed, done, err := d.decode(buf)
	if string(buf[:out]) != "ok" || consumed != 10 || done || err != nil {
		t.Fatalf("out %q consumed %d done %v err %v", buf[:out], consumed, done, err)
	}
	rest := append(append([]byte(nil), buf[consumed:]...), "X-B: 2\r\n"...)
	if _, c, done, err := d.decode(clipCopy(rest)); c != 0 || done || err != nil || d.trailer.scan != len(rest) {
		t.Fatalf("second: consumed %d done %v err %v scan %d", c, done, err, d.trailer.scan)
	}
	rest = clipCopy(append(rest, "\r\nNEXT"...))
	_, c, done, err := d.decode(rest)
	if c != len(rest)-4 || !done || err != nil || len(d.trailer.fields) != 2 {
		t.Fatalf("third: consumed %d done %v err %v fields %d", c, done, err, len(d.trailer.fields))
	}
	if _, c, done, err := d.decode(rest[c:]); c != 0 || !done || err != nil {
		t.Fatalf("after done: consumed %d done %v err %v", c, done, err)
	}
}

// TestChunkedSticky checks that errors are sticky and reset recovers.
func TestChunkedSticky(t *testing.T) {
	var d chunkedDecoder
	d.trailer.maxFields = 3
	if _, _, _, err := d.decode([]byte("x")); err != errChunkSize {
		t.Fatalf("err = %v", err)
	}
	if _, _, _, err := d.decode([]byte("0\r\n\r\n")); err != errChunkSize {
		t.Fatalf("not sticky: %v", err)
	}
	d.reset()
	if _, _, done, err := d.decode([]byte("0\r\n\r\n")); !done || err != nil || d.trailer.maxFields != 3 {
		t.Fatalf("after reset: done %v err %v max %d", done, err, d.trailer.maxFields)
	}
}

// TestChunkedLimits checks the trailer limits and the overhead ratio.
func TestChunkedLimits(t *testing.T) {
	var d chunkedDecoder
	d.trailer.maxBytes = 16
	if _, _, _, err := d.decode([]byte("0\r\nX-Long: 0123456789\r\n\r\n")); err != errTrailerSize {
		t.Errorf("trailer size: %v", err)
	}
	d = chunkedDecoder{}
	d.trailer.maxFields = 1
	if _, _, _, err := d.decode([]byte("0\r\nA: 1\r\nB: 2\r\n\r\n")); err != errTrailerCount {
		t.Errorf("trailer count: %v", err)
	}
	// 1-byte chunks with a 20-byte extension: 27 bytes of framing per byte.
	padded := strings.Repeat("1;"+strings.Repeat("e", 20)+"\r\nx\r\n", chunkOverheadFloor/20)
	d = chunkedDecoder{}
	if _, _, _, err := d.decode([]byte(padded)); err != errChunkOverhead {
		t.Errorf("padded chunks: %v", err)
	}
	// Plain 1-byte chunks stay below the ratio.
	plain := strings.Repeat("1\r\nx\r\n", chunkOverheadFloor) + "0\r\n\r\n"
	d = chunkedDecoder{}
	if _, _, done, err := d.decode([]byte(plain)); !done || err != nil {
		t.Errorf("1-byte chunks: done %v err %v", done, err)
	}
}

// encodeChunked frames data as a chunked body, cutting it at the given
// sizes (cycled; 0 is skipped), with an extension on every size line and
// the trailer section given.
func encodeChunked(data []byte, sizes []int, ext, trailers string) []byte {
	var b bytes.Buffer
	for k := 0; len(data) > 0; k++ {
		n := len(data)
		if len(sizes) > 0 {
			n = min(max(sizes[k%len(sizes)], 1), len(data))
		}
		fmt.Fprintf(&b, "%x%s\r\n", n, ext)
		b.Write(data[:n])
		b.WriteString("\r\n")
		data = data[n:]
	}
	b.WriteString("0" + ext + "\r\n" + trailers + "\r\n")
	return b.Bytes()
}

// typicalChunked is a 64 KiB body in 4 KiB chunks.
var typicalChunked = encodeChunked(bytes.Repeat([]byte("0123456789abcdef"), 4096), []int{4096}, "", "")

func TestChunkedAllocs(t *testing.T) {
	work := make([]byte, len(typicalChunked))
	var d chunkedDecoder
	allocs := testing.AllocsPerRun(1000, func() {
		copy(work, typicalChunked)
		d.reset()
		if out, n, done, err := d.decode(work); out != 64<<10 || n != len(work) || !done || err != nil {
			t.Fatalf("out %d n %d done %v err %v", out, n, done, err)
		}
	})
	if allocs != 0 {
		t.Errorf("decode allocates %.1f times per body, want 0", allocs)
	}
}

func BenchmarkChunked(b *testing.B) {
	work := make([]byte, len(typicalChunked))
	var d chunkedDecoder
	b.ReportAllocs()
	b.SetBytes(int64(len(typicalChunked)))
	for b.Loop() {
		copy(work, typicalChunked)
		d.reset()
		if _, _, done, err := d.decode(work); !done || err != nil {
			b.Fatal(done, err)
		}
	}
}
