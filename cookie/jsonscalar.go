package cookie

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errNotScalar is returned for an object or array where a cookie jar holds
// a string or number.
var errNotScalar = errors.New("not a string, number, boolean or null")

// isVersion2 reports whether a version value is numerically 2, as Perl's
// "$jar->{version} != 2" test sees it (a missing version is 0).
func isVersion2(raw json.RawMessage) bool {
	if raw == nil {
		return false
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	switch v := v.(type) {
	case float64:
		return v == 2
	case string:
		return perlNum(v) == 2
	}
	return false
}

// isObject reports whether raw is a JSON object.
func isObject(raw json.RawMessage) bool {
	for _, b := range raw {
		if !isSpace(b) {
			return b == '{'
		}
	}
	return false
}

// scalarString converts a decoded JSON scalar to a Perl string; null is nil.
func scalarString(v any) (*string, error) {
	var s string
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		s = latin1Decode(v)
	case json.Number:
		s = v.String()
	case bool:
		s = "0"
		if v {
			s = "1"
		}
	default:
		return nil, errNotScalar
	}
	return &s, nil
}

// scalarNumber converts a decoded JSON scalar to a number as Perl would.
func scalarNumber(v any) (float64, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case string:
		return perlNum(v), nil
	case json.Number:
		return perlNum(v.String()), nil
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	}
	return 0, errNotScalar
}

// truthy reports whether a decoded JSON scalar is true in Perl: not null,
// false, "", "0" or a number equal to 0.
func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return v != "" && v != "0"
	case json.Number:
		return perlNum(v.String()) != 0
	}
	return false
}

// latin1Encode maps a byte string to the text Perl's JSON encoder writes
// for it: each byte 0x80-0xFF becomes the character of that code point.
func latin1Encode(s string) string {
	if isASCII(s) {
		return s
	}
	b := make([]byte, 0, len(s)*2)
	for i := 0; i < len(s); i++ {
		b = utf8.AppendRune(b, rune(s[i]))
	}
	return string(b)
}

// latin1Decode is the inverse of latin1Encode. Characters above U+00FF
// cannot come from latin1Encode and are kept as UTF-8.
func latin1Decode(s string) string {
	if isASCII(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x100 {
			b = append(b, byte(r))
		} else {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

// latin1Ptr is latin1Encode for an optional string.
func latin1Ptr(p *string) *string {
	if p == nil {
		return nil
	}
	s := latin1Encode(*p)
	return &s
}
