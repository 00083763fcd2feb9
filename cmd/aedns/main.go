// Command aedns is a small dig-like DNS client built on the dns package.
//
// Usage:
//
//	aedns [flags] [@server[:port]] name [type]
//	aedns [flags] [@server[:port]] -x address
//
// It sends one query (no search list, no hosts file, no cache) to the
// server given, or to the nameservers of /etc/resolv.conf, and prints the
// reply's header, question, answer, authority and additional sections like
// dig, then the query time and the server that answered. The type defaults
// to A; it may be any mnemonic the tool knows (A, AAAA, CNAME, MX, NS,
// PTR, SOA, SRV, TXT, CAA, HTTPS, SVCB, ANY, …) or TYPEnnn.
//
// Flags:
//
//	--json          print the reply as one JSON object instead
//	--timeout D     wait D per attempt (default 2s)
//	--tries N       rounds over the servers (default 3)
//	--tcp           query over TCP
//	-x              reverse lookup: name is an IP address
//
// The exit status is 0 for a NOERROR or NXDOMAIN reply (and for -h), 1
// when no usable reply came, 2 for usage errors.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
