package dns

import (
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

func TestFollow(t *testing.T) {
	A := []dnsmessage.Type{dnsmessage.TypeA}
	a := rrA("B.test.", 60, [4]byte{1, 2, 3, 4})
	chain := []dnsmessage.Resource{rrCNAME("www.test.", 30, "a.test."), rrCNAME("a.test.", 30, "b.test."), a}
	tests := []struct {
		name        string
		rrs         []dnsmessage.Resource
		accept      []dnsmessage.Type
		recs        int
		owner, next string
		loop        bool
		hops        int
	}{
		{"chain within the answer", chain, A, 1, "b.test.", "", false, 2},
		{"chain leaves the answer", chain[:2], A, 0, "b.test.", "b.test.", false, 2},
		{"CNAME accepted", chain, []dnsmessage.Type{dnsmessage.TypeCNAME}, 1, "www.test.", "", false, 0},
		{"ANY accepts the CNAME", chain, []dnsmessage.Type{dnsmessage.TypeALL}, 1, "www.test.", "", false, 0},
		{"no data", []dnsmessage.Resource{rrA("other.test.", 1, [4]byte{})}, A, 0, "www.test.", "", false, 0},
		{"loop", []dnsmessage.Resource{rrCNAME("www.test.", 1, "x.test."), rrCNAME("x.test.", 1, "www.test.")}, A, 0, "", "", true, MaxCNAMEHops},
	}
	for _, tt := range tests {
		hops := 0
		recs, owner, next, loop := follow(tt.rrs, "www.test.", tt.accept, dnsmessage.ClassINET, &hops)
		if len(recs) != tt.recs || next != tt.next || loop != tt.loop || hops != tt.hops || (!loop && owner != tt.owner) {
			t.Errorf("%s: %d records, owner %q, next %q, loop %v, hops %d; want %d %q %q %v %d",
				tt.name, len(recs), owner, next, loop, hops, tt.recs, tt.owner, tt.next, tt.loop, tt.hops)
		}
	}
}
