package cookie

import (
	"math"
	"strconv"
)

// perlNum converts s to a number the way Perl's numeric context does for
// decimal text: leading whitespace is skipped, then the longest prefix of
// the form [+-]digits[.digits][e[+-]digits] is converted and the rest is
// ignored ("12abc" is 12); no such prefix gives 0 ("abc", "", "0x10" is 0).
// Perl's "inf" and "nan" are read as garbage (0) because JSON cannot hold
// them, and overflow saturates at ±math.MaxFloat64.
//
// AnyEvent::HTTP applies this to max-age (spec §13.3 step 5) and to the
// version key of a jar (spec §13.1).
func perlNum(s string) float64 {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	mant := scanDigits(s, i)
	i += mant
	if i < len(s) && s[i] == '.' {
		if frac := scanDigits(s, i+1); mant+frac > 0 {
			i += 1 + frac
			mant += frac
		}
	}
	if mant == 0 {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if n := scanDigits(s, j); n > 0 {
			i = j + n
		}
	}
	f, _ := strconv.ParseFloat(s[start:i], 64)
	switch {
	case math.IsInf(f, 1):
		return math.MaxFloat64
	case math.IsInf(f, -1):
		return -math.MaxFloat64
	}
	return f
}

// scanDigits returns the number of ASCII digits in s starting at i.
func scanDigits(s string, i int) int {
	n := 0
	for i+n < len(s) && isDigit(s[i+n]) {
		n++
	}
	return n
}
