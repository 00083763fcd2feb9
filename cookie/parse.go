package cookie

import "strings"

// This file is the Set-Cookie grammar of spec §13.3 (AnyEvent::HTTP's
// cookie_jar_set_cookie), byte for byte, without any policy: which cookies a
// jar accepts is decided in setcookie.go.
//
// A header value, possibly several Set-Cookie lines joined with ",", is read
// one cookie at a time. A cookie is a list of items separated by ";"; an
// item, after optional whitespace, is either
//
//	expires = Wdy, <anything up to the next "," or ";">
//
// (case-insensitive "expires", three or more letters, a comma and exactly
// one space: the comma of the date is protected), or
//
//	NAME [ = VALUE ]
//
// where NAME is one or more bytes other than "=", ";", ",", whitespace, and
// VALUE is a double-quoted string ("\x" stands for x; the quotes are
// removed) or zero or more bytes other than ";", ",", whitespace. A NAME
// without "=" has no value (Perl undef). When the byte after an item (and
// optional whitespace) is not ";" the cookie ends; when the byte after a
// cookie is not "," the header ends, ignoring the rest. A cookie with no
// item at all ends the whole header (rule 3 of §13.3).
//
// Whitespace is ASCII whitespace: SP, HT, LF, VT, FF, CR.

// item is one NAME[=VALUE] of a cookie. A nil value is an item without "=".
type item struct {
	name  string
	value *string
}

// rawCookie is one cookie as written: the name and value of its first item
// (name case preserved) and its attributes in order, names lower-cased.
type rawCookie struct {
	name  string
	value *string
	attrs []item
}

// parseSetCookie splits a Set-Cookie header value into cookies.
func parseSetCookie(s string) []rawCookie {
	var out []rawCookie
	pos := 0
	for {
		c, next, ok := parseCookie(s, pos)
		if !ok {
			return out
		}
		out = append(out, c)
		p := skipSpace(s, next)
		if p >= len(s) || s[p] != ',' {
			return out
		}
		pos = p + 1
	}
}

// parseCookie parses the items of one cookie starting at pos. It returns the
// position after the last item and false if there was no item at all.
func parseCookie(s string, pos int) (rawCookie, int, bool) {
	var c rawCookie
	first := true
	for {
		it, next, ok := parseItem(s, pos)
		if !ok {
			return c, pos, !first
		}
		if first {
			c.name, c.value = it.name, it.value
			first = false
		} else {
			it.name = lowerASCII(it.name)
			c.attrs = append(c.attrs, it)
		}
		pos = next
		p := skipSpace(s, pos)
		if p >= len(s) || s[p] != ';' {
			return c, pos, true
		}
		pos = p + 1
	}
}

// parseItem parses one item after optional whitespace.
func parseItem(s string, pos int) (item, int, bool) {
	p := skipSpace(s, pos)
	if v, end, ok := matchExpiresItem(s, p); ok {
		return item{name: "expires", value: &v}, end, true
	}
	return matchNameItem(s, p)
}

// matchExpiresItem matches `expires \s* = \s* [A-Za-z]{3,} ", " [^,;]+`.
func matchExpiresItem(s string, p int) (string, int, bool) {
	const kw = "expires"
	if len(s)-p < len(kw) || !strings.EqualFold(s[p:p+len(kw)], kw) {
		return "", 0, false
	}
	i := skipSpace(s, p+len(kw))
	if i >= len(s) || s[i] != '=' {
		return "", 0, false
	}
	i = skipSpace(s, i+1)
	j := i
	for j < len(s) && isLetter(s[j]) {
		j++
	}
	if j-i < 3 || len(s)-j < 3 || s[j] != ',' || s[j+1] != ' ' {
		return "", 0, false
	}
	k := j + 2
	for k < len(s) && s[k] != ',' && s[k] != ';' {
		k++
	}
	if k == j+2 {
		return "", 0, false
	}
	return s[i:k], k, true
}

// matchNameItem matches NAME [ \s* = \s* ( QUOTED | UNQUOTED ) ].
func matchNameItem(s string, p int) (item, int, bool) {
	j := p
	for j < len(s) && !isNameStop(s[j]) {
		j++
	}
	if j == p {
		return item{}, 0, false
	}
	it := item{name: s[p:j]}
	i := skipSpace(s, j)
	if i >= len(s) || s[i] != '=' {
		return it, j, true
	}
	i = skipSpace(s, i+1)
	if v, end, ok := matchQuoted(s, i); ok {
		it.value = &v
		return it, end, true
	}
	k := i
	for k < len(s) && !isValueStop(s[k]) {
		k++
	}
	v := s[i:k]
	it.value = &v
	return it, k, true
}

// matchQuoted matches a double-quoted string at i, where a backslash
// escapes any byte, and returns it unquoted and unescaped. A string without
// its closing quote does not match (the caller then reads it unquoted).
func matchQuoted(s string, i int) (string, int, bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '"':
			return b.String(), j + 1, true
		case '\\':
			if j+1 == len(s) {
				return "", 0, false
			}
			j++
		}
		b.WriteByte(s[j])
	}
	return "", 0, false
}

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// isSpace reports whether b is ASCII whitespace (Perl's \s on bytes).
func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r'
}

func isNameStop(b byte) bool  { return b == '=' || b == ';' || b == ',' || isSpace(b) }
func isValueStop(b byte) bool { return b == ';' || b == ',' || isSpace(b) }
func isLetter(b byte) bool    { return isUpper(b) || isLower(b) }

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if isUpper(s[i]) {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if isUpper(b[j]) {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
