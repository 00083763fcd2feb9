package dns

import (
	"net/netip"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// TTL bounds of the cache. A TTL above the cap is shortened; zero TTLs are
// not cached. Negative answers (RFC 2308) live for min(SOA TTL, SOA
// MINIMUM), capped lower because a name that appears should not stay
// hidden for long (RFC 2308 §5 suggests one to three hours at most).
const (
	maxCacheTTL    = 24 * time.Hour
	maxNegativeTTL = time.Hour
)

// cacheKey identifies a cached answer: the question asked.
type cacheKey struct {
	name  string // canonical form
	qtype dnsmessage.Type
	class dnsmessage.Class
}

// cacheEntry is one cached reply: its code and answer section. Entries are
// linked in least-recently-used order.
type cacheEntry struct {
	key     cacheKey
	expires time.Time
	rcode   dnsmessage.RCode
	rrs     []dnsmessage.Resource // the answer section as received; read-only
	server  netip.AddrPort
	prev    *cacheEntry
	next    *cacheEntry
}

// cache is a bounded TTL cache of replies keyed by question, positive and
// negative, evicting the least recently used entry when full. It takes the
// time as an argument, so it is independent of any clock.
type cache struct {
	max   int
	items map[cacheKey]*cacheEntry
	lru   cacheEntry // sentinel: lru.next is the most recently used
}

func newCache(max int) *cache {
	c := &cache{max: max, items: make(map[cacheKey]*cacheEntry)}
	c.lru.next, c.lru.prev = &c.lru, &c.lru
	return c
}

// get returns the live entry for k, or nil; an expired entry is dropped.
func (c *cache) get(k cacheKey, now time.Time) *cacheEntry {
	e := c.items[k]
	if e == nil {
		return nil
	}
	if !now.Before(e.expires) {
		c.remove(e)
		return nil
	}
	c.unlink(e)
	c.pushFront(e)
	return e
}

// put caches the reply msg to question k if its TTL allows (see ttlOf).
func (c *cache) put(k cacheKey, msg *dnsmessage.Message, server netip.AddrPort, now time.Time) {
	ttl := ttlOf(msg)
	if ttl <= 0 {
		return
	}
	if old := c.items[k]; old != nil {
		c.remove(old)
	}
	for len(c.items) >= c.max {
		c.remove(c.lru.prev)
	}
	e := &cacheEntry{key: k, expires: now.Add(ttl), rcode: msg.Header.RCode, rrs: msg.Answers, server: server}
	c.items[k] = e
	c.pushFront(e)
}

// ttlOf returns how long a reply may be cached: the smallest TTL in its
// answer section (RFC 2181 §5.2 wants one TTL per RRset; we take the
// minimum over the whole chain), and for a negative reply the SOA bound of
// RFC 2308 §5. A negative reply without SOA is not cached (RFC 2308 §5).
func ttlOf(msg *dnsmessage.Message) time.Duration {
	negative := msg.Header.RCode == dnsmessage.RCodeNameError || len(msg.Answers) == 0
	limit := maxCacheTTL
	if negative {
		limit = maxNegativeTTL
	}
	ttl := limit
	for i := range msg.Answers {
		ttl = min(ttl, time.Duration(msg.Answers[i].Header.TTL)*time.Second)
	}
	if !negative {
		return ttl
	}
	for i := range msg.Authorities {
		rr := &msg.Authorities[i]
		if soa, ok := rr.Body.(*dnsmessage.SOAResource); ok {
			ttl = min(ttl, time.Duration(min(rr.Header.TTL, soa.MinTTL))*time.Second)
			return ttl
		}
	}
	return 0
}

// records returns copies of the entry's records with their TTLs lowered by
// the time spent in the cache. The bodies are shared with the cache.
func (e *cacheEntry) records(now time.Time) []dnsmessage.Resource {
	left := uint32(e.expires.Sub(now) / time.Second)
	rrs := make([]dnsmessage.Resource, len(e.rrs))
	for i, rr := range e.rrs {
		rr.Header.TTL = min(rr.Header.TTL, left)
		rrs[i] = rr
	}
	return rrs
}

func (c *cache) remove(e *cacheEntry) {
	c.unlink(e)
	delete(c.items, e.key)
}

func (c *cache) unlink(e *cacheEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
}

func (c *cache) pushFront(e *cacheEntry) {
	e.prev, e.next = &c.lru, c.lru.next
	c.lru.next.prev = e
	c.lru.next = e
}

// len returns the number of entries, expired ones included.
func (c *cache) len() int { return len(c.items) }
