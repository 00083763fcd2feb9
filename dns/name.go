package dns

import (
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// MaxCNAMEHops is how many CNAME records a lookup follows per candidate
// name before it gives up with [ErrCNAMELoop] (AnyEvent::DNS: 10).
const MaxCNAMEHops = 10

// RFC 1035 §2.3.4 limits; a name of 253 characters plus the root label
// fills the 255 bytes of the wire form.
const (
	maxLabelLen = 63
	maxNameLen  = 253
)

// fqdn checks name and returns it in canonical form: ASCII lower case,
// with a trailing dot. "." is the root.
func fqdn(name string) (string, bool) {
	name = asciiLower(name)
	if name == "." {
		return name, true
	}
	if rel, ok := strings.CutSuffix(name, "."); ok {
		if !validName(rel) {
			return "", false
		}
		return name, true
	}
	if !validName(name) {
		return "", false
	}
	return name + ".", true
}

// validName reports whether name (without the trailing dot) has only
// labels of 1 to 63 bytes and at most 253 bytes in all.
func validName(name string) bool {
	if name == "" || len(name) > maxNameLen {
		return false
	}
	for {
		label, rest, more := strings.Cut(name, ".")
		if label == "" || len(label) > maxLabelLen {
			return false
		}
		if !more {
			return true
		}
		name = rest
	}
}

// asciiLower lower-cases the ASCII letters of s only: DNS compares names
// case-insensitively for ASCII and byte-wise for everything else
// (RFC 4343 §3).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// candidates returns the names a lookup of name tries, in order, as
// AnyEvent::DNS resolve does (spec §16.4 step 1): a name with a trailing
// dot is tried alone; one with at least ndots dots is tried first and then
// with each search suffix; any other with each suffix first and alone last.
// Candidates that would be too long are skipped. ok is false when name
// itself is not a valid domain name. The names are appended to dst.
func candidates(dst []string, name string, search []string, ndots int) (names []string, ok bool) {
	if strings.HasSuffix(name, ".") {
		n, ok := fqdn(name)
		if !ok {
			return nil, false
		}
		return append(dst, n), true
	}
	bare, ok := fqdn(name)
	if !ok {
		return nil, false
	}
	names = dst
	asIs := strings.Count(name, ".") >= ndots
	if asIs {
		names = append(names, bare)
	}
	for _, s := range search {
		if n, ok := fqdn(name + "." + s); ok {
			names = append(names, n)
		}
	}
	if !asIs {
		names = append(names, bare)
	}
	return names, true
}

// nameIs reports whether the wire name n equals the canonical name s,
// ignoring ASCII case.
func nameIs(n *dnsmessage.Name, s string) bool {
	if int(n.Length) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		a, b := n.Data[i], s[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// ReverseName returns the PTR owner name of ip: "d.c.b.a.in-addr.arpa."
// for IPv4 (and IPv4-mapped IPv6, as AnyEvent reverse_lookup does),
// nibbles under "ip6.arpa." for IPv6 (RFC 3596 §2.5).
func ReverseName(ip netip.Addr) string {
	ip = ip.Unmap()
	var b strings.Builder
	if ip.Is4() {
		a := ip.As4()
		for i := 3; i >= 0; i-- {
			b.WriteString(strconv.Itoa(int(a[i])))
			b.WriteByte('.')
		}
		b.WriteString("in-addr.arpa.")
		return b.String()
	}
	const hex = "0123456789abcdef"
	a := ip.As16()
	for i := 15; i >= 0; i-- {
		b.WriteByte(hex[a[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hex[a[i]>>4])
		b.WriteByte('.')
	}
	b.WriteString("ip6.arpa.")
	return b.String()
}
