package dns

import (
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func msgWith(rc dnsmessage.RCode, answers, authority []dnsmessage.Resource) *dnsmessage.Message {
	return &dnsmessage.Message{Header: dnsmessage.Header{Response: true, RCode: rc}, Answers: answers, Authorities: authority}
}

func TestTTLOf(t *testing.T) {
	a := rrA("a.test.", 300, [4]byte{1, 2, 3, 4})
	tests := []struct {
		name string
		msg  *dnsmessage.Message
		want time.Duration
	}{
		{"positive: smallest TTL of the chain", msgWith(0, []dnsmessage.Resource{rrCNAME("x.test.", 60, "a.test."), a}, nil), 60 * time.Second},
		{"positive capped", msgWith(0, []dnsmessage.Resource{rrA("a.", 1<<31, [4]byte{})}, nil), maxCacheTTL},
		{"zero TTL", msgWith(0, []dnsmessage.Resource{rrA("a.", 0, [4]byte{})}, nil), 0},
		{"nxdomain: SOA minimum", msgWith(dnsmessage.RCodeNameError, nil, []dnsmessage.Resource{rrSOA("test.", 600, 120)}), 120 * time.Second},
		{"nodata: SOA TTL when lower", msgWith(0, nil, []dnsmessage.Resource{rrSOA("test.", 30, 120)}), 30 * time.Second},
		{"negative capped", msgWith(dnsmessage.RCodeNameError, nil, []dnsmessage.Resource{rrSOA("test.", 86400, 86400)}), maxNegativeTTL},
		{"negative without SOA", msgWith(dnsmessage.RCodeNameError, nil, nil), 0},
	}
	for _, tt := range tests {
		if got := ttlOf(tt.msg); got != tt.want {
			t.Errorf("%s: ttl %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCacheExpiryAndTTLCountdown(t *testing.T) {
	c := newCache(10)
	now := time.Unix(1_700_000_000, 0)
	k := cacheKey{"a.test.", dnsmessage.TypeA, dnsmessage.ClassINET}
	c.put(k, msgWith(0, []dnsmessage.Resource{rrA("a.test.", 100, [4]byte{1, 2, 3, 4})}, nil), netip.AddrPort{}, now)
	e := c.get(k, now.Add(40*time.Second))
	if e == nil {
		t.Fatal("entry missing before expiry")
	}
	if ttl := e.records(now.Add(40 * time.Second))[0].Header.TTL; ttl != 60 {
		t.Errorf("TTL after 40s = %d, want 60", ttl)
	}
	if e.rrs[0].Header.TTL != 100 {
		t.Error("records() changed the cached TTL")
	}
	if c.get(k, now.Add(100*time.Second)) != nil {
		t.Error("entry alive at its expiry")
	}
	if c.len() != 0 {
		t.Errorf("expired entry kept: len %d", c.len())
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	c := newCache(2)
	now := time.Unix(1_700_000_000, 0)
	key := func(n string) cacheKey { return cacheKey{n, dnsmessage.TypeA, dnsmessage.ClassINET} }
	put := func(n string) {
		c.put(key(n), msgWith(0, []dnsmessage.Resource{rrA(n, 100, [4]byte{})}, nil), netip.AddrPort{}, now)
	}
	put("a.")
	put("b.")
	c.get(key("a."), now) // a is now more recent than b
	put("c.")
	if c.get(key("b."), now) != nil {
		t.Error("b survived; it was the least recently used")
	}
	if c.get(key("a."), now) == nil || c.get(key("c."), now) == nil {
		t.Error("a or c evicted")
	}
	put("c.") // replacing keeps the size
	if c.len() != 2 {
		t.Errorf("len %d, want 2", c.len())
	}
}
