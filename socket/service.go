package socket

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
)

// ServicesPath is the services database [LookupPort] reads, once, on first
// use of a service name.
const ServicesPath = "/etc/services"

// builtinServices answers for the TCP services a program is likely to name
// when the system has no services database (a minimal container). The
// database wins where it has the name.
var builtinServices = map[string]int{
	"echo": 7, "discard": 9, "daytime": 13, "ftp-data": 20, "ftp": 21,
	"ssh": 22, "telnet": 23, "smtp": 25, "time": 37, "whois": 43,
	"domain": 53, "gopher": 70, "finger": 79, "http": 80, "www": 80,
	"kerberos": 88, "pop3": 110, "sunrpc": 111, "auth": 113, "nntp": 119,
	"imap": 143, "imap2": 143, "snmp": 161, "bgp": 179, "ldap": 389,
	"https": 443, "microsoft-ds": 445, "submissions": 465, "rtsp": 554,
	"nntps": 563, "submission": 587, "ipp": 631, "ldaps": 636,
	"domain-s": 853, "rsync": 873, "ftps": 990, "imaps": 993, "pop3s": 995,
	"socks": 1080, "openvpn": 1194, "ms-sql-s": 1433, "nfs": 2049,
	"mysql": 3306, "xmpp-client": 5222, "xmpp-server": 5269,
	"postgresql": 5432, "x11": 6000, "http-alt": 8080,
}

// systemServices is the TCP part of ServicesPath, loaded once.
var systemServices struct {
	once   sync.Once
	byName map[string]int
}

// ParseServices returns the TCP services of a services(5) database text:
// each line is "name port/protocol aliases…", "#" starts a comment, and
// the name and its aliases all map to the port. The first line that names
// a service wins, as with getservbyname(3). Lines that are not of that
// form, and ports above 65535, are ignored, so parsing cannot fail.
func ParseServices(data []byte) map[string]int {
	m := map[string]int{}
	for line := range bytes.Lines(data) {
		s := string(line)
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		f := strings.Fields(s)
		if len(f) < 2 {
			continue
		}
		num, proto, ok := strings.Cut(f[1], "/")
		port, valid := parsePort(num)
		if !ok || !valid || proto != "tcp" {
			continue
		}
		for _, name := range append(f[:1:1], f[2:]...) {
			if _, seen := m[name]; !seen {
				m[name] = port
			}
		}
	}
	return m
}

// LookupPort returns the TCP port of service: a decimal port number
// (0 to 65535), or a service name from the system's services database or,
// failing that, a small built-in table of well-known services. Names are
// case-sensitive, as for getservbyname(3). An unknown name gives an error
// matching [ErrUnknownService].
func LookupPort(service string) (int, error) {
	if isDigits(service) {
		if port, ok := parsePort(service); ok {
			return port, nil
		}
		return 0, &serviceError{service, errBadPort}
	}
	if port, ok := lookupServiceName(service); ok {
		return port, nil
	}
	return 0, &serviceError{service, ErrUnknownService}
}

// lookupServiceName consults the services database, then the built-in
// table.
func lookupServiceName(name string) (int, bool) {
	s := &systemServices
	s.once.Do(func() {
		if data, err := os.ReadFile(ServicesPath); err == nil {
			s.byName = ParseServices(data)
		}
	})
	if port, ok := s.byName[name]; ok {
		return port, true
	}
	port, ok := builtinServices[name]
	return port, ok
}

// parseService interprets the service argument of tcp_connect (spec
// §15.2): "name=port" is an SRV service name with a fallback port, all
// digits a port alone (no SRV), anything else a service name, looked up
// for its port and used for SRV.
func parseService(service string) (srvName string, port int, err error) {
	if i := strings.LastIndexByte(service, '='); i > 0 && isDigits(service[i+1:]) {
		name := service[:i]
		if !strings.ContainsFunc(name, func(r rune) bool { return r < 0x80 && isBlank(byte(r)) }) {
			port, err := LookupPort(service[i+1:])
			return name, port, err
		}
	}
	port, err = LookupPort(service)
	if err != nil || isDigits(service) {
		return "", port, err
	}
	return service, port, nil
}

// parsePort parses a decimal port number.
func parsePort(s string) (int, bool) {
	if !isDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 16)
	return int(n), err == nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
