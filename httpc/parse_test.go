package httpc

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// headTest is one response head: the raw bytes and the parse expected.
type headTest struct {
	name     string
	in       string
	strict   bool  // W19 strict status line
	err      error // expected error (then only version is checked)
	version  string
	status   int
	reason   string
	noReason bool        // AnyEvent's Reason is nil
	fields   [][2]string // name, value with CRs deleted
}

// fieldList builds an expected field list from name, value pairs.
func fieldList(kv ...string) [][2]string {
	var out [][2]string
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, [2]string{kv[i], kv[i+1]})
	}
	return out
}

// headTests are the head-parsing expectations of spec §8 and Appendix C.3.
var headTests = []headTest{
	{name: "simple", in: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("Content-Length", "2")},
	{name: "T01 folded and duplicate",
		in:      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nX-Fold: a\r\n  b\r\nX-Trail: v  \r\n\r\n",
		version: "1.1", status: 200, reason: "OK",
		fields: fieldList("Content-Length", "5", "X-A", "1", "x-a", "2", "X-Fold", "a\n  b", "X-Trail", "v  ")},
	{name: "T16 reason-less swallows first header",
		in:      "HTTP/1.1 200\r\nX-First: y\r\nContent-Length: 2\r\n\r\n",
		version: "1.1", status: 200, reason: "X-First: y", fields: fieldList("Content-Length", "2")},
	{name: "T16 strict", strict: true,
		in:      "HTTP/1.1 200\r\nX-First: y\r\nContent-Length: 2\r\n\r\n",
		version: "1.1", status: 200, noReason: true, fields: fieldList("X-First", "y", "Content-Length", "2")},
	{name: "T17 reason-less no headers", in: "HTTP/1.1 200\r\n\r\n",
		version: "1.1", status: 200, noReason: true},
	{name: "reason-less trailing space", in: "HTTP/1.1 200 \r\n\r\n",
		version: "1.1", status: 200, reason: ""},
	{name: "trailing space swallows header", in: "HTTP/1.1 200 \r\nX: y\r\n\r\n",
		version: "1.1", status: 200, reason: "X: y"},
	{name: "strict trailing space", strict: true, in: "HTTP/1.1 200 \r\nX: y\r\n\r\n",
		version: "1.1", status: 200, reason: "", fields: fieldList("X", "y")},
	{name: "T18 version and reason whitespace",
		in:      "http/01.1   404   Not  Found  \r\nContent-Length: 0\r\n\r\n",
		version: "1.1", status: 404, reason: "Not  Found  ", fields: fieldList("Content-Length", "0")},
	{name: "version 0.9", in: "HTTP/0.9 200 OK\n\n", version: ".9", status: 200, reason: "OK"},
	{name: "version 2", in: "HTTP/2 200 OK\n\n", version: "2", status: 200, reason: "OK"},
	{name: "version 10.0", in: "HTTP/10.0 200 OK\n\n", version: "10.0", status: 200, reason: "OK"},
	{name: "version 000", in: "HTTP/000 200 OK\n\n", version: "0", status: 200, reason: "OK"},
	{name: "version dots", in: "HTTP/1..1 099 x\n\n", version: "1..1", status: 99, reason: "x"},
	{name: "status split over lines", in: "HTTP/1.1\r\n200 OK\r\n\r\n",
		version: "1.1", status: 200, reason: "OK"},
	{name: "strict rejects split status", strict: true, in: "HTTP/1.1\r\n200 OK\r\n\r\n",
		err: errStatusLine},
	{name: "LF only", in: "HTTP/1.0 301 Moved\nLocation: /x\n\n",
		version: "1.0", status: 301, reason: "Moved", fields: fieldList("Location", "/x")},
	{name: "tab separators", in: "HTTP/1.1\t200\tOK\r\n\r\n", version: "1.1", status: 200, reason: "OK"},
	{name: "NBSP is Perl whitespace", in: "HTTP/1.1\xa0200\x85OK\r\n\r\n", version: "1.1", status: 200, reason: "OK"},
	{name: "strict NBSP", strict: true, in: "HTTP/1.1\xa0200 OK\r\n\r\n", err: errStatusLine},
	{name: "Q16 CRs deleted everywhere",
		in:      "\rHT\rTP/1.\r1 2\r00 O\rK\r\nX-\rA: a\rb\r\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("X-A", "ab")},
	// Only a value holds a CR; every other CR ends a line (parseFields
	// counts CRs instead of searching each value).
	{name: "CR inside one value", in: "HTTP/1.1 200 OK\r\nA: 1\r\nB: x\ry\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("A", "1", "B", "xy")},
	{name: "two CRs end a line", in: "HTTP/1.1 200 OK\r\nA: 1\r\r\nB: 2\n\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("A", "1", "B", "2")},
	{name: "T19 non-HTTP reply", in: "garbage\r\n\r\n", err: errStatusLine},
	{name: "T20 leading blank line", in: "\r\n", err: errHeadEmpty},
	{name: "leading LF", in: "\n", err: errHeadEmpty},
	{name: "no status digits", in: "HTTP/1.1 OK\r\n\r\n", err: errStatusLine},
	{name: "four digits", in: "HTTP/1.1 2000 OK\r\n\r\n", err: errStatusLine},
	{name: "status glued to reason", in: "HTTP/1.1 200OK\r\n\r\n", err: errStatusLine},
	{name: "no version", in: "HTTP/ 200 OK\r\n\r\n", err: errStatusLine},
	{name: "no separator", in: "HTTP/1.1200 OK\r\n\r\n", err: errStatusLine},
	{name: "ICY", in: "ICY 200 OK\r\n\r\n", err: errStatusLine},
	{name: "T21 garbled header line", in: "HTTP/1.1 200 OK\r\nBad Header Line\r\n\r\n",
		err: errHeaderLine, version: "1.1"},
	{name: "T22 name oddities", in: "HTTP/1.1 200 OK\r\n X: y\r\nX : y\r\n: v\r\nA:b\r\nA:\r\nA: c\r\n\r\n",
		version: "1.1", status: 200, reason: "OK",
		fields: fieldList(" X", "y", "X ", "y", "", "v", "A", "b", "A", "", "A", "c")},
	{name: "T22 fold with tab", in: "HTTP/1.1 200 OK\r\nA: 1\r\n\tcont\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("A", "1\n\tcont")},
	{name: "T22 control in name", in: "HTTP/1.1 200 OK\r\nX\x01Y: 1\r\n\r\n", err: errHeaderLine, version: "1.1"},
	{name: "T22 control in value", in: "HTTP/1.1 200 OK\r\nX: x\x01y\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("X", "x\x01y")},
	{name: "8-bit and DEL in name", in: "HTTP/1.1 200 OK\r\nX\xc4\x7f: 1\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("X\xc4\x7f", "1")},
	{name: "value leading blanks", in: "HTTP/1.1 200 OK\r\nX: \t v \t\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("X", "v \t")},
	{name: "empty value then fold", in: "HTTP/1.1 200 OK\r\nX:\r\n b\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("X", "\n b")},
	{name: "colon in value", in: "HTTP/1.1 200 OK\r\nLocation: http://h:1/x\r\n\r\n",
		version: "1.1", status: 200, reason: "OK", fields: fieldList("Location", "http://h:1/x")},
	{name: "space-only line", in: "HTTP/1.1 200 OK\r\n \r\nX: y\r\n\r\n", err: errHeaderLine, version: "1.1"},
	{name: "extra CR makes an empty line inside", in: "HTTP/1.1 200 OK\r\nA: 1\n\r\r\nB: 2\r\n\r\n",
		err: errHeaderLine, version: "1.1"},
	{name: "T23 100 Continue head", in: "HTTP/1.1 100 Continue\r\nX-Ignored: 1\r\n\r\n",
		version: "1.1", status: 100, reason: "Continue", fields: fieldList("X-Ignored", "1")},
	{name: "T24 103 head", in: "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
		version: "1.1", status: 103, reason: "Early Hints", fields: fieldList("Link", "</a>")},
	{name: "status 000", in: "HTTP/1.1 000 Zero\r\n\r\n", version: "1.1", status: 0, reason: "Zero"},
	{name: "reason with 8-bit and controls", in: "HTTP/1.1 200 \xe9t\xe9\x01\r\n\r\n",
		version: "1.1", status: 200, reason: "\xe9t\xe9\x01"},
}

// checkHead compares a parsed head with tt.
func checkHead(t *testing.T, way string, h *respHead, tt *headTest) {
	t.Helper()
	if got := h.httpVersion(); tt.version != "" && got != tt.version {
		t.Errorf("%s: version %q, want %q", way, got, tt.version)
	}
	if tt.err != nil {
		return
	}
	reason, has := h.reasonPhrase()
	if h.status != tt.status || reason != tt.reason || has == tt.noReason {
		t.Errorf("%s: status %d reason %q (%v), want %d %q (%v)", way, h.status, reason, has, tt.status, tt.reason, !tt.noReason)
	}
	if want := fmt.Sprintf("%03d", tt.status); h.statusText() != want {
		t.Errorf("%s: status text %q, want %q", way, h.statusText(), want)
	}
	var got [][2]string
	for _, fl := range h.fields {
		got = append(got, [2]string{string(cleanBytes(h.name(fl), h.hasCR)), string(cleanBytes(h.value(fl), h.hasCR))})
	}
	if fmt.Sprint(got) != fmt.Sprint(tt.fields) {
		t.Errorf("%s: fields\n got %q\nwant %q", way, got, tt.fields)
	}
}

func TestParseHead(t *testing.T) {
	for i := range headTests {
		tt := &headTests[i]
		t.Run(tt.name, func(t *testing.T) {
			newP := func() *headFeeder { return &headFeeder{h: respHead{strict: tt.strict}} }
			feedAllWays(t, newP, []byte(tt.in), tt.err, func(t *testing.T, way string, p *headFeeder) {
				checkHead(t, way, &p.h, tt)
			})
		})
	}
}

// TestParseHeadIncomplete covers inputs that never complete: AnyEvent then
// fails at EOF with 596 "Broken pipe" (Appendix C T26, T27).
func TestParseHeadIncomplete(t *testing.T) {
	for _, in := range []string{
		"hello",                           // T26 HTTP/0.9-style
		"HTTP/1.1 200 OK\r\nX: partial",   // T27
		"HTTP/1.1 200 OK\r\nX: y\r\n\r",   // CR of the empty line only
		"HTTP/1.1 200 OK\r\nX: y\r\r\n\r", // CR CR LF is no empty line
		"", "\r",
	} {
		var h respHead
		for range 2 { // a second call resumes and still finds nothing
			if n, err := parseHead(clipCopy([]byte(in)), &h); n != 0 || err != nil {
				t.Errorf("%q: n=%d err=%v, want incomplete", in, n, err)
			}
		}
	}
}

// TestParseHeadInterim parses a 100 Continue, then the final head after it
// in the same buffer, as the core does (Appendix C T23).
func TestParseHeadInterim(t *testing.T) {
	buf := clipCopy([]byte("HTTP/1.1 100 Continue\r\nX-Ignored: 1\r\n\r\nHTTP/1.1 200 OK\r\nX-T: head\r\n\r\nbody"))
	var h respHead
	n, err := parseHead(buf, &h)
	if err != nil || n != 39 || !isInformational(h.status) || h.status != 100 {
		t.Fatalf("interim: n=%d err=%v status=%d", n, err, h.status)
	}
	h.reset()
	m, err := parseHead(buf[n:], &h)
	if err != nil || h.status != 200 || len(h.fields) != 1 || string(buf[n+m:]) != "body" {
		t.Fatalf("final: n=%d err=%v status=%d fields=%d", m, err, h.status, len(h.fields))
	}
	if isInformational(200) || isInformational(99) || !isInformational(199) {
		t.Error("isInformational")
	}
}

// TestParseHeadSticky checks that an error is returned again (STYLE B5.4)
// and that reset clears it but keeps the configuration.
func TestParseHeadSticky(t *testing.T) {
	h := respHead{strict: true}
	h.maxFields = 7
	if _, err := parseHead([]byte("nope\r\n\r\n"), &h); err != errStatusLine {
		t.Fatalf("err = %v", err)
	}
	if _, err := parseHead([]byte("HTTP/1.1 200 OK\r\n\r\n"), &h); err != errStatusLine {
		t.Fatalf("not sticky: %v", err)
	}
	h.reset()
	if n, err := parseHead([]byte("HTTP/1.1 200 OK\r\n\r\n"), &h); n == 0 || err != nil || !h.strict || h.maxFields != 7 {
		t.Fatalf("after reset: n=%d err=%v strict=%v max=%d", n, err, h.strict, h.maxFields)
	}
}

// TestParseHeadLimits checks the W9 limits: head size and field count.
func TestParseHeadLimits(t *testing.T) {
	big := "HTTP/1.1 200 OK\r\nX: " + strings.Repeat("a", DefaultMaxHeaderBytes) + "\r\n\r\n"
	var h respHead
	if _, err := parseHead([]byte(big), &h); err != errHeadSize {
		t.Errorf("big head: err = %v", err)
	}
	h = respHead{}
	h.maxBytes = 32
	head := "HTTP/1.1 200 OK\r\nX: 123456789\r\n\r\n" // 33 bytes
	if _, err := parseHead([]byte(head[:32]), &h); err != errHeadSize {
		t.Errorf("limit reached without end: err = %v", err)
	}
	h = respHead{}
	h.maxBytes = 33
	if n, err := parseHead([]byte(head), &h); n != 33 || err != nil {
		t.Errorf("head of exactly the limit: n=%d err=%v", n, err)
	}
	many := "HTTP/1.1 200 OK\r\n" + strings.Repeat("X: 1\r\n", DefaultMaxHeaderFields+1) + "\r\n"
	h = respHead{}
	if _, err := parseHead([]byte(many), &h); err != errHeaderCount {
		t.Errorf("many fields: err = %v", err)
	}
	h = respHead{}
	h.maxFields = 2
	if _, err := parseHead([]byte("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n"), &h); err != nil {
		t.Errorf("fields at the limit: %v", err)
	}
}

// TestParseHeadResumeLinear feeds a large head one byte at a time and
// checks that the total search work stays linear (B7.5), by counting how
// far the resume offset moves backwards (it never does).
func TestParseHeadResumeLinear(t *testing.T) {
	head := []byte("HTTP/1.1 200 OK\r\n" + strings.Repeat("X-Long: "+strings.Repeat("v", 100)+"\r\n", 200) + "\r\n")
	var h respHead
	last := 0
	for i := 1; i <= len(head); i++ {
		n, err := parseHead(head[:i:i], &h)
		if err != nil || (n != 0) != (i == len(head)) {
			t.Fatalf("byte %d: n=%d err=%v", i, n, err)
		}
		if n == 0 && h.scan != i {
			t.Fatalf("byte %d: scan offset %d, want %d", i, h.scan, i)
		}
		if h.scan < last {
			t.Fatalf("scan went back from %d to %d", last, h.scan)
		}
		last = h.scan
	}
}

func TestParseHeadAllocs(t *testing.T) {
	buf := []byte(typicalHead)
	var h respHead
	allocs := testing.AllocsPerRun(1000, func() {
		h.reset()
		if n, err := parseHead(buf, &h); n != len(buf) || err != nil {
			t.Fatalf("n=%d err=%v", n, err)
		}
		_ = h.httpVersion()
		_, _ = h.reasonPhrase()
	})
	if allocs != 0 {
		t.Errorf("parseHead allocates %.1f times per head, want 0", allocs)
	}
}

// typicalHead is a realistic response head for the benchmark and the
// allocation test.
const typicalHead = "HTTP/1.1 200 OK\r\n" +
	"Date: Mon, 23 Nov 2026 20:00:00 GMT\r\n" +
	"Server: nginx/1.27.0\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n" +
	"Content-Length: 12345\r\n" +
	"Connection: keep-alive\r\n" +
	"Cache-Control: private, max-age=0\r\n" +
	"Set-Cookie: session=0123456789abcdef; Path=/; HttpOnly; Secure\r\n" +
	"Vary: Accept-Encoding\r\n" +
	"ETag: \"5f1a-6421b2c3d4e5f\"\r\n" +
	"X-Request-Id: 7d3c1e2f-9a8b-4c5d-8e7f-0a1b2c3d4e5f\r\n" +
	"\r\n"

func BenchmarkParseHead(b *testing.B) {
	buf := []byte(typicalHead)
	var h respHead
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		h.reset()
		if n, err := parseHead(buf, &h); n == 0 || err != nil {
			b.Fatal(n, err)
		}
	}
}

// TestParseErrorText checks that every error is prefixed and has a
// reason and an AnyEvent status.
func TestParseErrorText(t *testing.T) {
	for _, e := range []*parseError{
		errHeadEmpty, errStatusLine, errHeaderLine, errHeadSize, errHeaderCount,
		errChunkSize, errChunkCRLF, errChunkLine, errChunkOverflow, errChunkOverhead,
		errTrailerLine, errTrailerSize, errTrailerCount, errContentLength, errLengthMismatch,
		errURLScheme, errURLSyntax, errLocationNoURI,
	} {
		if !strings.HasPrefix(e.Error(), "httpc: ") || e.reason() == "" || (e.status() != 597 && e.status() != 599) {
			t.Errorf("%q: reason %q status %d", e.Error(), e.reason(), e.status())
		}
	}
	if !bytes.Equal(cleanBytes([]byte("a\rb\r"), true), []byte("ab")) {
		t.Error("cleanBytes")
	}
}

// TestClassifyNameBytes compares the word-at-a-time comparison with
// nameIs for every name that differs from a known one in one byte (any
// byte but the controls, which the parsers reject before classifying).
func TestClassifyNameBytes(t *testing.T) {
	for k := fieldConnection; k <= fieldLocation; k++ {
		for _, base := range []string{k.name(), strings.ToUpper(k.name())} {
			for pos := range len(base) {
				for c := 0x20; c < 0x100; c++ {
					name := []byte(base)
					name[pos] = byte(c)
					if got, want := classifyName(name, false), slowKind(name); got != want {
						t.Fatalf("%q: kind %d, want %d", name, got, want)
					}
				}
			}
		}
	}
}

func TestClassifyName(t *testing.T) {
	for _, tt := range []struct {
		line string
		want fieldKind
	}{
		{"Content-Length: 1", fieldContentLength},
		{"CONTENT-LENGTH: 1", fieldContentLength},
		{"Content\r-Length: 1", fieldContentLength},
		{"Content-Lengths: 1", fieldOther},
		{"Content-Lengt: 1", fieldOther},
		{"connection: close", fieldConnection},
		{"Transfer-Encoding: chunked", fieldTransferEncoding},
		{"LOCATION: /x", fieldLocation},
		{"Locatio\rn: /x", fieldLocation},
		{"Locat1on: /x", fieldOther},
		{" Location: /x", fieldOther},
		{"Date: x", fieldOther},
	} {
		var h respHead
		if _, err := parseHead([]byte("HTTP/1.1 200 OK\r\n"+tt.line+"\r\n\r\n"), &h); err != nil {
			t.Fatalf("%q: %v", tt.line, err)
		}
		if k := h.fields[0].kind; k != tt.want || !h.has(tt.want) {
			t.Errorf("%q: kind %d, want %d", tt.line, k, tt.want)
		}
	}
}
