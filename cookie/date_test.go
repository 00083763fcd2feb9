package cookie

import (
	"testing"
	"time"
)

// dateTests are parse_date cases: spec Appendix C.11 (T75) and edge cases.
// ok false means parse_date returns nil.
var dateTests = []struct {
	in   string
	want int64
	ok   bool
}{
	// T75
	{"Sun, 06 Nov 1994 08:49:37 GMT", 784111777, true},
	{"Sunday, 06-Nov-94 08:49:37 GMT", 784111777, true},
	{"Sun Nov  6 08:49:37 1994", 784111777, true},
	{"Sun Nov 6 08:49:37 1994", 784111777, true},
	{"Xyz, 06 Nov 1994 08:49:37 GMT", 784111777, true},
	{"Mon, 06 Nov 1994 08:49:37 GMT", 784111777, true},
	{"Sun, 6-Nov-1994 8:9:7 GMT", 784109347, true},
	{"Sun, 06-Nov-68 08:49:37 GMT", 3119417377, true},
	{"Sun, 06-Nov-69 08:49:37 GMT", -4806623, true},
	{"Sun Nov 16 08:49:37 1994", 784975777, true},
	{"Sun, 01 Jan 2100 00:00:00 GMT", 4102444800, true},
	{"Sun, 06 Nov 1994 08:49:37 UTC", 0, false},
	{"sun, 06 Nov 1994 08:49:37 GMT", 0, false},
	{"Sun, 06 nov 1994 08:49:37 GMT", 0, false},
	{"Sun, 06 Nov 1994 08:49:37 gmt", 0, false},
	{"Sun, 31 Feb 1994 08:49:37 GMT", 0, false},
	{"Sun, 06 Nov 1994 24:49:37 GMT", 0, false},
	{"Sun, 06 Nov 1994 08:49:60 GMT", 0, false},
	{"Sun,  06 Nov 1994 08:49:37 GMT", 0, false},
	{"Sun, 06 Nov 1994 08:49:37 GMT ", 0, false},
	// edge cases
	{"Sun, 06 Nov 1994 08:49:37 GMT\n", 784111777, true},
	{"Sun, 06 Nov 1994 08:49:37 GMT\n\n", 0, false},
	{" Sun, 06 Nov 1994 08:49:37 GMT", 0, false},
	{"Sun, 06 Nov 1994 08:49:37 +0000", 0, false},
	{"Sun, 06-Nov 1994 08:49:37 GMT", 784111777, true},
	{"Sun, 06 Nov-1994 08:49:37 GMT", 784111777, true},
	{"Sun, 06 Nov 94 08:49:37 GMT", 0, false},
	{"Sun, 06-Nov-1994 08:49 GMT", 0, false},
	{"Sun, 006 Nov 1994 08:49:37 GMT", 0, false},
	{"Su, 06 Nov 1994 08:49:37 GMT", 0, false},
	{"SUN, 06 Nov 1994 08:49:37 GMT", 0, false},
	{"Sun, 29 Feb 2000 00:00:00 GMT", 951782400, true},
	{"Sun, 29 Feb 1900 00:00:00 GMT", 0, false},
	{"Sun, 00 Nov 1994 08:49:37 GMT", 0, false},
	{"Sun, 06 Nov 1994 23:59:59 GMT", 784166399, true},
	{"Sun, 06 Nov 1994 08:60:00 GMT", 0, false},
	{"Sun, 01 Jan 0999 00:00:00 GMT", 29316470400, true},
	{"Sun, 01 Jan 0100 00:00:00 GMT", 946684800, true},
	{"Sun, 01 Jan 0050 00:00:00 GMT", 0, false},
	{"Thu, 01 Jan 1970 00:00:00 GMT", 0, true},
	{"Wed, 31 Dec 1969 23:59:59 GMT", -1, true},
	{"Fri, 31 Dec 9999 23:59:59 GMT", 253402300799, true},
	{"Sunday, 6-Nov-00 1:2:3 GMT", 973472523, true},
	{"Sunday, 06 Nov 94 08:49:37 GMT", 0, false},
	{"Sun Nov 06 08:49:37 1994", 784111777, true},
	{"Sun Nov   6 08:49:37 1994", 0, false},
	{"Sun Nov  6 08:49:37 1994 GMT", 0, false},
	{"Sun Nov  6 08:49:37 94", 0, false},
	{"Sun Nov 6 8:9:7 1994", 784109347, true},
	{"Sun Nov 6 08:49:37 1994\n", 784111777, true},
	{"", 0, false},
	{"Sun", 0, false},
}

func TestParseDate(t *testing.T) {
	for _, tt := range dateTests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseDate(tt.in)
			if ok != tt.ok || (ok && got.Unix() != tt.want) {
				t.Errorf("ParseDate(%q) = %d, %v; want %d, %v", tt.in, got.Unix(), ok, tt.want, tt.ok)
			}
			if ok && got.Location() != time.UTC {
				t.Errorf("location %v, want UTC", got.Location())
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		// T75
		{time.Unix(0, 0), "Thu, 01 Jan 1970 00:00:00 GMT"},
		{time.Unix(1700000000, 900e6), "Tue, 14 Nov 2023 22:13:20 GMT"},
		{time.Unix(-1, 0), "Wed, 31 Dec 1969 23:59:59 GMT"},
		// edge cases
		{time.Unix(784111777, 0).In(time.FixedZone("X", 3600)), "Sun, 06 Nov 1994 08:49:37 GMT"},
		{time.Unix(0, -1), "Wed, 31 Dec 1969 23:59:59 GMT"},
		{time.Unix(253402300799, 0), "Fri, 31 Dec 9999 23:59:59 GMT"},
	}
	for _, tt := range tests {
		if got := FormatDate(tt.t); got != tt.want {
			t.Errorf("FormatDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	for _, sec := range []int64{0, -1, 1, 784111777, 951782400, -62135596800 + 1000*365*86400, 253402300799} {
		s := FormatDate(time.Unix(sec, 0))
		got, ok := ParseDate(s)
		if !ok || got.Unix() != sec {
			t.Errorf("ParseDate(FormatDate(%d) = %q) = %d, %v", sec, s, got.Unix(), ok)
		}
	}
}
