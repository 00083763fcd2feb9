package socket

import (
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Protocol is an IP version a [Dialer] may use.
type Protocol uint8

// The protocols, named as in PERL_ANYEVENT_PROTOCOLS.
const (
	IPv4 Protocol = 4
	IPv6 Protocol = 6
)

// String returns "ipv4" or "ipv6".
func (p Protocol) String() string {
	switch p {
	case IPv4:
		return "ipv4"
	case IPv6:
		return "ipv6"
	}
	return "Protocol(" + strconv.Itoa(int(p)) + ")"
}

// DefaultProtocols returns AnyEvent's default preference, "ipv4,ipv6":
// both enabled, IPv4 preferred (spec §19.8).
func DefaultProtocols() []Protocol { return []Protocol{IPv4, IPv6} }

// ParseProtocols parses a PERL_ANYEVENT_PROTOCOLS value: a comma-separated
// list of "ipv4" and "ipv6", earlier entries preferred, unlisted protocols
// disabled. Unknown entries and repeats are ignored. A list that names
// neither protocol gives nil, which a [Dialer] takes as the default.
func ParseProtocols(s string) []Protocol {
	var ps []Protocol
	for _, f := range strings.Split(s, ",") {
		var p Protocol
		switch strings.TrimSpace(strings.ToLower(f)) {
		case "ipv4":
			p = IPv4
		case "ipv6":
			p = IPv6
		default:
			continue
		}
		if !slices.Contains(ps, p) {
			ps = append(ps, p)
		}
	}
	return ps
}

// ProtocolsFromEnv returns the preference of the environment variable
// PERL_ANYEVENT_PROTOCOLS, or AE_PROTOCOLS if that is unset, parsed with
// [ParseProtocols]; unset or empty means [DefaultProtocols]. Nothing in this
// package reads the environment by itself: set [Dialer.Protocols] from this
// function to honour it as AnyEvent does.
func ProtocolsFromEnv() []Protocol {
	v, ok := os.LookupEnv("PERL_ANYEVENT_PROTOCOLS")
	if !ok {
		v = os.Getenv("AE_PROTOCOLS")
	}
	if v == "" {
		return DefaultProtocols()
	}
	return ParseProtocols(v)
}

// prefs is a protocol preference in the form the resolution uses.
type prefs struct {
	order [2]Protocol
	n     int
}

// newPrefs converts a preference list; an empty one is the default.
func newPrefs(ps []Protocol) prefs {
	if len(ps) == 0 {
		ps = DefaultProtocols()
	}
	var p prefs
	for _, x := range ps {
		if (x == IPv4 || x == IPv6) && p.rankOf(x) < 0 && p.n < len(p.order) {
			p.order[p.n] = x
			p.n++
		}
	}
	return p
}

func (p prefs) rankOf(x Protocol) int {
	for i := range p.n {
		if p.order[i] == x {
			return i
		}
	}
	return -1
}

// rank returns the preference rank of ip's protocol, 0 being the best, or
// -1 if the protocol is disabled.
func (p prefs) rank(ip netip.Addr) int {
	if ip.Unmap().Is4() {
		return p.rankOf(IPv4)
	}
	return p.rankOf(IPv6)
}

// network returns the network argument of dns.Resolver.LookupNetIP for
// the enabled protocols, or "" when none is.
func (p prefs) network() string {
	switch {
	case p.n == 2:
		return "ip"
	case p.n == 1 && p.order[0] == IPv4:
		return "ip4"
	case p.n == 1:
		return "ip6"
	}
	return ""
}
