package dns

import (
	"bytes"
	"net/netip"
	"strings"
)

// Hosts is a parsed hosts(5) file: names to addresses and addresses to
// names. A nil *Hosts is an empty database. It is read-only once parsed and
// may be shared by resolvers on different loops.
type Hosts struct {
	byName map[string][]netip.Addr // lower-case name, no trailing dot
	byAddr map[netip.Addr][]string // unmapped address without zone
}

// ParseHosts parses the text of a hosts file as AnyEvent does (spec §15.3):
// "#" starts a comment; each line is an address (IPv4 in any inet_aton
// form, or IPv6) followed by names, the canonical name and the aliases
// alike, compared case-insensitively. A name collects every address it is
// listed with, in file order. Lines without names or with an unparsable
// address, and names that are not valid domain names (an empty label, a
// label over 63 bytes), are ignored, so parsing cannot fail.
func ParseHosts(data []byte) *Hosts {
	h := &Hosts{byName: map[string][]netip.Addr{}, byAddr: map[netip.Addr][]string{}}
	for line := range bytes.Lines(data) {
		s := string(line)
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		fields := strings.Fields(s)
		if len(fields) < 2 {
			continue
		}
		ip, ok := parseAddr(fields[0])
		if !ok {
			continue
		}
		for _, name := range fields[1:] {
			h.add(hostsKey(name), ip)
		}
	}
	return h
}

func (h *Hosts) add(name string, ip netip.Addr) {
	if !validName(name) {
		return
	}
	if !containsAddr(h.byName[name], ip) {
		h.byName[name] = append(h.byName[name], ip)
	}
	key := addrKey(ip)
	for _, n := range h.byAddr[key] {
		if n == name {
			return
		}
	}
	h.byAddr[key] = append(h.byAddr[key], name)
}

func containsAddr(list []netip.Addr, ip netip.Addr) bool {
	for _, a := range list {
		if a == ip {
			return true
		}
	}
	return false
}

// hostsKey is the form names are stored in: lower case, no trailing dot.
func hostsKey(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}

// addrKey is the form addresses are indexed by: IPv4-mapped addresses as
// IPv4 (AnyEvent reverse_lookup does the same), no zone.
func addrKey(ip netip.Addr) netip.Addr {
	return ip.Unmap().WithZone("")
}

// Lookup returns the addresses listed for name (case-insensitive, a
// trailing dot ignored), IPv4 and IPv6 in file order, or nil. The slice
// belongs to h: do not modify it.
func (h *Hosts) Lookup(name string) []netip.Addr {
	if h == nil {
		return nil
	}
	return h.byName[hostsKey(name)]
}

// LookupAddr returns the names listed for ip, in file order, or nil. The
// slice belongs to h: do not modify it.
func (h *Hosts) LookupAddr(ip netip.Addr) []string {
	if h == nil {
		return nil
	}
	return h.byAddr[addrKey(ip)]
}

// Len returns the number of distinct names in h.
func (h *Hosts) Len() int {
	if h == nil {
		return 0
	}
	return len(h.byName)
}
