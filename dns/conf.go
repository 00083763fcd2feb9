package dns

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Defaults of [DefaultConfig], after AnyEvent::DNS (spec §16.2) unless noted.
const (
	// DefaultNdots: a name with at least one dot is tried as given before
	// the search list (resolv.conf(5), AnyEvent ndots => 1).
	DefaultNdots = 1
	// DefaultMaxOutstanding is how many exchanges may be in flight at once;
	// more wait in a FIFO queue (AnyEvent max_outstanding => 10).
	DefaultMaxOutstanding = 10
	// DefaultCacheSize is the number of (name, type) answers the cache of
	// DefaultConfig keeps. AnyEvent::DNS has no cache (Appendix B W11).
	DefaultCacheSize = 1024
	// DefaultUDPSize is the EDNS0 payload size advertised in queries: the
	// DNS Flag Day 2020 value, small enough to avoid IP fragmentation on
	// any common path (RFC 9715). Larger answers come back truncated and
	// are fetched over TCP.
	DefaultUDPSize = 1232
	// DefaultPort is the nameserver port of resolv.conf entries.
	DefaultPort = 53
)

// glibc's bounds on resolv.conf options (resolv.h RES_MAXNDOTS,
// RES_MAXRETRANS, RES_MAXRETRY); AnyEvent applies none.
const (
	maxNdots    = 15
	maxTimeout  = 30 * time.Second
	maxAttempts = 5
)

// DefaultTimeouts returns the retry ladder of [DefaultConfig]: three rounds
// over all servers, waiting 2, 5 and 5 seconds per attempt (AnyEvent::DNS
// timeout => [2, 5, 5]).
func DefaultTimeouts() []time.Duration {
	return []time.Duration{2 * time.Second, 5 * time.Second, 5 * time.Second}
}

// Config configures a [Resolver]. Start from [DefaultConfig],
// [ParseResolvConf] or [SystemConfig]; a zero Config has no servers, ndots
// 0 and no cache. NewResolver copies it; later changes have no effect.
type Config struct {
	// Servers are the nameservers, asked in order (resolv.conf
	// "nameserver", port 53). Empty means every query fails with
	// [ErrNoServers]: there is no fallback to public resolvers.
	Servers []netip.AddrPort
	// Search is the list of suffixes tried for relative names, without
	// trailing dots ("search" or "domain").
	Search []string
	// Ndots is how many dots a name needs to be tried as given before the
	// search list rather than after it ("options ndots:N").
	Ndots int
	// Timeouts is the retry ladder: one entry per round over all servers,
	// the time to wait for each attempt of that round. Empty means
	// [DefaultTimeouts]. "options timeout:N" makes it one round of N
	// seconds and "attempts:N" N rounds of the first entry, as in
	// AnyEvent::DNS (spec §16.3).
	Timeouts []time.Duration
	// Rotate starts each exchange at the next server in turn rather than
	// the first ("options rotate"; AnyEvent ignores it).
	Rotate bool
	// TCP sends every query over TCP ("options use-vc").
	TCP bool
	// Hosts is the hosts database consulted before DNS by
	// [Resolver.LookupHost], [Resolver.LookupNetIP] and
	// [Resolver.LookupPTR]; nil means none.
	Hosts *Hosts
	// MaxOutstanding caps the exchanges in flight; 0 means
	// [DefaultMaxOutstanding].
	MaxOutstanding int
	// CacheSize is how many answers the cache holds; 0 disables caching.
	CacheSize int
	// UDPSize is the EDNS0 payload size advertised; 0 means
	// [DefaultUDPSize], and 512 or less sends no EDNS0 option at all.
	UDPSize int
}

// DefaultConfig returns a configuration with no servers and every other
// field at its default.
func DefaultConfig() *Config {
	return &Config{
		Ndots:          DefaultNdots,
		Timeouts:       DefaultTimeouts(),
		MaxOutstanding: DefaultMaxOutstanding,
		CacheSize:      DefaultCacheSize,
		UDPSize:        DefaultUDPSize,
	}
}

// ParseResolvConf returns [DefaultConfig] updated from the text of a
// resolv.conf(5) file; see [Config.ApplyResolvConf]. Lines it does not
// understand are ignored, so it cannot fail.
func ParseResolvConf(data []byte) *Config {
	c := DefaultConfig()
	c.ApplyResolvConf(data)
	return c
}

