package httpc

import (
	"math"
	"testing"
)

// framingTest is one framing decision, safe (framing) and AnyEvent
// (framingCompat); the body-less statuses are the same in both.
type framingTest struct {
	name    string
	method  string
	status  int
	fields  string // field lines, each ending in CRLF
	kind    bodyKind
	length  int64
	err     error
	compat  bodyKind // framingCompat's kind
	clen    int64    // framingCompat's length
	cerr    error
	ambig   bool // ambiguousFraming
	version string
}

// framingTests encode RFC 9112 §6.3 and spec §10.1 (Appendix C T28-T39).
var framingTests = []framingTest{
	{name: "T32 until close", method: "GET", status: 200, fields: "X: 1\r\n",
		kind: bodyKindUntilClose, compat: bodyKindUntilClose},
	{name: "T30 length", method: "GET", status: 200, fields: "Content-Length: 10\r\n",
		kind: bodyKindFixed, length: 10, compat: bodyKindFixed, clen: 10},
	{name: "length zero", method: "GET", status: 200, fields: "Content-Length: 0\r\n"},
	{name: "T28 non-numeric length", method: "GET", status: 200, fields: "Content-Length: abc\r\n",
		err: errContentLength},
	{name: "Q25 0x10", method: "GET", status: 200, fields: "Content-Length: 0x10\r\n", err: errContentLength},
	{name: "Q25 spaces around 0", method: "GET", status: 200, fields: "Content-Length:  0 \r\n"},
	{name: "5abc", method: "GET", status: 200, fields: "Content-Length: 5abc\r\n",
		err: errContentLength, compat: bodyKindFixed, clen: 5},
	{name: "1e2", method: "GET", status: 200, fields: "Content-Length: 1e2\r\n",
		err: errContentLength, compat: bodyKindFixed, clen: 100},
	{name: "plus sign", method: "GET", status: 200, fields: "Content-Length: +5\r\n",
		err: errContentLength, compat: bodyKindFixed, clen: 5},
	{name: "negative", method: "GET", status: 200, fields: "Content-Length: -1\r\n",
		err: errContentLength, cerr: errContentLength},
	{name: "fraction", method: "GET", status: 200, fields: "Content-Length: 5.5\r\n",
		err: errContentLength, cerr: errContentLength},
	{name: "empty", method: "GET", status: 200, fields: "Content-Length: \r\n", err: errContentLength},
	{name: "overflow", method: "GET", status: 200, fields: "Content-Length: 9223372036854775808\r\n",
		err: errContentLength, cerr: errContentLength},
	{name: "max int64", method: "GET", status: 200, fields: "Content-Length: 9223372036854775807\r\n",
		kind: bodyKindFixed, length: math.MaxInt64, cerr: errContentLength},
	{name: "list of equal values", method: "GET", status: 200, fields: "Content-Length: 10, 10\r\n",
		kind: bodyKindFixed, length: 10, compat: bodyKindFixed, clen: 10},
	{name: "duplicate equal fields", method: "GET", status: 200, fields: "Content-Length: 7\r\nContent-Length: 7\r\n",
		kind: bodyKindFixed, length: 7, compat: bodyKindFixed, clen: 7},
	{name: "W8 conflicting fields", method: "GET", status: 200, fields: "Content-Length: 7\r\nContent-Length: 8\r\n",
		err: errLengthMismatch, compat: bodyKindFixed, clen: 7},
	{name: "W8 conflicting list", method: "GET", status: 200, fields: "Content-Length: 7, 8\r\n",
		err: errLengthMismatch, compat: bodyKindFixed, clen: 7},
	{name: "trailing comma", method: "GET", status: 200, fields: "Content-Length: 7,\r\n",
		err: errContentLength, compat: bodyKindFixed, clen: 7},
	{name: "T29 204 with length", method: "GET", status: 204, fields: "Content-Length: 5\r\n"},
	{name: "T29 HEAD with length", method: "HEAD", status: 200, fields: "Content-Length: 5\r\n"},
	{name: "head lower-case", method: "head", status: 200, fields: "Transfer-Encoding: chunked\r\n"},
	{name: "T29 304 with length", method: "GET", status: 304, fields: "Content-Length: 5\r\n"},
	{name: "T24 103", method: "GET", status: 103, fields: "Link: </a>\r\n"},
	{name: "101", method: "GET", status: 101, fields: "Upgrade: websocket\r\n"},
	{name: "HEAD with bad length", method: "HEAD", status: 200, fields: "Content-Length: abc\r\n"},
	{name: "205 without framing", method: "GET", status: 205, fields: ""},
	{name: "205 with length", method: "GET", status: 205, fields: "Content-Length: 3\r\n",
		kind: bodyKindFixed, length: 3},
	{name: "205 chunked", method: "GET", status: 205, fields: "Transfer-Encoding: chunked\r\n",
		kind: bodyKindChunked},
	{name: "T35 chunked", method: "GET", status: 200, fields: "Transfer-Encoding: chunked\r\n",
		kind: bodyKindChunked, compat: bodyKindChunked},
	{name: "T23 gzip, Chunked", method: "GET", status: 200, fields: "Transfer-Encoding: gzip, Chunked\r\n",
		kind: bodyKindChunked, compat: bodyKindChunked},
	{name: "chunked then gzip", method: "GET", status: 200, fields: "Transfer-Encoding: chunked, gzip\r\n",
		kind: bodyKindUntilClose, compat: bodyKindChunked},
	{name: "two TE fields", method: "GET", status: 200, fields: "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
		kind: bodyKindChunked, compat: bodyKindChunked},
	{name: "chunked-x", method: "GET", status: 200, fields: "Transfer-Encoding: chunked-x\r\n",
		kind: bodyKindUntilClose, compat: bodyKindChunked},
	{name: "xchunked", method: "GET", status: 200, fields: "Transfer-Encoding: xchunked\r\n",
		kind: bodyKindUntilClose, compat: bodyKindUntilClose},
	{name: "identity with length", method: "GET", status: 200, fields: "Transfer-Encoding: identity\r\nContent-Length: 3\r\n",
		kind: bodyKindUntilClose, compat: bodyKindFixed, clen: 3, ambig: true},
	{name: "empty TE with length", method: "GET", status: 200, fields: "Transfer-Encoding: , \r\nContent-Length: 3\r\n",
		kind: bodyKindFixed, length: 3, compat: bodyKindFixed, clen: 3},
	{name: "chunked wins over length", method: "GET", status: 200,
		fields: "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
		kind:   bodyKindChunked, compat: bodyKindChunked, ambig: true},
	{name: "chunked wins over bad length", method: "GET", status: 200,
		fields: "Content-Length: abc\r\nTransfer-Encoding: chunked\r\n",
		kind:   bodyKindChunked, compat: bodyKindChunked, ambig: true},
	{name: "HTTP/1.0 chunked", method: "GET", status: 200, fields: "Transfer-Encoding: chunked\r\n",
		version: "1.0", kind: bodyKindChunked, compat: bodyKindChunked, ambig: true},
	{name: "odd names are not Content-Length", method: "GET", status: 200,
		fields: "Content-Length : 5\r\n Content-Length: 5\r\n",
		kind:   bodyKindUntilClose, compat: bodyKindUntilClose},
	{name: "CR inside the name", method: "GET", status: 200, fields: "Content-\rLength: 4\r\n",
		kind: bodyKindFixed, length: 4, compat: bodyKindFixed, clen: 4},
	{name: "POST redirected to GET", method: "GET", status: 302, fields: "Location: /x\r\nContent-Length: 3\r\n",
		kind: bodyKindFixed, length: 3, compat: bodyKindFixed, clen: 3},
}

