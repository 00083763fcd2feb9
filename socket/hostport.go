package socket

import "strings"

// ParseHostPort splits a "host:port" text as AnyEvent's parse_hostport does
// (spec §15.5), with defaultService used when the text has no service. ok
// is false when the text cannot be split. The rules, in order:
//
//   - A text starting with "/" is a Unix socket path: host [Unix], service
//     the whole text.
//   - The host is an IPv6 address if the text, after optional leading
//     blanks, starts with a run of hex digits, colons and dots that has
//     two colons before any dot and is a valid [ParseIPv6] address
//     ("::1 80", "2001:db8::1#443"). If such a run is not valid IPv6 the
//     text is rejected. Otherwise the host is, at the very start of the
//     text (leading blanks fail here), either "[anything but brackets]" or
//     a run of characters other than "[", "]", ":" and space.
//   - The service follows the host after blanks, a ":" or a "#", and is a
//     run of characters other than ":" and blanks, with only blanks after
//     it. If nothing but blanks follows the host, the service is
//     defaultService, and the text is rejected when that is "".
//   - A host containing ":" must be a valid IPv6 address.
//
// So "localhost:443" is (localhost, 443), "[::1]" with default "80" is
// (::1, 80), "www.x.de:https=443" is (www.x.de, https=443), and
// "host:a:b" and "10.0.0.1#80" are rejected ("#" separates only after an
// IPv6 or bracketed host). Blanks are the ASCII white space of Perl's \s.
func ParseHostPort(text, defaultService string) (host, service string, ok bool) {
	if strings.HasPrefix(text, "/") {
		return Unix, text, true
	}
	host, rest, ok := splitHost(text)
	if !ok {
		return "", "", false
	}
	service, ok = splitService(rest, defaultService)
	if !ok {
		return "", "", false
	}
	if strings.Contains(host, ":") {
		if _, ok := ParseIPv6(host); !ok {
			return "", "", false
		}
	}
	return host, service, true
}

// splitHost returns the host at the start of text and what follows it.
func splitHost(text string) (host, rest string, ok bool) {
	start := skipBlanks(text, 0)
	if end, matched := ipv6Run(text, start); matched {
		if _, ok := ParseIPv6(text[start:end]); ok {
			return text[start:end], text[end:], true
		}
		return "", "", false
	}
	if start > 0 {
		// AnyEvent skips the blanks and then anchors the other host
		// forms at the start of the text, where they can no longer match.
		return "", "", false
	}
	if strings.HasPrefix(text, "[") {
		end := strings.IndexAny(text[1:], "[]") + 1
		if end <= 1 || text[end] != ']' {
			return "", "", false
		}
		return text[1:end], text[end+1:], true
	}
	end := strings.IndexAny(text, "[]: ")
	if end < 0 {
		end = len(text)
	}
	if end == 0 {
		return "", "", false
	}
	return text[:end], text[end:], true
}

// ipv6Run reports whether text at start begins with a run of hex digits,
// colons and dots whose part before the first dot holds at least two
// colons, and where the run ends.
func ipv6Run(text string, start int) (end int, matched bool) {
	colons, dotted := 0, false
	end = start
	for ; end < len(text); end++ {
		c := text[end]
		if _, hex := hexDigit(c); hex {
			continue
		}
		switch c {
		case ':':
			if !dotted {
				colons++
			}
			continue
		case '.':
			dotted = true
			continue
		}
		break
	}
	return end, colons >= 2
}

// splitService parses what follows the host.
func splitService(rest, defaultService string) (string, bool) {
	i := 0
	switch {
	case rest == "":
	case rest[0] == ':' || rest[0] == '#':
		i = 1
	case isBlank(rest[0]):
		i = skipBlanks(rest, 0)
	}
	if i > 0 {
		end := i
		for end < len(rest) && rest[end] != ':' && !isBlank(rest[end]) {
			end++
		}
		if end > i && skipBlanks(rest, end) == len(rest) {
			return rest[i:end], true
		}
	}
	if skipBlanks(rest, 0) == len(rest) && defaultService != "" {
		return defaultService, true
	}
	return "", false
}

// isBlank reports whether c is white space as Perl's \s sees it in a byte
// string.
func isBlank(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

func skipBlanks(s string, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return i
}

// FormatHostPort joins host and service as AnyEvent's format_hostport
// does: the host in brackets if it contains ":", then ":service" unless
// service is empty. FormatHostPort("::1", "80") is "[::1]:80".
func FormatHostPort(host, service string) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if service != "" {
		return host + ":" + service
	}
	return host
}
