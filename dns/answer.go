package dns

import (
	"net/netip"

	"golang.org/x/net/dns/dnsmessage"
)

// Source says where an [Answer] came from.
type Source uint8

// The sources of an answer.
const (
	SourceNetwork Source = iota // a server's reply
	SourceCache                 // the resolver's cache
	SourceHosts                 // the hosts database
)

// String returns "network", "cache" or "hosts".
func (s Source) String() string {
	switch s {
	case SourceNetwork:
		return "network"
	case SourceCache:
		return "cache"
	case SourceHosts:
		return "hosts"
	}
	return "Source(?)"
}

// Answer is the result of a successful lookup.
//
// The records may be shared with the resolver's cache: treat the Answer,
// its slices and the record bodies as read-only.
type Answer struct {
	// Name is the name that was found: the candidate from the search
	// list, in canonical form (lower case, trailing dot).
	Name string
	// Canonical is the owner of Records: Name, or the end of the CNAME
	// chain that Name led to.
	Canonical string
	// Records are the records of the accepted types owned by Canonical,
	// in the order of the reply. TTLs of cached records count down.
	Records []dnsmessage.Resource
	// Server is the server that answered; invalid for hosts answers.
	Server netip.AddrPort
	// Source says whether the answer came from the network, the cache or
	// the hosts database.
	Source Source
}

// follow looks in rrs (an answer section) for the records of an accepted
// type and class owned by name, following CNAME records within rrs as
// AnyEvent::DNS resolve does (spec §16.4 step 3). *hops counts the CNAMEs
// followed for the current candidate. It returns the records found and
// their owner; or, when the chain leaves rrs, the name to ask next; or
// loop when the chain is longer than MaxCNAMEHops.
func follow(rrs []dnsmessage.Resource, name string, accept []dnsmessage.Type, class dnsmessage.Class, hops *int) (recs []dnsmessage.Resource, owner, next string, loop bool) {
	cur := name
	for {
		if recs = owned(rrs, cur, accept, class); len(recs) > 0 {
			return recs, cur, "", false
		}
		target, ok := cnameOf(rrs, cur, class)
		if !ok {
			if cur != name {
				return nil, cur, cur, false
			}
			return nil, cur, "", false
		}
		if *hops >= MaxCNAMEHops {
			return nil, cur, "", true
		}
		*hops++
		cur = target
	}
}

// owned returns the records of rrs of an accepted type and class owned by
// name. When they are adjacent in rrs, as they usually are, the result is
// a slice of rrs itself (with no room to append into rrs), so it shares
// rrs's array and costs no allocation; otherwise they are copied out.
func owned(rrs []dnsmessage.Resource, name string, accept []dnsmessage.Type, class dnsmessage.Class) []dnsmessage.Resource {
	first, last, n := 0, 0, 0
	for i := range rrs {
		if ownedBy(&rrs[i].Header, name, accept, class) {
			if n == 0 {
				first = i
			}
			last = i + 1
			n++
		}
	}
	switch {
	case n == 0:
		return nil
	case last-first == n:
		return rrs[first:last:last]
	}
	recs := make([]dnsmessage.Resource, 0, n)
	for i := range rrs {
		if ownedBy(&rrs[i].Header, name, accept, class) {
			recs = append(recs, rrs[i])
		}
	}
	return recs
}

func ownedBy(h *dnsmessage.ResourceHeader, name string, accept []dnsmessage.Type, class dnsmessage.Class) bool {
	return classMatches(h.Class, class) && accepts(accept, h.Type) && nameIs(&h.Name, name)
}

// cnameOf returns the canonical target of the CNAME record owned by name.
func cnameOf(rrs []dnsmessage.Resource, name string, class dnsmessage.Class) (string, bool) {
	for i := range rrs {
		h := &rrs[i].Header
		if h.Type != dnsmessage.TypeCNAME || !classMatches(h.Class, class) || !nameIs(&h.Name, name) {
			continue
		}
		if c, ok := rrs[i].Body.(*dnsmessage.CNAMEResource); ok {
			if t, ok := fqdn(c.CNAME.String()); ok {
				return t, true
			}
		}
	}
	return "", false
}

// accepts reports whether records of type t answer a query accepting the
// types in accept; ANY (TypeALL) accepts every type, CNAME included.
func accepts(accept []dnsmessage.Type, t dnsmessage.Type) bool {
	for _, a := range accept {
		if a == t || a == dnsmessage.TypeALL {
			return true
		}
	}
	return false
}

func classMatches(got, want dnsmessage.Class) bool {
	return got == want || want == dnsmessage.ClassANY
}
