package main

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// typeNames are the mnemonics aedns knows (RFC 1035, 3596, 2782, 6844,
// 9460 and the DNSSEC types, shown only).
var typeNames = map[dnsmessage.Type]string{
	dnsmessage.TypeA: "A", dnsmessage.TypeNS: "NS", dnsmessage.TypeCNAME: "CNAME",
	dnsmessage.TypeSOA: "SOA", dnsmessage.TypePTR: "PTR", dnsmessage.TypeMX: "MX",
	dnsmessage.TypeTXT: "TXT", dnsmessage.TypeAAAA: "AAAA", dnsmessage.TypeSRV: "SRV",
	dnsmessage.TypeOPT: "OPT", dnsmessage.TypeSVCB: "SVCB", dnsmessage.TypeHTTPS: "HTTPS",
	dnsmessage.TypeWKS: "WKS", dnsmessage.TypeHINFO: "HINFO", dnsmessage.TypeMINFO: "MINFO",
	dnsmessage.TypeAXFR: "AXFR", dnsmessage.TypeALL: "ANY",
	35: "NAPTR", 39: "DNAME", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY",
	52: "TLSA", 99: "SPF", 257: "CAA",
}

func typeName(t dnsmessage.Type) string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

func className(c dnsmessage.Class) string {
	switch c {
	case dnsmessage.ClassINET:
		return "IN"
	case dnsmessage.ClassCHAOS:
		return "CH"
	case dnsmessage.ClassHESIOD:
		return "HS"
	case dnsmessage.ClassANY:
		return "ANY"
	}
	return "CLASS" + strconv.Itoa(int(c))
}

func rcodeName(rc dnsmessage.RCode) string {
	names := map[dnsmessage.RCode]string{
		dnsmessage.RCodeSuccess: "NOERROR", dnsmessage.RCodeFormatError: "FORMERR",
		dnsmessage.RCodeServerFailure: "SERVFAIL", dnsmessage.RCodeNameError: "NXDOMAIN",
		dnsmessage.RCodeNotImplemented: "NOTIMP", dnsmessage.RCodeRefused: "REFUSED",
	}
	if s, ok := names[rc]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(int(rc))
}

// flags lists the header flags set, in dig's order.
func flags(h *dnsmessage.Header) []string {
	var f []string
	for _, x := range []struct {
		on   bool
		name string
	}{
		{h.Response, "qr"}, {h.Authoritative, "aa"}, {h.Truncated, "tc"},
		{h.RecursionDesired, "rd"}, {h.RecursionAvailable, "ra"},
		{h.AuthenticData, "ad"}, {h.CheckingDisabled, "cd"},
	} {
		if x.on {
			f = append(f, x.name)
		}
	}
	return f
}

// rdata returns the presentation form of a record's data (RFC 1035 §5.1;
// RFC 3597 §5 for types without one here).
func rdata(rr *dnsmessage.Resource) string {
	switch b := rr.Body.(type) {
	case *dnsmessage.AResource:
		return netip.AddrFrom4(b.A).String()
	case *dnsmessage.AAAAResource:
		return netip.AddrFrom16(b.AAAA).String()
	case *dnsmessage.CNAMEResource:
		return b.CNAME.String()
	case *dnsmessage.NSResource:
		return b.NS.String()
	case *dnsmessage.PTRResource:
		return b.PTR.String()
	case *dnsmessage.MXResource:
		return fmt.Sprintf("%d %s", b.Pref, b.MX.String())
	case *dnsmessage.SRVResource:
		return fmt.Sprintf("%d %d %d %s", b.Priority, b.Weight, b.Port, b.Target.String())
	case *dnsmessage.SOAResource:
		return fmt.Sprintf("%s %s %d %d %d %d %d", b.NS.String(), b.MBox.String(),
			b.Serial, b.Refresh, b.Retry, b.Expire, b.MinTTL)
	case *dnsmessage.TXTResource:
		q := make([]string, len(b.TXT))
		for i, s := range b.TXT {
			q[i] = quote(s)
		}
		return strings.Join(q, " ")
	case *dnsmessage.UnknownResource:
		return fmt.Sprintf("\\# %d %s", len(b.Data), hex.EncodeToString(b.Data))
	case *dnsmessage.SVCBResource:
		return svcb(b)
	case *dnsmessage.HTTPSResource:
		return svcb(&b.SVCBResource)
	}
	return rr.Body.GoString()
}

func svcb(b *dnsmessage.SVCBResource) string {
	parts := []string{strconv.Itoa(int(b.Priority)), b.Target.String()}
	for _, p := range b.Params {
		parts = append(parts, fmt.Sprintf("key%d=%s", p.Key, hex.EncodeToString(p.Value)))
	}
	return strings.Join(parts, " ")
}

// quote renders a character-string in presentation form: quoted, with
// quotes and backslashes escaped and non-printable bytes as \DDD.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c > 0x7e:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