// ApplyResolvConf updates c from the text of a resolv.conf(5) file the way
// AnyEvent::DNS parse_resolv_conf does (spec §16.3): Servers and Search are
// replaced, while Timeouts and Ndots keep their values unless an option
// sets them. Everything from "#" or ";" to the end of a line is a comment;
// keywords are case-insensitive.
//
//   - "nameserver ADDR": appended (once) if ADDR is the only argument and
//     an IPv4 address in any inet_aton form or an IPv6 address, with an
//     optional zone; the port is 53.
//   - "domain NAME" and "search NAME...": the last such line wins.
//   - "options": ndots:N (at most 15), timeout:N (seconds, 1 to 30),
//     attempts:N (1 to 5), rotate and use-vc; others are ignored.
func (c *Config) ApplyResolvConf(data []byte) {
	c.Servers, c.Search = nil, nil
	attempts := 0
	for line := range bytes.Lines(data) {
		fields := strings.Fields(stripComment(string(line)))
		if len(fields) == 0 {
			continue
		}
		args := fields[1:]
		switch strings.ToLower(fields[0]) {
		case "nameserver":
			c.addServer(args)
		case "domain":
			if len(args) > 0 {
				c.Search = searchList(args[:1])
			}
		case "search":
			c.Search = searchList(args)
		case "options":
			for _, opt := range args {
				attempts = c.applyOption(opt, attempts)
			}
		}
	}
	if attempts > 0 {
		first := c.timeouts()[0]
		c.Timeouts = make([]time.Duration, attempts)
		for i := range c.Timeouts {
			c.Timeouts[i] = first
		}
	}
}

func stripComment(line string) string {
	if i := strings.IndexAny(line, "#;"); i >= 0 {
		return line[:i]
	}
	return line
}

func (c *Config) addServer(args []string) {
	if len(args) != 1 {
		return
	}
	ip, ok := parseAddr(args[0])
	if !ok {
		return
	}
	ap := netip.AddrPortFrom(ip, DefaultPort)
	for _, s := range c.Servers {
		if s == ap {
			return
		}
	}
	c.Servers = append(c.Servers, ap)
}

// searchList lower-cases the suffixes (ASCII only, as DNS compares names)
// and drops their trailing dots ("x.org.." is x.org, as AnyEvent's split
// on dots takes it). The root ("." or "..") is dropped, since a name is
// tried as given anyway, and so is what is no domain name ("a..b", a
// label over 63 bytes): no candidate made with it could be asked.
func searchList(args []string) []string {
	list := make([]string, 0, len(args))
	for _, s := range args {
		s = asciiLower(strings.TrimRight(s, "."))
		if validName(s) {
			list = append(list, s)
		}
	}
	return list
}

// applyOption applies one "options" token and returns the attempts count
// seen so far, which is applied after the whole file.
func (c *Config) applyOption(opt string, attempts int) int {
	name, val, _ := strings.Cut(opt, ":")
	n, err := strconv.Atoi(val)
	switch strings.ToLower(name) {
	case "ndots":
		if err == nil && n >= 0 {
			c.Ndots = min(n, maxNdots)
		}
	case "timeout":
		if err == nil && n > 0 {
			c.Timeouts = []time.Duration{min(time.Duration(n)*time.Second, maxTimeout)}
		}
	case "attempts":
		if err == nil && n > 0 {
			attempts = min(n, maxAttempts)
		}
	case "rotate":
		c.Rotate = true
	case "use-vc":
		c.TCP = true
	}
	return attempts
}

// timeouts returns the retry ladder in effect.
func (c *Config) timeouts() []time.Duration {
	if len(c.Timeouts) == 0 {
		return DefaultTimeouts()
	}
	return c.Timeouts
}

// parseAddr parses an IPv6 address or an IPv4 address in any of the forms
// inet_aton(3) accepts ("10.1", "0x0a000001", "012.0.0.1"), as AnyEvent's
// parse_address does (spec §15.5). IPv4-mapped IPv6 addresses come back as
// IPv4.
func parseAddr(s string) (netip.Addr, bool) {
	if strings.Contains(s, ":") {
		ip, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Addr{}, false
		}
		if ip.Is4In6() && ip.Zone() == "" {
			ip = ip.Unmap()
		}
		return ip, true
	}
	return parseIPv4(s)
}

// parseIPv4 is inet_aton: one to four parts separated by dots, each
// decimal, octal (leading 0) or hexadecimal (0x); the last part fills the
// remaining bytes.
func parseIPv4(s string) (netip.Addr, bool) {
	parts := strings.Split(s, ".")
	if len(parts) > 4 {
		return netip.Addr{}, false
	}
	var v uint64
	for i, p := range parts {
		n, ok := parseIPv4Part(p)
		if !ok {
			return netip.Addr{}, false
		}
		if i < len(parts)-1 {
			if n > 255 {
				return netip.Addr{}, false
			}
			v |= n << (8 * (3 - i))
			continue
		}
		if n >= 1<<(8*(4-i)) {
			return netip.Addr{}, false
		}
		v |= n
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func parseIPv4Part(p string) (uint64, bool) {
	base := 10
	switch {
	case len(p) > 2 && (p[:2] == "0x" || p[:2] == "0X"):
		p, base = p[2:], 16
	case len(p) > 1 && p[0] == '0':
		p, base = p[1:], 8
	}
	if p == "" || p[0] == '+' || p[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(p, base, 32)
	return n, err == nil
}
