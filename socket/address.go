package socket

import (
	"net/netip"
	"strconv"
	"strings"
)

// Unix is the host that names the Unix domain instead of an IP address
// (AnyEvent's "unix/"): [TCPConnect] and [TCPServer] then take the socket's
// path as the service, and [ParseHostPort] returns it for a text that
// starts with "/".
const Unix = "unix/"

// ParseIPv4 parses an IPv4 address in any of the forms inet_aton(3)
// accepts, as AnyEvent's parse_ipv4 does (spec §15.5): one to four
// dot-separated parts, each decimal, octal (a leading 0) or hexadecimal (a
// leading "0x"); every part but the last must be below 256, and the last
// fills the remaining bytes: "10.1" is 10.0.0.1, "10.0x020304" is 10.2.3.4,
// "0x7f000001" is 127.0.0.1.
func ParseIPv4(text string) (netip.Addr, bool) {
	var parts [4]uint64
	n := 0
	for rest := text; ; {
		part, tail, more := strings.Cut(rest, ".")
		if n == len(parts) {
			return netip.Addr{}, false
		}
		v, ok := parseIPv4Part(part)
		if !ok {
			return netip.Addr{}, false
		}
		parts[n] = v
		n++
		if !more {
			break
		}
		rest = tail
	}
	for _, v := range parts[:n-1] {
		if v > 255 {
			return netip.Addr{}, false
		}
	}
	if parts[n-1] >= 1<<(8*(5-n)) {
		return netip.Addr{}, false
	}
	v := uint32(parts[n-1])
	for i, p := range parts[:n-1] {
		v |= uint32(p) << (24 - 8*i)
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

// parseIPv4Part parses one part of an IPv4 address: "0x" and one or more
// hex digits (lower-case x only, as in AnyEvent), "0" and octal digits, or
// a decimal number without leading zeros. Values above 2^32 fail.
func parseIPv4Part(p string) (uint64, bool) {
	base, digits := 10, p
	switch {
	case strings.HasPrefix(p, "0x"):
		base, digits = 16, p[2:]
	case strings.HasPrefix(p, "0"):
		base, digits = 8, p[1:]
		if digits == "" {
			return 0, true
		}
	}
	if digits == "" {
		return 0, false
	}
	// ParseUint takes neither a sign, nor a prefix, nor underscores for an
	// explicit base: the digits alone.
	v, err := strconv.ParseUint(digits, base, 33)
	return v, err == nil
}

// ParseIPv6 parses an IPv6 address as AnyEvent's parse_ipv6 does (spec
// §15.5): two to eight colons, at most one "::", groups of one to four hex
// digits, exactly eight of them without "::", and optionally an IPv4
// address in any [ParseIPv4] form as the last element (then at most six
// colons). A text with no colon at all that is an IPv4 address gives the
// IPv4-mapped address ::ffff:a.b.c.d. Zones ("%eth0") are not accepted.
// As in AnyEvent, "::" may stand for no group at all:
// "1:2:3:4:5:6:7::8" is 1:2:3:4:5:6:7:8.
func ParseIPv6(text string) (netip.Addr, bool) {
	colons := strings.Count(text, ":")
	if colons < 2 || colons > 8 {
		if colons == 0 {
			if v4, ok := ParseIPv4(text); ok {
				return netip.AddrFrom16(v4.As16()), true
			}
		}
		return netip.Addr{}, false
	}
	head, tail, compressed := strings.Cut(text, "::")
	if !compressed {
		head, tail = "", text
	}
	var buf [9]string // at most 9 fields: 8 colons
	groups := appendGroups(buf[:0], head)
	nHead := len(groups)
	groups = appendGroups(groups, tail)
	var vals [10]uint16 // 9 fields, one more for an IPv4 tail
	n := len(groups)
	if k := n - 1; k >= nHead && strings.Contains(groups[k], ".") {
		v4, ok := ParseIPv4(groups[k])
		if colons > 6 || !ok {
			return netip.Addr{}, false
		}
		b := v4.As4()
		vals[k], vals[k+1] = uint16(b[0])<<8|uint16(b[1]), uint16(b[2])<<8|uint16(b[3])
		groups = groups[:k]
		n++
	}
	if n > 8 || (!compressed && n != 8) {
		return netip.Addr{}, false
	}
	for i, g := range groups {
		v, ok := parseGroup(g)
		if !ok {
			return netip.Addr{}, false
		}
		vals[i] = v
	}
	var addr [16]byte
	pad := 8 - n
	for i, v := range vals[:n] {
		j := i
		if i >= nHead {
			j += pad
		}
		addr[2*j], addr[2*j+1] = byte(v>>8), byte(v)
	}
	return netip.AddrFrom16(addr), true
}

// appendGroups splits s at colons, keeping empty fields (which then fail
// as groups), except that an empty s has no fields at all (Perl's
// split /:/, $s, -1).
func appendGroups(dst []string, s string) []string {
	if s == "" {
		return dst
	}
	for {
		g, rest, more := strings.Cut(s, ":")
		dst = append(dst, g)
		if !more {
			return dst
		}
		s = rest
	}
}

// parseGroup parses one to four hex digits.
func parseGroup(g string) (uint16, bool) {
	if len(g) < 1 || len(g) > 4 {
		return 0, false
	}
	var v uint16
	for i := 0; i < len(g); i++ {
		d, ok := hexDigit(g[i])
		if !ok {
			return 0, false
		}
		v = v<<4 | uint16(d)
	}
	return v, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ParseAddress parses an IP address as AnyEvent's parse_address does:
// [ParseIPv6], which also takes every [ParseIPv4] form, except that an
// IPv4-mapped result is returned as the plain IPv4 address. So "10.1" and
// "::ffff:10.0.0.1" both give 10.0.0.1, and "::1" gives ::1. The host
// [Unix] is not an address: callers test for it first.
func ParseAddress(text string) (netip.Addr, bool) {
	ip, ok := ParseIPv6(text)
	if !ok {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

// FormatIPv6 formats ip as a 16-byte address in AnyEvent's format_ipv6
// style (spec §15.5), which differs from RFC 5952 and [netip.Addr.String]:
// "::" and "::1" as usual; any other address whose first 12 bytes are zero
// as "::a.b.c.d" (so ::2 is "::0.0.0.2"); IPv4-mapped addresses as
// "::ffff:a.b.c.d" and IPv4-translated ones as "::ffff:0:a.b.c.d";
// otherwise eight lower-case hex groups without leading zeros, where the
// first of the longest runs of two or more zero groups becomes "::" (a
// single zero group is not compressed). An IPv4 address is formatted as
// its mapped form; a zone is left out.
func FormatIPv6(ip netip.Addr) string {
	b := ip.As16()
	if p, ok := v4Prefix(b); ok {
		return p + strconv.Itoa(int(b[12])) + "." + strconv.Itoa(int(b[13])) + "." +
			strconv.Itoa(int(b[14])) + "." + strconv.Itoa(int(b[15]))
	}
	var g [8]uint16
	for i := range g {
		g[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	start, n := longestZeroRun(g)
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if n >= 2 && i == start {
			sb.WriteString("::")
			i += n - 1
			continue
		}
		if i > 0 && !(n >= 2 && i == start+n) {
			sb.WriteByte(':')
		}
		sb.WriteString(strconv.FormatUint(uint64(g[i]), 16))
	}
	return sb.String()
}

// v4Prefix returns the text before the dotted quad of the addresses
// FormatIPv6 shows with an embedded IPv4 address. The all-zero address and
// ::1 are not among them.
func v4Prefix(b [16]byte) (string, bool) {
	for _, c := range b[:8] {
		if c != 0 {
			return "", false
		}
	}
	tail := b[12:]
	switch {
	case b[8]|b[9]|b[10]|b[11] == 0:
		if tail[0]|tail[1]|tail[2] == 0 && tail[3] <= 1 {
			return "", false // "::" and "::1"
		}
		return "::", true
	case b[8] == 0 && b[9] == 0 && b[10] == 0xff && b[11] == 0xff:
		return "::ffff:", true
	case b[8] == 0xff && b[9] == 0xff && b[10] == 0 && b[11] == 0:
		return "::ffff:0:", true
	}
	return "", false
}

// longestZeroRun returns the start and length of the first longest run of
// zero groups.
func longestZeroRun(g [8]uint16) (start, n int) {
	for i := 0; i < len(g); {
		if g[i] != 0 {
			i++
			continue
		}
		j := i
		for j < len(g) && g[j] == 0 {
			j++
		}
		if j-i > n {
			start, n = i, j-i
		}
		i = j
	}
	return start, n
}

// FormatAddress formats ip as AnyEvent's format_address does: IPv4 and
// IPv4-mapped addresses as a dotted quad, other IPv6 addresses with
// [FormatIPv6] followed by "%zone" if ip has one, and the zero Addr as "".
func FormatAddress(ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return ""
	case ip.Is4() || ip.Is4In6():
		return ip.Unmap().WithZone("").String()
	case ip.Zone() != "":
		return FormatIPv6(ip) + "%" + ip.Zone()
	}
	return FormatIPv6(ip)
}