func TestFraming(t *testing.T) {
	for _, tt := range framingTests {
		t.Run(tt.name, func(t *testing.T) {
			v := tt.version
			if v == "" {
				v = "1.1"
			}
			h := mustParseHead(t, "HTTP/"+v+" "+statusDigits(tt.status)+" X\r\n"+tt.fields+"\r\n")
			kind, n, err := framing(tt.method, tt.status, h)
			if kind != tt.kind || n != tt.length || err != tt.err {
				t.Errorf("framing = %v %d %v, want %v %d %v", kind, n, err, tt.kind, tt.length, tt.err)
			}
			kind, n, err = framingCompat(tt.method, tt.status, h)
			if kind != tt.compat || n != tt.clen || err != tt.cerr {
				t.Errorf("framingCompat = %v %d %v, want %v %d %v", kind, n, err, tt.compat, tt.clen, tt.cerr)
			}
			if got := ambiguousFraming(h); got != tt.ambig {
				t.Errorf("ambiguousFraming = %v", got)
			}
		})
	}
}

// statusDigits formats a status as three digits.
func statusDigits(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func TestPerlNum(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
	}{
		{"abc", 0}, {"0x10", 0}, {"10, 10", 10}, {"1e2", 100}, {"5abc", 5}, {" \t\n12", 12},
		{"-3", -3}, {"+4", 4}, {".5", 0.5}, {"5.", 5}, {".", 0}, {"-", 0}, {"1e", 1}, {"1e+", 1},
		{"2E-1", 0.2}, {"", 0}, {"1e999", math.Inf(1)}, {"1.5e1x", 15},
	} {
		if got := perlNum([]byte(tc.in)); got != tc.want {
			t.Errorf("perlNum(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBodyKindString(t *testing.T) {
	for k, want := range map[bodyKind]string{bodyKindNone: "None", bodyKindFixed: "Fixed",
		bodyKindChunked: "Chunked", bodyKindUntilClose: "UntilClose", 9: "bodyKind(9)"} {
		if k.String() != want {
			t.Errorf("%d: %q", k, k.String())
		}
	}
}

// TestConnectionVote: the Connection rule of spec §5.7 for one value,
// below HTTP/1.1 and from 1.1 on, including the values the rule
// short-cuts.
func TestConnectionVote(t *testing.T) {
	for _, tt := range []struct {
		v           string
		below, from bool // keep below 1.1, keep from 1.1 on
	}{
		{"keep-alive", true, true},
		{"Keep-Alive", true, true},
		{"close", false, false},
		{"CLOSE", false, false},
		{"keepalive", true, true},
		{"keep-alive, close", true, false},
		{"close, keep-alive", true, false},
		{"xclose", false, true},
		{"close-x", false, false}, // Perl word boundary: "-" is not a word byte
		{"keep-alive ", true, true},
		{"", false, true},
		{"upgrade", false, true},
	} {
		if got := connectionVote([]byte(tt.v), true); got != tt.below {
			t.Errorf("%q below 1.1: keep %v, want %v", tt.v, got, tt.below)
		}
		if got := connectionVote([]byte(tt.v), false); got != tt.from {
			t.Errorf("%q from 1.1: keep %v, want %v", tt.v, got, tt.from)
		}
	}
}

// TestIsKeepAlive compares the folded-word check with equalFoldASCII for
// every value that differs from "keep-alive" in one byte.
func TestIsKeepAlive(t *testing.T) {
	for _, base := range []string{"keep-alive", "KEEP-ALIVE"} {
		for pos := range len(base) {
			for c := range 256 {
				v := []byte(base)
				v[pos] = byte(c)
				if got, want := isKeepAlive(v), equalFoldASCII(v, "keep-alive"); got != want {
					t.Fatalf("%q: %v, want %v", v, got, want)
				}
			}
		}
	}
	for _, v := range []string{"", "keep-aliv", "keep-alive ", "keep-alive,"} {
		if isKeepAlive([]byte(v)) {
			t.Errorf("%q: keep-alive", v)
		}
	}
}
