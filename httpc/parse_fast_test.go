package httpc

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestParseRegularTaken: the heads real servers send take the one-pass
// path, and the heads that use spec §8's liberties are left to the
// general path.
func TestParseRegularTaken(t *testing.T) {
	regular := []string{
		typicalHead,
		"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 03:47:50 GMT\r\n" +
			"Content-Type: text/plain\r\nContent-Length: 12\r\nConnection: keep-alive\r\n\r\n",
		"HTTP/1.0 404 Not Found\r\n\r\n",
		"HTTP/2.0 204 x\r\nX-Empty:\r\nX-Spaces:   v  \r\n: no name\r\n\r\n",
	}
	for _, in := range regular {
		var h respHead
		if n := h.parseRegular([]byte(in + "body")); n != len(in) {
			t.Errorf("%q: one-pass length %d, want %d", in, n, len(in))
		}
	}
	irregular := []string{
		"HTTP/1.1 200 OK\nX: 1\n\n",              // bare LF
		"HTTP/1.1 200 OK\r\nX: 1\n\r\n",          // one bare LF
		"HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n",  // folding
		"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",     // CR in a value
		"HTTP/1.1 200 OK\r\nX\r: 1\r\n\r\n",      // CR in a name
		"HTTP/1.1 200 OK\r\nX\x01: 1\r\n\r\n",    // control in a name
		"HTTP/1.1 200 OK\r\nX: 1\r\r\n\r\n",      // two CRs end a line
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",    // garbled
		"HTTP/1.1 200\r\nX: 1\r\n\r\n",           // no reason (Q18)
		"HTTP/1.1 200  OK\r\n\r\n",               // reason after a run of blanks
		"HTTP/1.1 200 \xa0OK\r\n\r\n",            // reason after NBSP
		"HTTP/01.1 200 OK\r\n\r\n",               // leading zero
		"HTTP/0.9 200 OK\r\n\r\n",                // version 0.9 is ".9"
		"HTTP/1.10 200 OK\r\n\r\n",               // long version
		"http/1.1 200 OK\r\n\r\n",                // lower case
		"HTTP/1.1  200 OK\r\n\r\n",               // two blanks
		"HTTP/1.1 200 OK\r\n",                    // incomplete
		"HTTP/1.1 200 OK\r\nX: 1\r\n",            // incomplete after a field
		"\r\nHTTP/1.1 200 OK\r\n\r\n",            // leading empty line
		"HTTP/1.1 200 OK\r\nX: 1\r\n\r",          // incomplete empty line
		"HTTP/1.1 200 OK\r\n\rX: 1\r\n\r\n",      // CR starts a line
		"HTTP/1.1 200 OK\r\nX: 1\r\n\t\r\n\r\n",  // fold with only a tab
		"HTTP/1.1 200 O\rK\r\n\r\n",              // CR in the reason
		"HTTP/1.1 2x0 OK\r\n\r\n",                // not a status
		"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\n",  // bare LF ends the head
		"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r ", // not an empty line
	}
	for _, in := range irregular {
		var h respHead
		if n := h.parseRegular([]byte(in)); n != 0 {
			t.Errorf("%q: taken by the one-pass path (%d)", in, n)
		}
	}
	var h respHead
	h.maxFields = 1
	if n := h.parseRegular([]byte("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n")); n != 0 {
		t.Error("field limit: taken by the one-pass path")
	}
	h = respHead{}
	h.maxBytes = 20
	if n := h.parseRegular([]byte("HTTP/1.1 200 OK\r\nA: 1\r\n\r\n")); n != 0 {
		t.Error("size limit: taken by the one-pass path")
	}
}

// TestParseRegularAgrees: for every head test the one-pass path takes,
// the general path gives the same head, field kinds and hasCR.
func TestParseRegularAgrees(t *testing.T) {
	taken := 0
	for _, tt := range headTests {
		in := []byte(tt.in + "next")
		var fast respHead
		n := fast.parseRegular(in)
		if n == 0 {
			continue
		}
		taken++
		general := respHead{strict: tt.strict}
		m, err := parseGeneral(in, &general)
		if got, want := regularSummary(&fast, n, nil), regularSummary(&general, m, err); got != want {
			t.Errorf("%s:\none-pass %s\ngeneral  %s", tt.name, got, want)
		}
	}
	if taken == 0 {
		t.Error("no head test took the one-pass path")
	}
}

// regularSummary is headSummary plus what only the code sees: kinds and
// hasCR.
func regularSummary(h *respHead, n int, err error) string {
	s := headSummary(h, n, err) + fmt.Sprintf(" kinds=%b hasCR=%v", h.kinds, h.hasCR)
	for _, f := range h.fields {
		s += fmt.Sprintf(" %d", f.kind)
	}
	return s
}

// TestNameEnd compares the word-at-a-time search with a byte loop, for
// every byte value at every position of lines short and long, with and
// without a colon after it.
func TestNameEnd(t *testing.T) {
	slow := func(b []byte) int {
		for i, c := range b {
			switch {
			case c == ':':
				return i
			case c < 0x20:
				return -1
			}
		}
		return -1
	}
	for _, size := range []int{1, 7, 8, 9, 15, 16, 17, 24} {
		for _, colonAt := range []int{-1, 0, size / 2, size - 1} {
			for pos := range size {
				for c := range 256 {
					b := make([]byte, size)
					for i := range b {
						b[i] = 'a'
					}
					if colonAt >= 0 {
						b[colonAt] = ':'
					}
					b[pos] = byte(c)
					if got, want := nameEnd(b), slow(b); got != want {
						t.Fatalf("%q: %d, want %d", b, got, want)
					}
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(0x18 + r.IntN(0xe8)) // mostly above the controls
			if r.IntN(16) == 0 {
				b[i] = ':'
			}
		}
		if got, want := nameEnd(b), slow(b); got != want {
			t.Fatalf("%q: %d, want %d", b, got, want)
		}
	}
}
