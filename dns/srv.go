package dns

import (
	"math/rand/v2"
	"slices"

	"golang.org/x/net/dns/dnsmessage"
)

// SRV is a service location record (RFC 2782).
type SRV struct {
	Target   string // as received, with a trailing dot; "." means the service is not offered
	Port     uint16
	Priority uint16
	Weight   uint16
}

// LookupSRV returns the SRV records of _service._proto.name, or of name
// itself when service and proto are both empty, in the order a client
// should try them (RFC 2782, as AnyEvent::DNS srv orders them, spec §16.6):
// by priority, and within a priority by weighted random selection.
func (r *Resolver) LookupSRV(service, proto, name string, cb func(srv []SRV, err error)) *Query {
	qname := name
	if service != "" || proto != "" {
		qname = "_" + service + "._" + proto + "." + name
	}
	return r.Lookup(qname, dnsmessage.TypeSRV, func(a *Answer, err error) {
		if err != nil {
			cb(nil, err)
			return
		}
		var srv []SRV
		for _, rr := range a.Records {
			if b, ok := rr.Body.(*dnsmessage.SRVResource); ok {
				srv = append(srv, SRV{Target: b.Target.String(), Port: b.Port, Priority: b.Priority, Weight: b.Weight})
			}
		}
		orderSRV(srv, r.rng)
		cb(srv, nil)
	})
}

// orderSRV sorts srv into RFC 2782 order in place: ascending priority;
// within a priority, records sorted by ascending weight are picked one at
// a time, each with a probability proportional to its weight: with sum the
// total weight of those left, a random w in [0, sum] selects the first
// record at which the running sum of weights reaches w. Zero-weight
// records thus have a small chance only when they come first.
func orderSRV(srv []SRV, rng *rand.Rand) {
	slices.SortStableFunc(srv, func(a, b SRV) int {
		if a.Priority != b.Priority {
			return int(a.Priority) - int(b.Priority)
		}
		return int(a.Weight) - int(b.Weight)
	})
	for start := 0; start < len(srv); {
		end := start + 1
		for end < len(srv) && srv[end].Priority == srv[start].Priority {
			end++
		}
		weightedShuffle(srv[start:end], rng)
		start = end
	}
}

// weightedShuffle orders one priority group (sorted by weight) by repeated
// weighted selection.
func weightedShuffle(group []SRV, rng *rand.Rand) {
	for i := 0; i < len(group)-1; i++ {
		sum := 0
		for _, s := range group[i:] {
			sum += int(s.Weight)
		}
		w := rng.IntN(sum + 1)
		pick := len(group) - 1
		for j := i; j < len(group); j++ {
			w -= int(group[j].Weight)
			if w <= 0 {
				pick = j
				break
			}
		}
		chosen := group[pick]
		copy(group[i+1:pick+1], group[i:pick])
		group[i] = chosen
	}
}
