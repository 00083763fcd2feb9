package cookie

import (
	"strings"
	"time"
)

// dateLayout is the IMF-fixdate of RFC 9110 §5.6.7, the only shape
// AnyEvent::HTTP's format_date writes (spec §14.1).
const dateLayout = "Mon, 02 Jan 2006 15:04:05 GMT"

// FormatDate formats t as an HTTP date in GMT, for example
// "Sun, 06 Nov 1994 08:49:37 GMT" (AnyEvent::HTTP format_date, spec §14.1).
// Fractions of a second are dropped, rounding towards the past, so
// one nanosecond before the epoch is "Wed, 31 Dec 1969 23:59:59 GMT".
func FormatDate(t time.Time) string {
	return t.UTC().Format(dateLayout)
}

// ParseDate parses an HTTP date in one of the three shapes AnyEvent::HTTP's
// parse_date accepts (spec §14.2) and reports whether it succeeded:
//
//	Sun, 06 Nov 1994 08:49:37 GMT    RFC 1123; also "6-Nov-1994" and 1-digit H, M, S
//	Sunday, 06-Nov-94 08:49:37 GMT   RFC 850; years 00-68 are 20YY, 69-99 are 19YY
//	Sun Nov  6 08:49:37 1994         asctime; the day may be "6", " 6" or "06"
//
// Matching is case-sensitive and exact: single spaces, no leading or trailing
// space (one final "\n" is tolerated, as Perl's "$" does), zone literally
// "GMT". The weekday may be any capitalised word of three or more letters
// and is never checked against the date. Fields out of range (31 February,
// hour 24, second 60) fail. Four-digit years 0100-0999 mean 1900+YYY, as in
// Perl's Time::Local; years 0000-0099, which Time::Local maps to a century
// depending on the current date, fail. The result is in UTC.
func ParseDate(s string) (time.Time, bool) {
	sec, ok := parseDateUnix(s)
	if !ok {
		return time.Time{}, false
	}
	return time.Unix(sec, 0).UTC(), true
}

// dateFields are the fields of a matched date before calendar validation.
type dateFields struct {
	year, mon, day, hour, min, sec int
}

// parseDateUnix is ParseDate returning Unix seconds.
func parseDateUnix(s string) (int64, bool) {
	s = strings.TrimSuffix(s, "\n")
	f, ok := matchRFC1123(s)
	if !ok {
		f, ok = matchRFC850(s)
	}
	if !ok {
		f, ok = matchAsctime(s)
	}
	if !ok {
		return 0, false
	}
	return f.unix()
}

// matchRFC1123 matches "Wdy, D[D]<sep>Mon<sep>YYYY H[H]:M[M]:S[S] GMT" with
// <sep> "-" or " ".
func matchRFC1123(s string) (dateFields, bool) {
	var f dateFields
	p := dateScanner{s: s}
	ok := p.weekday() && p.lit(", ") && p.num(1, 2, &f.day) && p.sep() &&
		p.month(&f.mon) && p.sep() && p.num(4, 4, &f.year) && p.lit(" ") &&
		p.clock(&f) && p.lit(" GMT") && p.end()
	if !ok || !fourDigitYear(&f.year) {
		return f, false
	}
	return f, true
}

// matchRFC850 matches "Weekday, D[D]-Mon-YY H[H]:M[M]:S[S] GMT".
func matchRFC850(s string) (dateFields, bool) {
	var f dateFields
	p := dateScanner{s: s}
	ok := p.weekday() && p.lit(", ") && p.num(1, 2, &f.day) && p.lit("-") &&
		p.month(&f.mon) && p.lit("-") && p.num(2, 2, &f.year) && p.lit(" ") &&
		p.clock(&f) && p.lit(" GMT") && p.end()
	if f.year < 69 {
		f.year += 2000
	} else {
		f.year += 1900
	}
	return f, ok
}

// matchAsctime matches "Wdy Mon DD H[H]:M[M]:S[S] YYYY" where DD is one
// digit, two digits, or a space and a digit.
func matchAsctime(s string) (dateFields, bool) {
	var f dateFields
	p := dateScanner{s: s}
	ok := p.weekday() && p.lit(" ") && p.month(&f.mon) && p.lit(" ") &&
		p.asctimeDay(&f.day) && p.lit(" ") && p.clock(&f) && p.lit(" ") &&
		p.num(4, 4, &f.year) && p.end()
	if !ok || !fourDigitYear(&f.year) {
		return f, false
	}
	return f, true
}

// fourDigitYear applies Time::Local's reading of a four-digit year: 1000 and
// later as written, 100-999 as years since 1900. Years below 100 are
// rejected; see ParseDate.
func fourDigitYear(y *int) bool {
	switch {
	case *y >= 1000:
	case *y >= 100:
		*y += 1900
	default:
		return false
	}
	return true
}

// unix validates the fields strictly, as Time::Local's timegm does, and
// converts them to Unix seconds.
func (f dateFields) unix() (int64, bool) {
	if f.day < 1 || f.day > daysIn(time.Month(f.mon), f.year) ||
		f.hour > 23 || f.min > 59 || f.sec > 59 {
		return 0, false
	}
	t := time.Date(f.year, time.Month(f.mon), f.day, f.hour, f.min, f.sec, 0, time.UTC)
	return t.Unix(), true
}

// daysIn returns the number of days of month m in year y (Gregorian).
func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
